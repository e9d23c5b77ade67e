from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "bairn.planning"
    label = "planning"
    verbose_name = "Assessments and the Child's Plan"
