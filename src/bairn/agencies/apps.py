from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "bairn.agencies"
    label = "agencies"
    verbose_name = "Agencies and practitioners"
