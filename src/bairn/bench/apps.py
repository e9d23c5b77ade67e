from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bairn.bench"
    label = "bench"
