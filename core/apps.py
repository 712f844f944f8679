from functools import partialmethod

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        post_migrate.connect(_watch_tables, sender=self)
        _choice_labels_read_once()


def _watch_tables(sender, using="default", **kwargs):
    # Every table a migration added is watched from the moment it exists (core.changes).
    from .changes import install_triggers

    install_triggers(using)


def _choice_labels_read_once():
    """Django's `get_FOO_display` makes a dict of the field's choices at every call: tens of
    microseconds for the 903's long code lists, and a child's page calls it a hundred times. Each
    model's (those Django made, not one a model wrote itself) is replaced by one reading a dict made
    once, with the same result (tests/core/test_choice_labels.py). Choices given by a callable are
    left to Django: they can change."""
    for model in apps.get_models():
        for field in model._meta.fields:
            name = f"get_{field.name}_display"
            if isinstance(model.__dict__.get(name), partialmethod) and not isinstance(
                field.choices, CallableChoiceIterator
            ):
                setattr(model, name, _label_of(field))


def _label_of(field):
    labels = dict(make_hashable(field.flatchoices))
    attname = field.attname

    def label(self):
        value = getattr(self, attname)
        # As Model._get_FIELD_display: the value itself if not a choice; force_str for lazy labels.
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    return label
