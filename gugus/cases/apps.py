from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gugus.cases"
    verbose_name = "Persons and cases"
