from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "bairn.notify"
    label = "notify"
