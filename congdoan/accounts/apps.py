from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "congdoan.accounts"
    label = "accounts"
