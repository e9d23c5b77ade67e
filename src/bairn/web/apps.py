from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bairn.web"
    label = "web"
