from django.apps import AppConfig


class IroServiceConfig(AppConfig):
    name = "iro_service"
    verbose_name = "IRO service"
