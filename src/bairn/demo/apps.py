from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bairn.demo"
    label = "demo"
