from django.urls import path

from gugus.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("masuk/kode/", views.otp_view, name="otp"),
    path("masuk/siapkan-kode/", views.otp_setup_view, name="otp_setup"),
    path("keluar/", views.logout_view, name="logout"),
    path("kata-sandi/", views.password_change_view, name="password_change"),
    path("pengguna/", views.user_list, name="user_list"),
    path("pengguna/baru/", views.user_create, name="user_create"),
    path("pengguna/<int:pk>/", views.user_edit, name="user_edit"),
    path("pengguna/<int:pk>/reset-sandi/", views.user_reset_password, name="user_reset_password"),
    path("pengguna/<int:pk>/reset-2fa/", views.user_reset_2fa, name="user_reset_2fa"),
    path("instansi/", views.agency_list, name="agency_list"),
    path("gugus-tugas/", views.task_force_list, name="task_force_list"),
    path("token-api/", views.token_list, name="token_list"),
    path("token-api/<int:pk>/cabut/", views.token_revoke, name="token_revoke"),
]
