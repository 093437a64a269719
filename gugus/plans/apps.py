from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "gugus.plans"
    label = "plans"
    verbose_name = "Action plans, coordination meetings and socialisation"
