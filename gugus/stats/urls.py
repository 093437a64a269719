from django.urls import path

from gugus.stats import views

app_name = "stats"
urlpatterns = [
    path("statistik/", views.dashboard, name="dashboard"),
    path("statistik/unduh.xlsx", views.dashboard_file, {"fmt": "xlsx"}, name="dashboard_xlsx"),
    path("statistik/unduh.csv", views.dashboard_file, {"fmt": "csv"}, name="dashboard_csv"),
    path("statistik/laporan.pdf", views.report, name="report"),
    path("statistik/kasus.xlsx", views.case_list_file, {"fmt": "xlsx"}, name="cases_xlsx"),
    path("statistik/kasus.csv", views.case_list_file, {"fmt": "csv"}, name="cases_csv"),
    path("statistik/htcds/", views.htcds_page, name="htcds"),
    path("statistik/htcds/impor/", views.htcds_import, name="htcds_import"),
    path("portal/statistik/", views.public, name="public"),
]
