from django.urls import path

from gugus.cases import views

app_name = "cases"
urlpatterns = [
    path("orang/", views.person_list, name="person_list"),
    path("orang/baru/", views.person_create, name="person_create"),
    path("orang/cek-nik/", views.nik_hint, name="nik_hint"),
    path("orang/<int:pk>/", views.person_detail, name="person_detail"),
    path("orang/<int:pk>/ubah/", views.person_edit, name="person_edit"),
    path("akses-darurat/", views.break_glass, name="break_glass"),
    path("kasus/", views.case_list, name="case_list"),
    path("kasus/baru/", views.case_create, name="case_create"),
    path("kasus/<int:pk>/", views.case_detail, name="case_detail"),
    path("kasus/<int:pk>/ubah/", views.case_edit, name="case_edit"),
    path("kasus/<int:pk>/pihak/", views.case_add_participant, name="case_add_participant"),
    path("kasus/<int:pk>/peristiwa/", views.case_add_event, name="case_add_event"),
    path("kasus/<int:pk>/tahap/", views.case_record_stage, name="case_record_stage"),
    path("kasus/<int:pk>/identifikasi/", views.case_identify, name="case_identify"),
    path("kasus/<int:pk>/putusan/", views.case_verdict, name="case_verdict"),
]
