from django.urls import path

from gugus.imports import views

app_name = "imports"
urlpatterns = [
    path("impor/", views.import_list, name="import_list"),
    path("impor/<int:pk>/", views.import_detail, name="import_detail"),
    path("impor/<int:pk>/kolom/", views.import_mapping, name="import_mapping"),
    path("impor/<int:pk>/simpan/", views.import_commit, name="import_commit"),
    path("impor/<int:pk>/baris-gagal/", views.import_bad_rows, name="import_bad_rows"),
    path("impor/<int:pk>/hapus-berkas/", views.import_discard_file, name="import_discard_file"),
]
