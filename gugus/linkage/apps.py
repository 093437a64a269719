from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "gugus.linkage"
    verbose_name = "Record linkage"
