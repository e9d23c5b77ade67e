from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bairn.audit"
    label = "audit"
