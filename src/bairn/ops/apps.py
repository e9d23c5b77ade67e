from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Management commands only: no models, no migrations."""

    name = "bairn.ops"
    label = "ops"
