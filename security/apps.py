from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Sign-in and account security"

    def ready(self):
        from . import signals  # noqa: F401  (connects the sign-in and lockout receivers)
