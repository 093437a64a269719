from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "gugus.stats"
    verbose_name = "Statistics"

    def ready(self):
        from gugus.stats import tasks  # noqa: F401  (registers the Celery task in web and worker processes)
