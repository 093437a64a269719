from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gugus.core"
    verbose_name = "Gugus core"

    def ready(self):
        # Makes the project's Celery app (broker from settings, inline without one) the current app in every
        # process, so a task's .delay() never falls back to Celery's default broker.
        import gugus.celery  # noqa: F401
