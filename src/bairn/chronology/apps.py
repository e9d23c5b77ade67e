from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "bairn.chronology"
    label = "chronology"
