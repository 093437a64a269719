from django.urls import path

from gugus.linkage import views

app_name = "linkage"
urlpatterns = [
    path("tautan/", views.queue, name="queue"),
    path("tautan/pasangan/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("tautan/pasangan/<int:pk>/putuskan/", views.candidate_decide, name="candidate_decide"),
    path("tautan/orang/<int:pk>/", views.person_links, name="person_links"),
    path("tautan/orang/<int:pk>/lepas/", views.person_unmerge, name="person_unmerge"),
]
