from django.urls import path

from gugus.watch import views

app_name = "watch"
urlpatterns = [
    path("pantauan/", views.queue, name="queue"),
    path("pantauan/unggah/", views.upload, name="upload"),
    path("pantauan/pos/<int:pk>/", views.post_detail, name="post_detail"),
    path("pantauan/pos/<int:pk>/telaah/", views.post_review, name="post_review"),
    path("pantauan/pos/<int:pk>/takedown/", views.takedown_create, name="takedown_create"),
    path("pantauan/takedown/", views.takedown_list, name="takedown_list"),
    path("pantauan/takedown/<int:pk>/", views.takedown_detail, name="takedown_detail"),
    path("pantauan/takedown/<int:pk>/surat.pdf", views.takedown_letter, name="takedown_letter"),
    path("pantauan/peringatan/", views.alert_list, name="alert_list"),
    path("pantauan/peringatan/<int:pk>/tutup/", views.alert_close, name="alert_close"),
    path("pantauan/kecocokan-kasus/", views.matches, name="matches"),
    path("pantauan/keputusan.jsonl", views.decisions_export, name="decisions_export"),
]
