from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "bairn.access"
    label = "access"
