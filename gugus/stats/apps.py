from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "gugus.stats"
    verbose_name = "Statistics"
