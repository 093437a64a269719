from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "gugus.watch"
    verbose_name = "Online job-post watch"
