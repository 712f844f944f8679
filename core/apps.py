from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        post_migrate.connect(_watch_tables, sender=self)


def _watch_tables(sender, using="default", **kwargs):
    # Every table a migration added is watched from the moment it exists (core.changes).
    from .changes import install_triggers

    install_triggers(using)
