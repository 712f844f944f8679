"""Linking brothers and sisters: the service, the page on the child's record, and who may use it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEntry
from children.services import sibling_change

from ..factories import login, make_child

pytestmark = pytest.mark.django_db


def test_siblings_are_linked_both_ways_and_unlinked_with_audit_entries(iro, other_iro):
    child = make_child(iro=iro, first_name="Ann")
    sister = make_child(iro=other_iro, first_name="Bea")
    sibling_change(actor=iro, child=child, la_child_id=f" {sister.la_child_id} ", link=True)
    assert list(child.siblings.all()) == [sister]
    assert list(sister.siblings.all()) == [child]
    sibling_change(actor=iro, child=sister, la_child_id=child.la_child_id, link=False)
    assert not child.siblings.exists()
    entries = AuditEntry.objects.filter(action__startswith="sibling_").order_by("pk")
    assert [(e.action, e.object_id, e.detail) for e in entries] == [
        ("sibling_linked", child.pk, {"siblings": [sister.pk]}),
        ("sibling_linked", sister.pk, {"siblings": [child.pk]}),
        ("sibling_unlinked", sister.pk, {"siblings": [child.pk]}),
        ("sibling_unlinked", child.pk, {"siblings": [sister.pk]}),
    ]


def test_linking_joins_the_two_sibling_groups(iro):
    ann, bea, cal, dan = (make_child(iro=iro, first_name=name) for name in ("Ann", "Bea", "Cal", "Dan"))
    sibling_change(actor=iro, child=ann, la_child_id=bea.la_child_id, link=True)
    sibling_change(actor=iro, child=cal, la_child_id=dan.la_child_id, link=True)
    sibling_change(actor=iro, child=bea, la_child_id=cal.la_child_id, link=True)
    for child in (ann, bea, cal, dan):
        assert {s.first_name for s in child.siblings.all()} == {"Ann", "Bea", "Cal", "Dan"} - {child.first_name}
    # Each of the four records says whom it was linked with when the groups joined.
    joined = AuditEntry.objects.filter(action="sibling_linked").order_by("pk")[4:]  # after two pairs linked
    assert sorted((e.object_id, tuple(e.detail["siblings"])) for e in joined) == sorted(
        [(ann.pk, (cal.pk, dan.pk)), (bea.pk, (cal.pk, dan.pk)), (cal.pk, (ann.pk, bea.pk)), (dan.pk, (ann.pk, bea.pk))]
    )


def test_unlinking_takes_the_child_out_of_the_group(iro):
    ann, bea, cal = (make_child(iro=iro, first_name=name) for name in ("Ann", "Bea", "Cal"))
    sibling_change(actor=iro, child=ann, la_child_id=bea.la_child_id, link=True)
    sibling_change(actor=iro, child=cal, la_child_id=bea.la_child_id, link=True)
    sibling_change(actor=iro, child=ann, la_child_id=bea.la_child_id, link=False)
    assert not ann.siblings.exists()
    assert [s.first_name for s in bea.siblings.all()] == ["Cal"]


@pytest.mark.parametrize(
    ("which", "link", "message"),
    [
        ("unknown", True, "No child has the LA child id NOPE."),
        ("self", True, "That is this child's own LA child id."),
        ("sister", False, "is not linked as a sibling."),
    ],
)
def test_a_wrong_link_is_refused_on_the_field(iro, which, link, message):
    child = make_child(iro=iro)
    sister = make_child(iro=iro)
    la_child_id = {"unknown": "NOPE", "self": child.la_child_id, "sister": sister.la_child_id}[which]
    with pytest.raises(ValidationError) as refused:
        sibling_change(actor=iro, child=child, la_child_id=la_child_id, link=link)
    assert message in refused.value.message_dict["la_child_id"][0]
    assert not child.siblings.exists()


def test_the_childs_iro_links_a_sibling_from_the_childs_page(client, iro, other_iro):
    child = make_child(iro=iro)
    brother = make_child(iro=other_iro, first_name="Cal", last_name="Dee")
    login(client, iro)
    detail = reverse("children:about", args=[child.public_id])
    url = reverse("children:siblings", args=[child.public_id])
    assert url in client.get(detail).content.decode()
    response = client.post(url, {"la_child_id": "", "link": "yes"})
    assert response.context["form"].errors["la_child_id"] == ["Enter the sibling's LA child id"]
    assert client.post(url, {"la_child_id": brother.la_child_id, "link": "yes"}).status_code == 302
    assert f"Cal Dee (LA child id {brother.la_child_id})" in client.get(detail).content.decode()


def test_others_cannot_link_siblings(client, iro, other_iro, director):
    child = make_child(iro=iro)
    other = make_child(iro=other_iro)
    url = reverse("children:siblings", args=[child.public_id])
    for user in (other_iro, director):
        login(client, user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"la_child_id": other.la_child_id, "link": "yes"}).status_code == 404
    assert not child.siblings.exists()


def test_allocating_suggests_the_siblings_iro(client, qa_manager, other_iro):
    child = make_child(iro=None)
    sister = make_child(iro=other_iro)
    sibling_change(actor=qa_manager, child=child, la_child_id=sister.la_child_id, link=True)
    login(client, qa_manager)
    form = client.get(reverse("children:allocate", args=[child.public_id])).context["form"]
    assert form.initial["iro"] == other_iro.pk
    assert f"The child's brother or sister has {other_iro} as their IRO." in form.fields["iro"].help_text


def test_the_caseload_shows_siblings_together_at_a_fixed_cost(client, iro):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    children = [make_child(iro=iro, first_name=f"Kid{n}", last_name="Roe") for n in range(6)]
    sibling_change(actor=iro, child=children[0], la_child_id=children[1].la_child_id, link=True)
    login(client, iro)
    url = reverse("children:caseload")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "Siblings: Kid1 Roe" in page and "Siblings: Kid0 Roe" in page
    for n in (2, 4):
        sibling_change(actor=iro, child=children[n], la_child_id=children[n + 1].la_child_id, link=True)
    with CaptureQueriesContext(connection) as more:
        assert "Siblings: Kid5 Roe" in client.get(url).content.decode()
    assert len(more) == len(few)
