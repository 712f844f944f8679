"""The daily sweeps: who must hear about which review deadline. They only write outbox rows
(accounts.notifications); the unique key of each row makes every sweep safe to run again."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Notification, User
from accounts.notifications import notify
from accounts.selectors import active_qa_managers
from children.models import Child, Episode, ShortBreakArrangement
from children.selectors import current_iro_id, has_current_iro, reviewed_on
from core.calendar import add_working_days
from core.midway import midway_due

from .models import (
    DECISIONS_WORKING_DAYS,
    DISTRIBUTION_LOOKBACK_DAYS,
    RECORD_WORKING_DAYS,
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
    latest clock's), with the child and the current IRO's id (`iro_id`). Reviews missed in a period
    or arrangement already ended are not chased: the child has left it."""
    later = Review.objects.filter(
        child=OuterRef("child"), held_on__isnull=True, period_start__gt=OuterRef("period_start")
    )
    return (
        Review.objects.filter(held_on__isnull=True, child__in=Child.objects.filter(reviewed_on(today)))
        .exclude(Exists(later))
        .select_related("child")
        .annotate(iro_id=current_iro_id("child", day=today))
    )


def _users(ids) -> dict[int, User]:
    return User.objects.in_bulk([i for i in ids if i])


def remind_reviews_due(*, today: date) -> None:
    """The IRO hears when a review is due within the first reminder's working days (20 by default)
    with no meeting booked, and again within the second's (5)."""
    first, second = settings.REVIEW_REMINDER_WORKING_DAYS
    near, far = add_working_days(today, second, nation=_nation()), add_working_days(today, first, nation=_nation())
    booked = Meeting.objects.filter(review=OuterRef("pk"), status=Meeting.Status.BOOKED)
    reviews = list(waiting_reviews_in_care(today).filter(due_on__gte=today, due_on__lte=far).exclude(Exists(booked)))
    iros = _users(r.iro_id for r in reviews)
    for review in reviews:
        if review.iro_id is None:
            continue  # the unallocated-children sweep tells the QA managers
        # Found already within the second window: one reminder, not two on the same day.
        kind = Kind.REVIEW_DUE_VERY_SOON if review.due_on <= near else Kind.REVIEW_DUE_SOON
        notify(
            kind=kind,
            recipients=[iros[review.iro_id]],
            child=review.child,
            subject_type="review",
            subject_id=review.pk,
            deadline=review.due_on,
        )


def alert_reviews_overdue(*, today: date) -> None:
    """A review past its due date: the IRO and every QA manager hear, once per due date."""
    reviews = list(waiting_reviews_in_care(today).filter(due_on__lt=today))
    iros, qa = _users(r.iro_id for r in reviews), active_qa_managers()
    for review in reviews:
        notify(
            kind=Kind.REVIEW_OVERDUE,
            recipients=[*([iros[review.iro_id]] if review.iro_id else []), *qa],
            child=review.child,
            subject_type="review",
            subject_id=review.pk,
            deadline=review.due_on,
        )


def alert_distribution_late(*, today: date) -> None:
    """Decisions not out within 5 working days of the review, or the record within 15: the IRO who
    chaired it hears at once, the QA managers 5 working days later if it is still not sent."""
    qa = active_qa_managers()
    recent = Review.objects.filter(held_on__gte=today - timedelta(days=DISTRIBUTION_LOOKBACK_DAYS), held_on__lt=today)
    for kind, field, days in (
        (Kind.DECISIONS_LATE, "decisions_sent_on", DECISIONS_WORKING_DAYS),
        (Kind.RECORD_LATE, "record_sent_on", RECORD_WORKING_DAYS),
    ):
        for review in recent.filter(**{f"{field}__isnull": True}).select_related("child", "chair"):
            deadline = add_working_days(review.held_on, days, nation=_nation())
            if deadline >= today:
                continue
            recipients = [review.chair] if review.chair and review.chair.is_active else []
            if add_working_days(deadline, QA_AFTER_WORKING_DAYS, nation=_nation()) < today:
                recipients += qa
            notify(
                kind=kind,
                recipients=recipients,
                child=review.child,
                subject_type="review",
                subject_id=review.pk,
                deadline=deadline,
            )


def alert_unallocated_children(*, today: date) -> None:
    """A child looked after (or in a short-break arrangement) for 5 working days with no IRO: the QA
    managers hear, once per period of care or arrangement."""
    qa = active_qa_managers()
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
    )
    for child in children:
        if child.looked_after_since is None:
            continue
        deadline = add_working_days(child.looked_after_since, 5, nation=_nation())
        if deadline < today:
            notify(
                kind=Kind.UNALLOCATED,
                recipients=qa,
                child=child,
                subject_type="child",
                subject_id=child.pk,
                deadline=deadline,
            )


def alert_actions_overdue(*, today: date) -> None:
    """An action agreed at a review, still open after its due date: the child's IRO hears, once per
    action and due date (a new date agreed for it is a new deadline), while the child is looked after."""
    actions = list(
        ReviewAction.objects.filter(
            status=ReviewAction.Status.OPEN,
            due_on__lt=today,
            review__child__in=Child.objects.filter(reviewed_on(today)),
        )
        .select_related("review__child")
        .annotate(iro_id=current_iro_id("review__child", day=today))
    )
    iros = _users(a.iro_id for a in actions)
    for action in actions:
        if action.iro_id is None:
            continue  # the unallocated-children sweep tells the QA managers
        notify(
            kind=Kind.ACTION_OVERDUE,
            recipients=[iros[action.iro_id]],
            child=action.review.child,
            subject_type="review_action",
            subject_id=action.pk,
            deadline=action.due_on,
        )


def remind_midway_checks(*, today: date) -> None:
    """The IRO hears, once per interval between reviews, when its midway check is due within 5
    working days (or has passed) and none is recorded; not once the next review is overdue, which
    its own alert covers."""
    last_held = Review.objects.filter(
        child=OuterRef("child"), period_start=OuterRef("period_start"), held_on__isnull=False
    ).order_by("-held_on")
    reviews = list(
        waiting_reviews_in_care(today)
        .filter(due_on__gte=today)
        .annotate(
            last_held_id=Subquery(last_held.values("pk")[:1]), last_held_on=Subquery(last_held.values("held_on")[:1])
        )
        .filter(last_held_id__isnull=False)
        .exclude(Exists(MidwayCheck.objects.filter(after_review=OuterRef("last_held_id"))))
    )
    iros = _users(r.iro_id for r in reviews)
    window_end = add_working_days(today, MIDWAY_REMINDER_WORKING_DAYS, nation=_nation())
    for review in reviews:
        due = midway_due(review.last_held_on, review.due_on)
        if review.iro_id is None or not today - timedelta(days=MIDWAY_LOOKBACK_DAYS) <= due <= window_end:
            continue
        notify(
            kind=Kind.MIDWAY_CHECK_DUE,
            recipients=[iros[review.iro_id]],
            child=review.child,
            subject_type="review",
            subject_id=review.last_held_id,
            deadline=due,
        )
