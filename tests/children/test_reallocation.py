"""A QA manager moves an IRO's children to other IROs in one step, with one dated handover."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from children.selectors import audit_of_child, children_visible_to
from children.services import caseload_reallocate
from tests.factories import IROFactory, login, make_child

from ..test_views import date_fields

pytestmark = pytest.mark.django_db


def test_moving_a_caseload_to_two_iros_from_a_later_date(iro, other_iro, qa_manager):
    today = date(2014, 6, 2)
    third = IROFactory()
    children = [make_child(iro=iro, looked_after_from=date(2014, 3, 3)) for _ in range(3)]
    handover = today + timedelta(days=7)
    moves = {children[0]: other_iro, children[1]: third, children[2]: other_iro}
    caseload_reallocate(
        actor=qa_manager,
        from_iro=iro,
        moves=moves,
        start_on=handover,
        reason="iro_left",
        note="Ada left",
        today=today,
    )
    for child in children:
        assert child in children_visible_to(iro, day=handover - timedelta(days=1))
        assert child not in children_visible_to(iro, day=handover)
    assert set(children_visible_to(other_iro, day=handover)) == {children[0], children[2]}
    assert set(children_visible_to(third, day=handover)) == {children[1]}
    (moved,) = AuditEntry.objects.filter(action="caseload_reallocated", object_id=iro.pk)
    assert moved.children_listed == sorted(c.pk for c in children)
    assert all(moved in audit_of_child(child) for child in children)
    assert set(children[0].allocations.values_list("note", flat=True)) == {"", "Ada left"}


def test_the_page_shows_each_iros_caseload_after_the_move_before_confirming(client, iro, other_iro, qa_manager, today):
    children = [make_child(iro=iro, looked_after_from=today - timedelta(days=30)) for _ in range(2)]
    make_child(iro=other_iro, looked_after_from=today - timedelta(days=30))
    url = reverse("children:reallocate") + f"?iro={iro.pk}"
    login(client, qa_manager)
    data = {
        **{f"move_{c.pk}": other_iro.pk for c in children},
        **date_fields("start_on", today + timedelta(days=3)),
        "reason": "iro_left",
    }
    page = client.post(url, {**data, "preview": ""}).content.decode()
    rows = page.split("data-preview-row")[1:]
    assert str(iro) in rows[0] and "data-after>0<" in rows[0]
    assert str(other_iro) in rows[1] and "data-after>3<" in rows[1]
    assert all(c in children_visible_to(iro) for c in children), "nothing moves before it is confirmed"
    response = client.post(url, {**data, "confirm": ""}, follow=True)
    assert f"2 of {iro}’s children move to their new IROs on" in response.content.decode()
    assert all(c.allocations.filter(iro=other_iro).exists() for c in children)
    assert login(client, iro).get(url).status_code == 403
