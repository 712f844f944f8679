"""Access follows the allocation (docs: "Who may see a child's record"): the allocated IRO now,
an IRO covering for a dated period, a former IRO only for the paperwork of a review they chaired."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from children.selectors import audit_of_child, caseload_for, child_for_user, children_visible_to
from children.services import allocation_change, cover_record
from reviews.selectors import review_for_user
from reviews.services import review_record
from tests.factories import PASSWORD, IROFactory, make_child

pytestmark = pytest.mark.django_db

HANDOVER = date(2014, 6, 2)


@pytest.fixture
def child(iro):
    return make_child(iro=iro)  # looked after and allocated from 3 March 2014


def sees(user, child, day=None) -> bool:
    return children_visible_to(user, day=day).filter(pk=child.pk).exists()


def test_the_allocated_iro_sees_the_child_and_no_other_iro_does(client, child, iro, other_iro):
    assert sees(iro, child) and not sees(other_iro, child)
    client.login(username=other_iro.username, password=PASSWORD)
    assert client.get(reverse("children:detail", args=[child.public_id])).status_code == 404


def test_access_moves_with_the_handover_on_its_date(child, iro, other_iro):
    allocation_change(actor=None, child=child, iro=other_iro, start_on=HANDOVER, reason="caseload")
    assert sees(iro, child, HANDOVER - timedelta(days=1)) and not sees(other_iro, child, HANDOVER - timedelta(days=1))
    assert not sees(iro, child, HANDOVER) and sees(other_iro, child, HANDOVER)
    assert not sees(iro, child)  # today
    with pytest.raises(Http404):
        child_for_user(iro, child.public_id)


def test_a_former_iro_finishes_the_paperwork_of_a_review_they_chaired_until_it_is_sent(client, child, iro, other_iro):
    review = review_record(
        actor=iro, child=child, held_on=date(2014, 3, 20), chair=iro, participation="PN1", today=date(2014, 3, 25)
    )
    allocation_change(actor=None, child=child, iro=other_iro, start_on=HANDOVER, reason="caseload")
    assert review_for_user(iro, review.public_id, to_finish_paperwork=True) == review
    with pytest.raises(Http404):
        review_for_user(iro, review.public_id)  # nothing else: no escalation raised from it, say
    client.login(username=iro.username, password=PASSWORD)
    assert client.get(reverse("reviews:edit", args=[review.public_id])).status_code == 200
    assert client.get(reverse("children:detail", args=[child.public_id])).status_code == 404
    review.record_sent_on = date(2014, 4, 1)
    review.save()
    with pytest.raises(Http404):
        review_for_user(iro, review.public_id, to_finish_paperwork=True)
    assert client.get(reverse("reviews:edit", args=[review.public_id])).status_code == 404


def test_the_chair_must_be_the_allocated_or_covering_iro_on_the_day_held(child, iro, other_iro, qa_manager):
    held = {"held_on": date(2014, 3, 20), "participation": "PN1", "today": date(2014, 3, 25)}
    with pytest.raises(ValidationError) as refused:
        review_record(actor=qa_manager, child=child, chair=other_iro, **held)
    assert "was not this child's IRO, nor covering for them" in str(refused.value.message_dict["chair"])
    cover_record(
        actor=qa_manager,
        iro=other_iro,
        covered_iro=iro,
        start_on=date(2014, 3, 17),
        end_on=date(2014, 3, 21),
        reason="leave",
    )
    assert review_record(actor=qa_manager, child=child, chair=other_iro, **held).chair == other_iro


def test_cover_of_a_caseload_lasts_from_its_start_to_its_end(client, child, iro, other_iro, qa_manager):
    today = timezone.localdate()
    cover = cover_record(
        actor=qa_manager,
        iro=other_iro,
        covered_iro=iro,
        start_on=today - timedelta(days=1),
        end_on=today + timedelta(days=1),
        reason="sickness",
    )
    assert sees(other_iro, child) and child in caseload_for(other_iro)
    assert not sees(other_iro, child, cover.start_on - timedelta(days=1))
    assert not sees(other_iro, child, cover.end_on + timedelta(days=1))
    client.login(username=other_iro.username, password=PASSWORD)
    assert client.get(reverse("children:detail", args=[child.public_id])).status_code == 200
    entry = AuditEntry.objects.get(action="cover_recorded")
    assert entry.actor == qa_manager and entry.detail["covered_iro"] == iro.pk


def test_cover_of_named_children_covers_only_them(child, iro, other_iro, qa_manager):
    sibling = make_child(iro=iro)
    today = timezone.localdate()
    cover_record(actor=qa_manager, iro=other_iro, children=[child], start_on=today, end_on=today, reason="leave")
    assert sees(other_iro, child) and not sees(other_iro, sibling)
    # The child's audit shows who was given them to cover; their sibling's does not.
    entry = AuditEntry.objects.get(action="cover_recorded")
    assert entry in audit_of_child(child) and entry not in audit_of_child(sibling)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "covered_iro", "Select the IRO whose caseload is covered"),
        ({"covered_iro": "self"}, "covered_iro", "cannot cover their own caseload"),
        ({"covered_iro": "iro", "end_on": date(2026, 1, 1)}, "end_on", "must end on or after"),
    ],
)
def test_cover_is_refused_with_a_clear_message(iro, other_iro, qa_manager, fields, field, message):
    covered = {"self": other_iro, "iro": iro}.get(fields.pop("covered_iro", None))
    arguments = {"start_on": date(2026, 2, 1), "end_on": date(2026, 2, 5), "reason": "leave", **fields}
    with pytest.raises(ValidationError) as refused:
        cover_record(actor=qa_manager, iro=other_iro, covered_iro=covered, **arguments)
    assert message in " ".join(refused.value.message_dict[field])


def test_only_a_qa_manager_records_cover_through_the_page(client, iro, other_iro, qa_manager):
    client.login(username=iro.username, password=PASSWORD)
    assert client.get(reverse("children:cover_record")).status_code == 403
    client.login(username=qa_manager.username, password=PASSWORD)
    assert client.get(reverse("children:cover_record")).status_code == 200
    child = make_child(iro=iro, la_child_id="CV1")
    response = client.post(
        reverse("children:cover_record"),
        {
            "iro": other_iro.pk,
            "children": "CV1",
            "reason": "leave",
            **{f"start_on_{p}": v for p, v in zip(("0", "1", "2"), (1, 2, 2026), strict=True)},
            **{f"end_on_{p}": v for p, v in zip(("0", "1", "2"), (5, 2, 2026), strict=True)},
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert other_iro.covers.get().children.get() == child


def test_a_third_iro_covering_nobody_sees_nothing(child):
    assert not sees(IROFactory(), child)


def test_the_director_reads_an_escalation_once_it_reaches_the_director(client, iro, director):
    from escalations.services import escalation_raise, escalation_stage_add

    today = timezone.localdate()
    child = make_child(iro=iro, looked_after_from=today - timedelta(days=90))
    escalation = escalation_raise(
        actor=iro,
        child=child,
        raised_on=today - timedelta(days=15),
        theme="drift_delay",
        summary="Permanence plan not progressed",
        sent_to="Jo Bloggs, social worker",
    )
    client.login(username=director.username, password=PASSWORD)
    url = reverse("escalations:detail", args=[escalation.public_id])
    assert client.get(url).status_code == 404
    escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="director",
        sent_to="The Director",
        sent_on=today,
    )
    page = client.get(url)
    assert page.status_code == 200 and "Permanence plan not progressed" in page.content.decode()
    assert AuditEntry.objects.filter(action="escalation_viewed", actor=director).exists()
    # Reading is all: the Director does not act on the case.
    assert client.post(reverse("escalations:resolve", args=[escalation.public_id]), {}).status_code == 403
    assert client.get(reverse("children:detail", args=[child.public_id])).status_code == 404
