from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "gugus.imports"
    verbose_name = "Spreadsheet imports"
