from django.apps import AppConfig


class MigrantsConfig(AppConfig):
    name = "gugus.migrants"
    label = "migrants"
    verbose_name = "Migrant workers: prevented departures, workers in trouble, the deceased"
