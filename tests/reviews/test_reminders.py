"""Which review deadlines each sweep notifies, to whom, on which day: across weekends and bank
holidays, and never twice."""

from datetime import date

import pytest

from accounts.models import Notification
from children.services import episode_end
from reviews import reminders
from reviews.services import meeting_book, review_record
from reviews.tasks import sweep

from ..factories import make_child

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def sent(kind=None) -> list[tuple[str, str, date]]:
    rows = Notification.objects.order_by("kind", "recipient__username", "deadline")
    if kind:
        rows = rows.filter(kind=kind)
    return [(n.kind, n.recipient.username, n.deadline) for n in rows]


def test_the_iro_is_reminded_20_and_5_working_days_before_a_review_with_no_meeting(iro):
    make_child(iro=iro, looked_after_from=date(2014, 3, 3))  # first review due 31/03/2014
    reminders.remind_reviews_due(today=date(2014, 3, 2))  # 21 working days ahead: too early
    assert sent() == []
    for _ in range(2):  # Monday 3 March is 20 working days before; running twice changes nothing
        reminders.remind_reviews_due(today=date(2014, 3, 3))
    assert sent() == [(Kind.REVIEW_DUE_SOON, iro.username, date(2014, 3, 31))]
    reminders.remind_reviews_due(today=date(2014, 3, 21))  # 6 working days ahead
    assert len(sent()) == 1
    reminders.remind_reviews_due(today=date(2014, 3, 24))  # 5 working days ahead
    assert sent(Kind.REVIEW_DUE_VERY_SOON) == [(Kind.REVIEW_DUE_VERY_SOON, iro.username, date(2014, 3, 31))]


def test_easter_counts_in_the_reminder_window(iro):
    # Due Tuesday 22 April 2014: from Monday 14 April that is 5 working days, past Good Friday and
    # Easter Monday, though 8 calendar days.
    make_child(iro=iro, looked_after_from=date(2014, 3, 25))
    reminders.remind_reviews_due(today=date(2014, 4, 14))
    assert sent() == [(Kind.REVIEW_DUE_VERY_SOON, iro.username, date(2014, 4, 22))]


def test_a_booked_meeting_or_a_missing_iro_means_no_reminder(iro):
    booked = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    meeting_book(actor=iro, review=booked.reviews.get(), planned_on=date(2014, 3, 28), today=date(2014, 3, 10))
    make_child(iro=None, looked_after_from=date(2014, 3, 3))
    reminders.remind_reviews_due(today=date(2014, 3, 24))
    assert sent() == []


def test_an_overdue_review_alerts_the_iro_and_every_qa_manager_once(iro, qa_manager):
    make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    reminders.alert_reviews_overdue(today=date(2014, 3, 31))  # due today: not overdue yet
    assert sent() == []
    for _ in range(3):
        reminders.alert_reviews_overdue(today=date(2014, 4, 1))
    reminders.alert_reviews_overdue(today=date(2014, 4, 7))
    assert sorted(sent()) == sorted(
        [
            (Kind.REVIEW_OVERDUE, iro.username, date(2014, 3, 31)),
            (Kind.REVIEW_OVERDUE, qa_manager.username, date(2014, 3, 31)),
        ]
    )


def test_no_overdue_alert_for_a_review_held_or_a_child_who_left_care(iro, qa_manager):
    held = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review_record(
        actor=iro, child=held, held_on=date(2014, 3, 31), chair=iro, participation="PN1", today=date(2014, 3, 31)
    )
    left = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    episode_end(actor=None, episode=left.episodes.get(), end_on=date(2014, 4, 2), reason_ceased="E4A")
    reminders.alert_reviews_overdue(today=date(2014, 4, 10))
    assert sent() == []


def test_decisions_and_record_not_sent_out_go_to_the_chair_then_the_qa_managers(iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review_record(
        actor=iro, child=child, held_on=date(2014, 3, 31), chair=iro, participation="PN1", today=date(2014, 3, 31)
    )
    reminders.alert_distribution_late(today=date(2014, 4, 7))  # decisions due by Monday 7 April
    assert sent() == []
    reminders.alert_distribution_late(today=date(2014, 4, 8))
    assert sent() == [(Kind.DECISIONS_LATE, iro.username, date(2014, 4, 7))]
    reminders.alert_distribution_late(today=date(2014, 4, 14))  # 5 working days past: not yet
    assert len(sent()) == 1
    reminders.alert_distribution_late(today=date(2014, 4, 15))
    assert sent(Kind.DECISIONS_LATE) == [
        (Kind.DECISIONS_LATE, iro.username, date(2014, 4, 7)),
        (Kind.DECISIONS_LATE, qa_manager.username, date(2014, 4, 7)),
    ]
    # The record: 15 working days from 31 March skip Good Friday and Easter Monday: due 23 April.
    reminders.alert_distribution_late(today=date(2014, 4, 23))
    assert sent(Kind.RECORD_LATE) == []
    reminders.alert_distribution_late(today=date(2014, 4, 24))
    assert sent(Kind.RECORD_LATE) == [(Kind.RECORD_LATE, iro.username, date(2014, 4, 23))]


def test_sent_out_in_time_means_no_alert(iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review_record(
        actor=iro,
        child=child,
        held_on=date(2014, 3, 31),
        chair=iro,
        participation="PN1",
        decisions_sent_on=date(2014, 4, 2),
        record_sent_on=date(2014, 4, 10),
        today=date(2014, 4, 10),
    )
    reminders.alert_distribution_late(today=date(2014, 5, 30))
    assert sent() == []


def test_a_child_without_an_iro_for_5_working_days_alerts_the_qa_managers(iro, qa_manager):
    make_child(iro=None, looked_after_from=date(2014, 3, 3))  # allocation due by Monday 10 March
    reminders.alert_unallocated_children(today=date(2014, 3, 10))
    assert sent() == []
    reminders.alert_unallocated_children(today=date(2014, 3, 11))
    reminders.alert_unallocated_children(today=date(2014, 3, 12))
    assert sent() == [(Kind.UNALLOCATED, qa_manager.username, date(2014, 3, 10))]
    make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    reminders.alert_unallocated_children(today=date(2014, 3, 13))
    assert len(sent()) == 1


def test_the_sweep_task_does_nothing_on_a_bank_holiday_or_weekend_that_the_next_day_misses(iro, qa_manager):
    make_child(iro=iro, looked_after_from=date(2014, 11, 27))  # first review due Thursday 25 December
    assert sweep.run("reviews_overdue", "2014-12-26") is False  # Boxing Day
    assert sweep.run("reviews_overdue", "2014-12-27") is False  # a Saturday
    assert sent() == []
    assert sweep.run("reviews_overdue", "2014-12-29") is True
    assert len(sent(Kind.REVIEW_OVERDUE)) == 2
