"""core.apps replaces each model's get_FOO_display by one reading a dict made once: the same labels."""

from django.apps import apps
from django.db.models import Model

from children.models import Episode


def test_every_choice_label_is_djangos():
    checked = 0
    for model in apps.get_models():
        for field in model._meta.fields:
            if not field.choices:
                continue
            obj = model()
            values = [value for value, _ in field.flatchoices] + [None, "", "not-a-choice", 0]
            for value in values:
                setattr(obj, field.attname, value)
                assert getattr(obj, f"get_{field.name}_display")() == Model._get_FIELD_display(obj, field), (
                    model,
                    field.name,
                    value,
                )
                checked += 1
    assert checked > 500  # the 903's code lists among them


def test_the_episodes_codes_are_read_from_a_dict_made_once():
    assert "partialmethod" not in type(Episode.__dict__["get_placement_display"]).__name__
    episode = Episode(placement="K2", legal_status="C2")
    assert episode.get_placement_display() == "Children's home"
    assert episode.get_legal_status_display() == "Full care order"
