from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gugus.audit"
    verbose_name = "Audit log"

    def ready(self):
        from gugus.audit import receivers  # noqa: F401  (login/logout events from django.contrib.auth)
