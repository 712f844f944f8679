"""The daily sweeps: who must hear about which review deadline. They only write outbox rows
(accounts.notifications); the unique key of each row makes every sweep safe to run again."""

from datetime import date, timedelta
from itertools import chain

from django.conf import settings
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Notification
from accounts.notifications import in_batches, notices, outbox_write
from accounts.selectors import active_qa_managers
from children.models import Child, Episode, ShortBreakArrangement
from children.selectors import current_iro_id, has_current_iro, reviewed_on
from core.calendar import add_working_days
from core.midway import midway_due

from .models import (
    DISTRIBUTION_LOOKBACK_DAYS,
    Meeting,
    MidwayCheck,
    Review,
    ReviewAction,
)

Kind = Notification.Kind

# QA managers hear of a distribution deadline missed when it is this many working days past.
QA_AFTER_WORKING_DAYS = 5
# The IRO hears of a midway check this many working days before it is due; one whose date passed
# more than MIDWAY_LOOKBACK_DAYS ago (history imported, or from before checks were recorded) is not chased.
MIDWAY_REMINDER_WORKING_DAYS = 5
MIDWAY_LOOKBACK_DAYS = 30


def _nation() -> str:
    return settings.BANK_HOLIDAY_NATION


def waiting_reviews_in_care(today: date):
    """The review each child looked after today (or in a short-break arrangement) is waiting for (the
    latest clock's), with the current IRO's id (`iro_id`). Reviews missed in a period or
    arrangement already ended are not chased: the child has left it."""
    later = Review.objects.filter(
        child=OuterRef("child"), held_on__isnull=True, period_start__gt=OuterRef("period_start")
    )
    return (
        Review.objects.filter(held_on__isnull=True, child__in=Child.objects.filter(reviewed_on(today)))
        .exclude(Exists(later))
        .annotate(iro_id=current_iro_id("child", day=today))
    )


def _qa_ids() -> list[int]:
    return [user.pk for user in active_qa_managers()]


def remind_reviews_due(*, today: date) -> None:
    """The IRO hears when a review is due within the first reminder's working days (20 by default)
    with no meeting booked, and again within the second's (5)."""
    first, second = settings.REVIEW_REMINDER_WORKING_DAYS
    near, far = add_working_days(today, second, nation=_nation()), add_working_days(today, first, nation=_nation())
    booked = Meeting.objects.filter(review=OuterRef("pk"), status=Meeting.Status.BOOKED)
    reviews = waiting_reviews_in_care(today).filter(due_on__gte=today, due_on__lte=far).exclude(Exists(booked))
    # Without an IRO, no reminder: the unallocated-children sweep tells the QA managers.
    outbox_write(
        row
        for review in in_batches(reviews.filter(iro_id__isnull=False))
        for row in notices(
            # Found already within the second window: one reminder, not two on the same day.
            kind=Kind.REVIEW_DUE_VERY_SOON if review.due_on <= near else Kind.REVIEW_DUE_SOON,
            recipient_ids=[review.iro_id],
            child_id=review.child_id,
            subject_type="review",
            subject_id=review.pk,
            deadline=review.due_on,
        )
    )


def alert_reviews_overdue(*, today: date) -> None:
    """A review past its due date: the IRO and every QA manager hear, once per due date."""
    qa = _qa_ids()
    outbox_write(
        row
        for review in in_batches(waiting_reviews_in_care(today).filter(due_on__lt=today))
        for row in notices(
            kind=Kind.REVIEW_OVERDUE,
            recipient_ids=[*([review.iro_id] if review.iro_id else []), *qa],
            child_id=review.child_id,
            subject_type="review",
            subject_id=review.pk,
            deadline=review.due_on,
        )
    )


def alert_distribution_late(*, today: date) -> None:
    """Decisions not out within 5 working days of the review, or the record within 15: the IRO who
    chaired it hears at once, the QA managers 5 working days later if it is still not sent."""
    qa = _qa_ids()
    recent = Review.objects.filter(
        held_on__gte=today - timedelta(days=DISTRIBUTION_LOOKBACK_DAYS), held_on__lt=today
    ).annotate(chair_active=F("chair__is_active"))

    def late(kind, sent_field, due):
        for review in in_batches(recent.filter(**{f"{sent_field}__isnull": True})):
            deadline = due(review)
            if deadline >= today:
                continue
            recipients = [review.chair_id] if review.chair_active else []
            if add_working_days(deadline, QA_AFTER_WORKING_DAYS, nation=_nation()) < today:
                recipients += qa
            yield from notices(
                kind=kind,
                recipient_ids=recipients,
                child_id=review.child_id,
                subject_type="review",
                subject_id=review.pk,
                deadline=deadline,
            )

    outbox_write(
        chain(
            # The deadlines are the review's own (Review.decisions_due_on, record_due_on).
            late(Kind.DECISIONS_LATE, "decisions_sent_on", lambda review: review.decisions_due_on),
            late(Kind.RECORD_LATE, "record_sent_on", lambda review: review.record_due_on),
        )
    )


def alert_unallocated_children(*, today: date) -> None:
    """A child looked after (or in a short-break arrangement) for 5 working days with no IRO: the QA
    managers hear, once per period of care or arrangement."""
    qa = _qa_ids()
    started = Episode.objects.filter(child=OuterRef("pk"), reason_new="S", start_on__lte=today)
    arrangement = ShortBreakArrangement.objects.filter(child=OuterRef("pk"), start_on__lte=today).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=today)
    )
    children = (
        Child.objects.filter(reviewed_on(today))
        .exclude(has_current_iro(today))
        .annotate(
            # A short-break child between breaks has needed an IRO since the arrangement began, not
            # since the latest break.
            looked_after_since=Coalesce(
                Subquery(arrangement.order_by("-start_on").values("start_on")[:1]),
                Subquery(started.values("child").annotate(d=Max("start_on")).values("d")),
            )
        )
        .values_list("pk", "looked_after_since")
    )

    def unallocated():
        for child_id, since in in_batches(children):
            if since is None:
                continue
            deadline = add_working_days(since, 5, nation=_nation())
            if deadline < today:
                yield from notices(
                    kind=Kind.UNALLOCATED,
                    recipient_ids=qa,
                    child_id=child_id,
                    subject_type="child",
                    subject_id=child_id,
                    deadline=deadline,
                )

    outbox_write(unallocated())


def alert_actions_overdue(*, today: date) -> None:
    """An action agreed at a review, still open after its due date: the child's IRO hears, once per
    action and due date (a new date agreed for it is a new deadline), while the child is looked after."""
    actions = (
        ReviewAction.objects.filter(
            status=ReviewAction.Status.OPEN,
            due_on__lt=today,
            review__child__in=Child.objects.filter(reviewed_on(today)),
        )
        .annotate(iro_id=current_iro_id("review__child", day=today))
        # Without an IRO, no alert: the unallocated-children sweep tells the QA managers.
        .filter(iro_id__isnull=False)
        .values_list("pk", "due_on", "review__child", "iro_id")
    )
    outbox_write(
        row
        for pk, due_on, child_id, iro_id in in_batches(actions)
        for row in notices(
            kind=Kind.ACTION_OVERDUE,
            recipient_ids=[iro_id],
            child_id=child_id,
            subject_type="review_action",
            subject_id=pk,
            deadline=due_on,
        )
    )


def remind_midway_checks(*, today: date) -> None:
    """The IRO hears, once per interval between reviews, when its midway check is due within 5
    working days (or has passed) and none is recorded; not once the next review is overdue, which
    its own alert covers."""
    last_held = Review.objects.filter(
        child=OuterRef("child"), period_start=OuterRef("period_start"), held_on__isnull=False
    ).order_by("-held_on")
    reviews = (
        waiting_reviews_in_care(today)
        .filter(due_on__gte=today, iro_id__isnull=False)
        .annotate(
            last_held_id=Subquery(last_held.values("pk")[:1]), last_held_on=Subquery(last_held.values("held_on")[:1])
        )
        .filter(last_held_id__isnull=False)
        .exclude(Exists(MidwayCheck.objects.filter(after_review=OuterRef("last_held_id"))))
    )
    window_end = add_working_days(today, MIDWAY_REMINDER_WORKING_DAYS, nation=_nation())

    def due():
        for review in in_batches(reviews):
            day = midway_due(review.last_held_on, review.due_on)
            if today - timedelta(days=MIDWAY_LOOKBACK_DAYS) <= day <= window_end:
                yield from notices(
                    kind=Kind.MIDWAY_CHECK_DUE,
                    recipient_ids=[review.iro_id],
                    child_id=review.child_id,
                    subject_type="review",
                    subject_id=review.last_held_id,
                    deadline=day,
                )

    outbox_write(due())
