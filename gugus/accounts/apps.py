from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gugus.accounts"
    verbose_name = "Agencies, users and roles"
