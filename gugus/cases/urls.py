from django.urls import path

from gugus.cases import views

app_name = "cases"
urlpatterns = [
    path("orang/", views.person_list, name="person_list"),
    path("orang/baru/", views.person_create, name="person_create"),
    path("orang/<int:pk>/", views.person_detail, name="person_detail"),
    path("orang/<int:pk>/ubah/", views.person_edit, name="person_edit"),
    path("akses-darurat/", views.break_glass, name="break_glass"),
]
