from django.urls import path

from gugus.plans import views

app_name = "plans"
urlpatterns = [
    path("rencana-aksi/", views.plan_list, name="plan_list"),
    path("rencana-aksi/baru/", views.plan_create, name="plan_create"),
    path("rencana-aksi/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("rencana-aksi/<int:pk>/status/", views.plan_status, name="plan_status"),
    path("rencana-aksi/<int:pk>/program/", views.programme_add, name="programme_add"),
    path("rencana-aksi/<int:pk>/lanjutkan/", views.plan_carry_over, name="plan_carry_over"),
    path("rencana-aksi/<int:pk>/evaluasi/<int:year>.<str:fmt>", views.plan_report, name="plan_report"),
    path("rencana-aksi/program/<int:pk>/kegiatan/", views.activity_add, name="activity_add"),
    path("rencana-aksi/kegiatan/<int:pk>/indikator/", views.indicator_add, name="indicator_add"),
    path("rencana-aksi/kegiatan/<int:pk>/laporan/", views.progress, name="progress"),
    path("rencana-aksi/bukti/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("rapat/", views.meeting_list, name="meeting_list"),
    path("rapat/baru/", views.meeting_create, name="meeting_create"),
    path("rapat/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("rapat/tindak-lanjut/<int:pk>/status/", views.follow_up_status, name="follow_up_status"),
    path("rapat/tindak-lanjut/terlambat/", views.overdue, name="overdue"),
    path("sosialisasi/", views.event_list, name="event_list"),
    path("sosialisasi/baru/", views.event_create, name="event_create"),
    path("sosialisasi/<int:pk>/", views.event_detail, name="event_detail"),
    path("sosialisasi/jangkauan/", views.reach, name="reach"),
]
