from django.urls import path

from gugus.care import views

app_name = "care"
urlpatterns = [
    path("kasus/<int:pk>/layanan/", views.case_care, name="case_care"),
    path("kasus/<int:pk>/layanan/kebutuhan/", views.assess, name="assess"),
    path("kasus/<int:pk>/layanan/minta/", views.request_service, name="request_service"),
    path("kasus/<int:pk>/persetujuan/", views.record_consent, name="record_consent"),
    path("kasus/<int:pk>/rujukan/", views.send_referral, name="send_referral"),
    path("kasus/<int:pk>/pemulangan/", views.start_repatriation, name="start_repatriation"),
    path("kasus/<int:pk>/konferensi/", views.record_conference, name="record_conference"),
    path("kasus/<int:pk>/penutupan/", views.request_closure, name="request_closure"),
    path("layanan/<int:pk>/status/", views.service_status, name="service_status"),
    path("layanan/<int:pk>/penyedia/", views.assign_provider, name="assign_provider"),
    path("persetujuan/<int:pk>/tarik/", views.withdraw_consent, name="withdraw_consent"),
    path("pemulangan/<int:pk>/tahap/", views.add_leg, name="add_leg"),
    path("penutupan/<int:pk>/putusan/", views.decide_closure, name="decide_closure"),
    path("rujukan/", views.referral_inbox, name="referral_inbox"),
    path("rujukan/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("rujukan/<int:pk>/<str:verb>/", views.referral_answer, name="referral_answer"),
    path("layanan/tenggat/", views.deadlines, name="deadlines"),
    path("layanan/angka/", views.figures, name="figures"),
    path("notifikasi/", views.notifications, name="notifications"),
]
