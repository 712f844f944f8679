"""Every page that shows a child's details, forms included, writes one audit entry about the child
when it is shown: found from the permission matrix's URLs, so a new page is checked without anyone
adding it here."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from children.models import Child
from children.selectors import audit_of_child
from tests.factories import PASSWORD

from .test_permission_matrix import MORE_ARGS, RULES, world  # noqa: F401 (world: the fixture)

pytestmark = pytest.mark.django_db

# The objects whose pages show a child's details (the kinds of the matrix's rules).
ABOUT_A_CHILD = {
    "child",
    "contact",
    "held_review",
    "waiting_review",
    "meeting",
    "missing",
    "escalation",
    "stage",
    "action",
}


@pytest.mark.slow
def test_every_page_about_a_child_writes_one_audit_entry_when_shown(client, world):  # noqa: F811
    users, objects = world
    qa = users["qa"]
    assert client.login(username=qa.username, password=PASSWORD)
    child = Child.objects.get(public_id=objects["own"]["child"])
    checked, wrong = [], []
    for name, (kind, may, method) in sorted(RULES.items()):
        extra = MORE_ARGS.get(name, [])
        if kind not in ABOUT_A_CHILD or method != "get" or not may("qa", "own"):
            continue
        before = set(audit_of_child(child).filter(actor=qa).values_list("pk", flat=True))
        response = client.get(reverse(name, args=[objects["own"][kind], *extra]))
        if response.status_code != 200:
            continue  # a redirect shows nothing
        new = audit_of_child(child).filter(actor=qa).exclude(pk__in=before)
        checked.append(name)
        if new.count() != 1:
            wrong.append(f"{name}: {[e.action for e in new]}")
    assert not wrong, "pages shown without exactly one audit entry:\n" + "\n".join(wrong)
    for form_page in [
        "children:detail",
        "children:about",
        "children:history",
        "children:allocate",
        "children:details",
        "children:siblings",
        "children:contact_add",
        "children:contact_edit",
        "children:contact_remove",
        "children:missing_record",
        "children:missing_edit",
        "reviews:record",
        "reviews:edit",
        "reviews:book_meeting",
        "reviews:cancel_meeting",
        "reviews:prepare",
        "escalations:escalate",
        "escalations:resolve",
        "escalations:withdraw",
        "escalations:respond",
    ]:
        assert form_page in checked


def test_the_entry_names_the_page_and_a_form_sent_back_with_errors_is_shown_again(client, world):  # noqa: F811
    users, objects = world
    assert client.login(username=users["qa"].username, password=PASSWORD)
    url = reverse("children:missing_record", args=[objects["own"]["child"]])
    client.get(url)
    client.post(url, {"kind": ""})
    entries = AuditEntry.objects.filter(action="child_page_viewed", actor=users["qa"]).order_by("pk")
    assert [e.detail["page"] for e in entries] == ["children:missing_record"] * 2
    assert {e.object_id for e in entries} == {Child.objects.get(public_id=objects["own"]["child"]).pk}
