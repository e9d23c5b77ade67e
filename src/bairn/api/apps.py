from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bairn.api"
    label = "api"
