from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    # The label is the one these models were created under, before they had an app of their own:
    # it names their tables (iro_service_user, ...), their rows in django_migrations, content types
    # and permissions, and AUTH_USER_MODEL ("iro_service.User"). Keeping it lets every existing
    # database and every migration that depends on the user model carry on unchanged.
    label = "iro_service"
    verbose_name = "Accounts"
