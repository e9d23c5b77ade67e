from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bairn.people"
    label = "people"
