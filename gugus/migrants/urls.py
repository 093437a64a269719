from django.urls import path

from gugus.migrants import views

app_name = "migrants"
urlpatterns = [
    path("pmi/", views.index, name="index"),
    path("pmi/penundaan/", views.departure_list, name="departure_list"),
    path("pmi/penundaan/baru/", views.departure_create, name="departure_create"),
    path("pmi/penundaan/<int:pk>/", views.departure_detail, name="departure_detail"),
    path("pmi/penundaan/<int:pk>/skrining/", views.departure_screen, name="departure_screen"),
    path("pmi/penundaan/<int:pk>/kasus/", views.departure_open_case, name="departure_open_case"),
    path("pmi/kasus/<int:pk>/", views.case_detail, name="case"),
    path("pmi/kasus/<int:pk>/tppo/", views.case_reclassify, name="case_reclassify"),
    path("pmi/kasus/<int:pk>/hak/", views.claim_add, name="claim_add"),
    path("pmi/hak/<int:pk>/", views.claim_update, name="claim_update"),
    path("pmi/angka/", views.figures, name="figures"),
    path("pmi/<str:kind>/", views.case_list, name="case_list"),
    path("pmi/<str:kind>/baru/", views.case_create, name="case_create"),
]
