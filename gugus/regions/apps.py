from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "gugus.regions"
    verbose_name = "Regions"
