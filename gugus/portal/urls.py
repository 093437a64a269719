from django.urls import path

from gugus.portal import views

app_name = "portal"

urlpatterns = [
    # Public (no login)
    path("", views.home, name="home"),
    path("lapor/", views.report, name="report"),
    path("status/", views.status, name="status"),
    path("cek-lowongan/", views.check, name="check"),
    path("informasi/", views.info, name="info"),
    # Secretariat (capability intake.manage)
    path("staf/pengaduan/", views.intake, name="intake"),
    path("staf/pengaduan/<int:pk>/", views.intake_detail, name="intake_detail"),
    path("staf/pengaduan/<int:pk>/tindak/", views.intake_act, name="intake_act"),
    path("staf/pengaduan/<int:pk>/lampiran/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("staf/informasi/", views.info_list, name="info_list"),
    path("staf/informasi/<slug:slug>/", views.info_edit, name="info_edit"),
]
