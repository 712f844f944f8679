"""Keeping every review's due date current, and the short-break agreements it depends on: the
writes around the one scheduler (reviews.timescales.child_review_schedule). The services that
change episodes, dates held or agreements call review_schedule_refresh in their transaction; the 903
import and the demo call it too, so every path gives the same due dates."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from children.models import Child, IROAllocation, ShortBreakAgreement, ShortBreakArrangement
from children.services import lock_child
from core.dates import uk_date
from core.periods import SHORT_BREAK_LEGAL_STATUSES

from .models import Review
from .timescales import ChildSchedule, Policy, ScheduledReview, child_review_schedule


def scheduler_settings() -> dict:
    """The scheduler's settings, as keyword arguments to reviews.timescales.child_review_schedule."""
    return {
        "policy": Policy(settings.REVIEW_TIMESCALE_POLICY),
        "nation": settings.BANK_HOLIDAY_NATION,
        "short_break_gap": relativedelta(months=settings.SHORT_BREAK_GAP_MONTHS),
    }


def agreement_dates(agreements) -> dict[str, list[date]]:
    """The short-break agreement dates recorded, as keyword arguments to child_review_schedule."""
    agreements = list(agreements)
    return {
        "agreed_starts": [a.on for a in agreements if a.kind == ShortBreakAgreement.Kind.STARTED],
        "agreed_ends": [a.on for a in agreements if a.kind == ShortBreakAgreement.Kind.ENDED],
    }


def child_schedule(child: Child, *, today: date, held: list[date] | None = None) -> ChildSchedule:
    """The child's whole review schedule from what is stored (or from `held` instead of the dates
    stored). Uses the child's prefetched episodes, reviews and agreements when there are any."""
    if held is None:
        held = [r.held_on for r in child.reviews.all() if r.held_on]
    return child_review_schedule(
        child.episodes.all(),
        held,
        today=today,
        **scheduler_settings(),
        **agreement_dates(child.short_break_agreements.all()),
    )


def review_schedule_refresh(*, child: Child, today: date | None = None) -> None:
    """Recompute the due date of each of the child's reviews from their episodes, the dates the
    reviews were held and the short-break agreement dates, keep exactly one review waiting to be held
    on each clock (period of full-time care or short-break arrangement) that has one due, and store the
    short-break arrangements. Called by every service that changes any of these, in its transaction,
    and by the daily sweep for arrangements whose gap has run out."""
    today = today or timezone.localdate()
    reviews = list(child.reviews.all())
    held = {r.held_on: r for r in reviews if r.held_on}
    waiting = {r.period_start: r for r in reviews if not r.held_on}
    schedule = child_schedule(child, today=today, held=list(held))
    for item in schedule.reviews:
        if item.held_on is not None:
            review = held[item.held_on]
        else:
            review = waiting.pop(item.clock.start, None) or Review(child=child)
        _apply_due(review, item)
    # Clocks that no longer have a review due (the child left care, or the arrangement ended, first).
    Review.objects.filter(pk__in=[r.pk for r in waiting.values()]).delete()
    _store_arrangements(child, schedule.arrangements)


def _store_arrangements(child: Child, arrangements) -> None:
    rows = [
        ShortBreakArrangement(
            child=child,
            start_on=a.start,
            end_on=a.end,
            ended_by=a.ended_by or "",
            lapses_on=a.lapses_on,
            breaks=len(a.breaks),
        )
        for a in arrangements
    ]
    fields = ("start_on", "end_on", "ended_by", "lapses_on", "breaks")
    stored = [tuple(getattr(r, f) for f in fields) for r in child.short_break_arrangements.all()]
    if stored != [tuple(getattr(r, f) for f in fields) for r in rows]:
        child.short_break_arrangements.all().delete()
        ShortBreakArrangement.objects.bulk_create(rows)


def short_break_lapses(*, today: date) -> None:
    """Arrangements still open whose gap ran out before today with no break: recompute those children,
    which ends the arrangement and drops a review that would fall due after it."""
    lapsed = ShortBreakArrangement.objects.filter(end_on__isnull=True, lapses_on__lt=today).values("child")
    for child in Child.objects.filter(pk__in=lapsed):
        with transaction.atomic():
            review_schedule_refresh(child=lock_child(child), today=today)


def _apply_due(review: Review, item: ScheduledReview) -> None:
    new = item.review_fields
    if review.pk and all(getattr(review, k) == v for k, v in new.items()):
        return
    for k, v in new.items():
        setattr(review, k, v)
    if review.pk:
        review.save(update_fields=[*new, "updated_at"])
    else:
        review.save()


def short_break_agreement_record(
    *, actor: User | None, child: Child, kind: str, on: date, note: str = "", today: date | None = None
) -> ShortBreakAgreement:
    """Record the day a short-break agreement ended, or began before the first break the service
    knows of (by the QA manager or the child's IRO). The arrangements and their reviews are
    recomputed; when the last arrangement ends this way and the child is not looked after, the IRO
    allocation ends with it."""
    today = today or timezone.localdate()
    if actor is not None and not actor.can_see_caseloads:
        raise ValidationError("Only a QA manager or an IRO can record a short-break agreement.")
    with transaction.atomic():
        child = lock_child(child)
        agreement = ShortBreakAgreement(child=child, kind=kind, on=on, note=note.strip(), recorded_by=actor)
        agreement.full_clean(exclude=["child", "recorded_by"], validate_unique=False, validate_constraints=False)
        _check_agreement(agreement, child, today=today)
        agreement.save()
        review_schedule_refresh(child=child, today=today)
        still_needs_iro = (
            child.episodes.filter(end_on__isnull=True).exists()
            or child.short_break_arrangements.filter(end_on__isnull=True).exists()
        )
        if kind == ShortBreakAgreement.Kind.ENDED and not still_needs_iro:
            IROAllocation.objects.filter(child=child, end_on__isnull=True, start_on__lte=on).update(end_on=on)
        audit_record(actor=actor, action="short_break_agreement_recorded", obj=agreement, kind=kind)
        return agreement


def _check_agreement(agreement: ShortBreakAgreement, child: Child, *, today: date) -> None:
    on = agreement.on
    if on > today:
        raise ValidationError({"on": "The date cannot be in the future."})
    breaks = sorted(
        e.start_on for e in child.episodes.filter(legal_status__in=SHORT_BREAK_LEGAL_STATUSES).only("start_on")
    )
    if not breaks:
        raise ValidationError({"on": f"{child.la_child_id} has no short breaks recorded (legal status V3 or V4)."})
    if agreement.kind == ShortBreakAgreement.Kind.ENDED and on < breaks[0]:
        raise ValidationError({"on": f"An agreement cannot end before the first short break, on {uk_date(breaks[0])}."})
    if agreement.kind == ShortBreakAgreement.Kind.STARTED and on > breaks[-1]:
        raise ValidationError(
            {
                "on": "The agreement must begin on or before a short break it covers "
                f"(the last was on {uk_date(breaks[-1])})."
            }
        )
    if child.short_break_agreements.filter(kind=agreement.kind, on=on).exists():
        raise ValidationError({"on": f"That date is already recorded for {child.la_child_id}."})
