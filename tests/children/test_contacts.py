"""The people around the child (social worker, team manager, carers, school, advocate...): the
services, the pages on the child's record, and who may use them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEntry
from children.models import ChildContact
from children.selectors import contacts_of
from children.services import contact_add, contact_remove, contact_update

from ..factories import login, make_child

pytestmark = pytest.mark.django_db


def test_people_are_added_changed_and_removed_with_an_audit_entry_on_the_child(iro):
    child = make_child(iro=iro)
    carer = contact_add(actor=iro, child=child, role="carer", name="Pat Carer")
    worker = contact_add(
        actor=iro, child=child, role="social_worker", name=" Sam Worker ", team="North", email="sam@example.org"
    )
    assert [c.name for c in contacts_of(child)] == ["Sam Worker", "Pat Carer"]  # social worker first
    contact_update(
        actor=iro, contact=worker, role="social_worker", name="Sam Worker", team="South", phone="01632 960 001"
    )
    contact_remove(actor=iro, contact=carer)
    assert list(ChildContact.objects.values_list("name", "team", "email", "phone")) == [
        ("Sam Worker", "South", "", "01632 960 001")
    ]
    entries = {e.action: e for e in AuditEntry.objects.filter(object_type="children.child", object_id=child.pk)}
    assert entries["child_contact_added"].detail == {"contact": carer.pk, "role": "carer"}
    assert entries["child_contact_updated"].detail == {
        "contact": worker.pk,
        "old": {"email": "sam@example.org", "phone": "", "team": "North"},
        "new": {"email": "", "phone": "01632 960 001", "team": "South"},
    }
    assert entries["child_contact_removed"].detail == {
        "contact": carer.pk,
        "old": {"role": "carer", "name": "Pat Carer", "team": ""},
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"role": "social_worker", "name": ""}, "name"),
        ({"role": "uncle", "name": "Bo"}, "role"),
        ({"role": "carer", "name": "Bo", "email": "not an email"}, "email"),
        ({"role": "carer", "name": "Bo", "phone": "call me"}, "phone"),
    ],
)
def test_bad_details_are_refused_naming_the_field(iro, fields, field):
    child = make_child(iro=iro)
    with pytest.raises(ValidationError) as refused:
        contact_add(actor=iro, child=child, **fields)
    assert field in refused.value.message_dict
    assert not ChildContact.objects.exists()


def test_the_childs_iro_adds_and_changes_people_from_the_childs_page(client, iro):
    child = make_child(iro=iro)
    login(client, iro)
    detail = reverse("children:about", args=[child.public_id])
    add = reverse("children:contact_add", args=[child.public_id])
    assert add in client.get(detail).content.decode()
    response = client.post(add, {"role": "advocate", "name": "Ade Advocate", "team": "Coram Voice"})
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "Ade Advocate added." in page
    assert "Ade Advocate, Coram Voice" in page
    contact = ChildContact.objects.get()
    edit = reverse("children:contact_edit", args=[contact.public_id])
    assert edit in page
    assert 'value="Ade Advocate"' in client.get(edit).content.decode()
    response = client.post(edit, {"role": "advocate", "name": "Ade Advocate", "email": "bad"})
    assert response.context["form"].errors["email"] == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert (
        client.post(edit, {"role": "advocate", "name": "Ade Advocate", "email": "ade@example.org"}).status_code == 302
    )
    remove = reverse("children:contact_remove", args=[contact.public_id])
    assert "Remove Ade Advocate?" in client.get(remove).content.decode()
    assert client.post(remove, {}).status_code == 302
    assert not ChildContact.objects.exists()


def test_others_cannot_reach_the_childs_people(client, iro, other_iro, director, qa_manager):
    child = make_child(iro=iro)
    contact = contact_add(actor=iro, child=child, role="carer", name="Pat Carer")
    urls = [
        reverse("children:contact_add", args=[child.public_id]),
        reverse("children:contact_edit", args=[contact.public_id]),
        reverse("children:contact_remove", args=[contact.public_id]),
    ]
    for user in (other_iro, director):
        login(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url, {"role": "carer", "name": "X"}).status_code == 404, (user, url)
    login(client, qa_manager)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert list(ChildContact.objects.values_list("name", flat=True)) == ["Pat Carer"]
