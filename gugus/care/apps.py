from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "gugus.care"
    label = "care"
    verbose_name = "Integrated victim services and referrals"
