"""The child's name and the details that help them take part: the service, the page, and who may
use it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEntry
from children.services import child_details_update

from ..factories import login, make_child

pytestmark = pytest.mark.django_db

DETAILS = {
    "first_name": "Amara",
    "last_name": "Okafor",
    "preferred_name": "Mara",
    "pronouns": "she/her",
    "first_language": "Igbo",
    "interpreter_needed": True,
    "disability": "Hearing loss: face her when speaking.",
    "religion": "Christian",
}


def test_the_details_are_saved_with_old_and_new_values_audited(iro):
    child = make_child(iro=iro, first_name="Child", last_name="SWK123")
    child = child_details_update(actor=iro, child=child, **{**DETAILS, "first_name": "  Amara "})
    child.refresh_from_db()
    assert (child.first_name, child.preferred_name, child.interpreter_needed) == ("Amara", "Mara", True)
    assert child.display_name == "Amara Okafor (Mara)"
    entry = AuditEntry.objects.get(action="child_details_updated")
    assert entry.actor == iro
    assert entry.object_id == child.pk
    assert entry.detail["old"]["first_name"] == "Child"
    assert entry.detail["old"]["last_name"] == "SWK123"
    assert entry.detail["new"]["last_name"] == "Okafor"
    assert entry.detail["new"]["interpreter_needed"] is True
    assert set(entry.detail["new"]) == set(DETAILS)


def test_a_blank_name_is_refused_and_nothing_is_saved(iro):
    child = make_child(iro=iro, first_name="Ann", last_name="Lee")
    with pytest.raises(ValidationError) as refused:
        child_details_update(actor=iro, child=child, **{**DETAILS, "last_name": " "})
    assert "last_name" in refused.value.message_dict
    child.refresh_from_db()
    assert (child.last_name, child.pronouns) == ("Lee", "")
    assert not AuditEntry.objects.filter(action="child_details_updated").exists()


def test_the_childs_iro_changes_the_details_from_the_childs_page(client, iro):
    child = make_child(iro=iro, first_name="Child", last_name="SWK123")
    login(client, iro)
    page = client.get(reverse("children:about", args=[child.public_id])).content.decode()
    url = reverse("children:details", args=[child.public_id])
    assert url in page
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="SWK123"' in form.content.decode()
    response = client.post(url, {**DETAILS, "interpreter_needed": "on"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Amara Okafor’s details saved." in page
    for shown in (
        "Mara",
        "she/her",
        "Igbo: needs an interpreter",
        "Hearing loss: face her when speaking.",
        "Christian",
    ):
        assert shown in page


def test_the_form_names_the_field_in_error(client, iro):
    child = make_child(iro=iro, first_name="Ann", last_name="Lee")
    login(client, iro)
    response = client.post(reverse("children:details", args=[child.public_id]), {**DETAILS, "first_name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["first_name"] == ["Enter the child's first name"]
    assert "Enter the child&#x27;s first name" in response.content.decode()
    child.refresh_from_db()
    assert child.first_name == "Ann"


def test_qa_managers_change_the_details_too(client, iro, qa_manager):
    child = make_child(iro=iro)
    login(client, qa_manager)
    assert client.get(reverse("children:details", args=[child.public_id])).status_code == 200


def test_others_cannot_reach_the_details_page(client, iro, other_iro, director):
    child = make_child(iro=iro, first_name="Ann", last_name="Lee")
    url = reverse("children:details", args=[child.public_id])
    for user in (other_iro, director):
        login(client, user)
        assert client.get(url).status_code == 404, user
        assert client.post(url, DETAILS).status_code == 404, user
    child.refresh_from_db()
    assert child.first_name == "Ann"
