from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "bairn.sharing"
    label = "sharing"
    verbose_name = "Information sharing"
