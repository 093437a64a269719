from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "gugus.ops"
    verbose_name = "Gugus operations"

    def ready(self):
        from gugus.ops import schema  # noqa: F401 - registers the OpenAPI security schemes
