from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "gugus.ops"
    verbose_name = "Gugus operations"
