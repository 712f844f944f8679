"""A child on a series of short breaks: one arrangement with an IRO and a review due between breaks,
on the caseload, in the reminders and the no-IRO sweep; agreement dates recorded from the child's page."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEntry, Notification
from children.selectors import DueStatus, caseload_for, due_soon_by, with_next_review
from children.services import episode_end, episode_start
from reviews import reminders
from reviews.schedule_services import review_schedule_refresh, short_break_agreement_record
from reviews.services import review_record
from reviews.tasks import sweep
from tests.factories import PASSWORD, make_child

pytestmark = pytest.mark.django_db
D = date
TODAY = D(2024, 3, 15)  # between the second break and the first review's due date
Kind = Notification.Kind


def short_break_child(iro=None):
    """Two-night breaks on 10-12/01/2024 and 20-22/02/2024, keyed in through the services."""
    child = make_child(iro=iro, looked_after_from=D(2024, 1, 10), legal_status="V3", placement="K2")
    episode_end(actor=None, episode=child.episodes.get(), end_on=D(2024, 1, 12), reason_ceased="E4A")
    second = episode_start(
        actor=None,
        child=child,
        start_on=D(2024, 2, 20),
        reason_new="S",
        legal_status="V3",
        category_of_need="N1",
        placement="K2",
        placement_provider="PR1",
    )
    episode_end(actor=None, episode=second, end_on=D(2024, 2, 22), reason_ceased="E4A")
    # The services refresh as of the real today; the arrangement is open as of TODAY.
    review_schedule_refresh(child=child, today=TODAY)
    return child


def test_between_breaks_the_child_keeps_an_iro_and_has_a_review_due_on_the_caseload(iro, qa_manager):
    child = short_break_child(iro)

    assert child.allocations.get().end_on is None  # the IRO stays allocated after each break
    waiting = child.reviews.get()
    assert (waiting.period_start, waiting.short_breaks, waiting.due_on) == (D(2024, 1, 10), True, D(2024, 4, 10))
    assert waiting.due_explanation == "due 10/04/2024: 3 months after the first short break on 10/01/2024"
    arrangement = child.short_break_arrangements.get()
    assert (arrangement.start_on, arrangement.end_on, arrangement.lapses_on, arrangement.breaks) == (
        D(2024, 1, 10),
        None,
        D(2024, 8, 22),
        2,
    )

    [row] = with_next_review(caseload_for(iro), today=TODAY, soon=due_soon_by(TODAY))
    assert (row.pk, row.next_due_on, row.due_status) == (child.pk, D(2024, 4, 10), DueStatus.DUE_SOON)

    reminders.alert_reviews_overdue(today=D(2024, 4, 11))
    assert sorted(Notification.objects.values_list("kind", "recipient__username", "deadline")) == sorted(
        [
            (Kind.REVIEW_OVERDUE, iro.username, D(2024, 4, 10)),
            (Kind.REVIEW_OVERDUE, qa_manager.username, D(2024, 4, 10)),
        ]
    )


def test_a_short_break_child_with_no_iro_is_reported_from_the_arrangements_start(qa_manager):
    short_break_child(iro=None)
    reminders.alert_unallocated_children(today=TODAY)
    # 5 working days after the arrangement began on 10/01/2024, not after the latest break.
    assert list(Notification.objects.values_list("kind", "deadline")) == [(Kind.UNALLOCATED, D(2024, 1, 17))]


def test_the_qa_manager_records_the_end_of_the_agreement(iro, qa_manager):
    child = short_break_child(iro)
    short_break_agreement_record(
        actor=qa_manager, child=child, kind="ended", on=D(2024, 3, 1), note="Family moved away", today=TODAY
    )

    arrangement = child.short_break_arrangements.get()
    assert (arrangement.end_on, arrangement.ended_by) == (D(2024, 3, 1), "agreement")
    # The review due 10/04/2024 falls after the agreement ended: none is due, and the IRO's
    # allocation ends with the arrangement.
    assert not child.reviews.exists()
    assert child.allocations.get().end_on == D(2024, 3, 1)
    entry = AuditEntry.objects.get(action="short_break_agreement_recorded")
    assert (entry.actor, entry.detail) == (qa_manager, {"kind": "ended"})
    assert with_next_review(caseload_for(qa_manager), today=TODAY, soon=TODAY).count() == 0


@pytest.mark.parametrize(
    ("kind", "on", "message"),
    [
        ("ended", D(2024, 3, 16), "The date cannot be in the future."),
        ("ended", D(2024, 1, 9), "An agreement cannot end before the first short break, on 10/01/2024."),
        (
            "started",
            D(2024, 3, 1),
            "The agreement must begin on or before a short break it covers (the last was on 20/02/2024).",
        ),
    ],
)
def test_an_agreement_date_that_cannot_be_right_is_refused_with_a_reason(iro, kind, on, message):
    child = short_break_child(iro)
    with pytest.raises(ValidationError) as caught:
        short_break_agreement_record(actor=iro, child=child, kind=kind, on=on, today=TODAY)
    assert caught.value.message_dict == {"on": [message]}
    assert not child.short_break_agreements.exists()


def test_only_a_qa_manager_or_an_iro_records_an_agreement(iro, director):
    child = short_break_child(iro)
    with pytest.raises(ValidationError):
        short_break_agreement_record(actor=director, child=child, kind="ended", on=D(2024, 3, 1), today=TODAY)
    assert not child.short_break_agreements.exists()


def test_the_childs_page_shows_the_arrangement_and_its_breaks_and_records_an_earlier_start(client, iro):
    child = short_break_child(iro)
    assert client.login(username=iro.username, password=PASSWORD)
    page = client.get(reverse("children:about", args=[child.public_id])).content.decode()
    assert "Arrangement from 10 January 2024" in page
    assert "10/01/2024 to 12/01/2024" in page and "20/02/2024 to 22/02/2024" in page
    url = reverse("reviews:short_break_agreement", args=[child.public_id])
    assert url in page

    refused = client.post(url, {"kind": "started", "on_0": "1", "on_1": "3", "on_2": "2024"})
    assert refused.status_code == 200
    assert "The agreement must begin on or before a short break it covers" in refused.content.decode()

    response = client.post(url, {"kind": "started", "on_0": "1", "on_1": "12", "on_2": "2023", "note": ""})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Arrangement from 1 December 2023" in page
    assert "The agreement began on 1 December 2023" in page
    assert child.short_break_agreements.get().recorded_by == iro


def test_the_daily_sweep_ends_an_arrangement_whose_gap_ran_out_and_drops_the_review_after_it(iro):
    child = short_break_child(iro)
    review_record(actor=iro, child=child, today=D(2024, 4, 9), held_on=D(2024, 4, 9), chair=iro, participation="PN1")
    review_schedule_refresh(child=child, today=D(2024, 8, 22))  # the last day of the 6-month gap
    assert child.reviews.get(held_on__isnull=True).due_on == D(2024, 10, 9)

    assert sweep("short_break_lapses", "2024-08-23") is True  # a Friday
    arrangement = child.short_break_arrangements.get()
    assert (arrangement.end_on, arrangement.ended_by) == (D(2024, 8, 22), "no_break")
    # The review due 09/10/2024 would fall after the arrangement ended.
    assert not child.reviews.filter(held_on__isnull=True).exists()


def test_an_iro_who_records_the_end_goes_back_to_their_caseload(client, iro):
    child = short_break_child(iro)
    assert client.login(username=iro.username, password=PASSWORD)
    url = reverse("reviews:short_break_agreement", args=[child.public_id])
    response = client.post(url, {"kind": "ended", "on_0": "1", "on_1": "3", "on_2": "2024"}, follow=True)
    # The allocation ended with the arrangement, so the child's page is no longer the IRO's to see.
    assert response.redirect_chain == [(reverse("children:caseload"), 302)]
    page = response.content.decode()
    assert "The agreement ended on 01/03/2024: recorded." in page
    assert f"{child.la_child_id} is no longer on your caseload" in page


def test_the_childs_page_judges_the_status_as_the_caseload_does_on_every_day(iro):
    """children.selectors.due_status_of (the child's page, in Python) against with_next_review (the
    caseload, in SQL), day by day across an arrangement's end and an episode's end."""
    from children.models import Child, Episode
    from children.selectors import child_for_user, due_status_of

    on_breaks = short_break_child(iro)
    on_breaks.short_break_arrangements.update(end_on=D(2024, 4, 5))
    in_care = make_child(iro=iro, looked_after_from=D(2023, 12, 1))
    leaving = make_child(iro=iro, looked_after_from=D(2023, 12, 1))
    Episode.objects.filter(child=leaving).update(end_on=D(2024, 3, 20), reason_ceased="E11")
    children = [on_breaks, in_care, leaving]
    seen = set()
    for offset in range(0, 60, 2):
        day = date.fromordinal(D(2024, 2, 25).toordinal() + offset)
        listed = dict(
            with_next_review(Child.objects.all(), today=day, soon=due_soon_by(day)).values_list("pk", "due_status")
        )
        for child in children:
            child = child_for_user(iro, child.public_id, next_due=True)
            status = due_status_of(
                child,
                today=day,
                episodes=list(child.episodes.all()),
                arrangements=list(child.short_break_arrangements.all()),
            )
            assert status == listed.get(child.pk, DueStatus.NONE), (child, day)
            seen.add(status)
    assert seen == {DueStatus.NONE, DueStatus.OVERDUE, DueStatus.DUE_SOON, DueStatus.ON_TRACK}
