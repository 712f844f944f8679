"""Every write to reviews: recording, editing, meetings, and keeping due dates current."""

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

from .models import Meeting, Review
from .timescales import ChildSchedule, Policy, ScheduledReview, child_review_schedule, pn_code_fits_age

# The fields an IRO records about a review held; everything else on Review is computed.
RECORDED_FIELDS = (
    "held_on",
    "chair",
    "participation",
    "late_reason",
    "spoke_alone",
    "summary",
    "decisions_sent_on",
    "record_sent_on",
)


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
    new = {
        "period_start": item.clock.start,
        "short_breaks": item.clock.short_breaks,
        "sequence": item.due.sequence,
        "due_on": item.due.due_on,
        "policy": str(item.due.policy),
        "due_explanation": item.due.explanation,
    }
    if review.pk and all(getattr(review, k) == v for k, v in new.items()):
        return
    for k, v in new.items():
        setattr(review, k, v)
    if review.pk:
        review.save(update_fields=[*new, "updated_at"])
    else:
        review.save()


def _check_held(review: Review, child: Child, *, today: date) -> None:
    """The rules a review held must meet before it is saved; raises with every broken rule by field."""
    errors: dict[str, str] = {}
    held_on = review.held_on
    if held_on is None:
        raise ValidationError({"held_on": "Enter the date the review was held."})
    if held_on > today:
        errors["held_on"] = "The date the review was held cannot be in the future."
    elif child_schedule(child, today=today).clock_on(held_on) is None:
        errors["held_on"] = (
            f"{child.la_child_id} was not looked after on {uk_date(held_on)}: a review must be held "
            "within a period of care or a short-break arrangement, not before it began or after it ended."
        )
    elif child.reviews.filter(held_on=held_on).exclude(pk=review.pk).exists():
        errors["held_on"] = f"A review held on {uk_date(held_on)} is already recorded for this child."
    if not review.participation:
        errors["participation"] = "Select how the child took part in the review (DfE rule 167)."
    else:
        problem = pn_code_fits_age(review.participation, date_of_birth=child.date_of_birth, review_on=held_on)
        if problem:
            errors["participation"] = problem
    if review.chair is None or not review.chair.is_iro:
        errors["chair"] = "Select the IRO who chaired the review."
    for field, what in (("decisions_sent_on", "decisions were"), ("record_sent_on", "full record was")):
        sent = getattr(review, field)
        if sent is None:
            continue
        if sent > today:
            errors[field] = f"The date the {what} sent out cannot be in the future."
        elif sent < held_on:
            errors[field] = f"The date the {what} sent out cannot be before the review was held ({uk_date(held_on)})."
    if errors:
        raise ValidationError(errors)


def _check_late_reason(review: Review) -> None:
    """After the schedule is recomputed the due date is known: a late review needs its reason."""
    if review.held_late and not review.late_reason:
        raise ValidationError(
            {
                "late_reason": (
                    f"This review was due on {uk_date(review.due_on)} and held on {uk_date(review.held_on)}: "
                    "select why it was late."
                )
            }
        )
    if not review.held_late and review.late_reason:
        # A reason given for a review that turns out to be in time is dropped, not kept as noise.
        review.late_reason = ""
        review.save(update_fields=["late_reason"])


def review_record(*, actor: User, child: Child, today: date | None = None, **recorded) -> Review:
    """Record a review held. It takes the place of the review waiting in its period of care (so a
    meeting booked for it stays with it) and the next review due is computed from its date."""
    unknown = set(recorded) - set(RECORDED_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    today = today or timezone.localdate()
    with transaction.atomic():
        child = lock_child(child)
        review = Review(child=child, **recorded)
        _check_held(review, child, today=today)
        clock = child_schedule(child, today=today).clock_on(review.held_on)
        waiting = child.reviews.filter(period_start=clock.start, held_on__isnull=True).first()
        if waiting is not None:
            for field, value in recorded.items():
                setattr(waiting, field, value)
            review = waiting
        else:
            # Filled in by the schedule refresh below; placeholders satisfy the model's checks.
            review.period_start, review.sequence, review.due_on = clock.start, 0, review.held_on
        review.full_clean(exclude=["policy", "due_explanation"])
        review.save()
        review_schedule_refresh(child=child, today=today)
        review.refresh_from_db()
        _check_late_reason(review)
        audit_record(actor=actor, action="review_recorded", obj=review, fields=sorted(recorded))
        return review


def review_update(*, actor: User, review: Review, today: date | None = None, **recorded) -> Review:
    """Correct a review already held; its due date and every later one are recomputed."""
    unknown = set(recorded) - set(RECORDED_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    today = today or timezone.localdate()
    with transaction.atomic():
        child = lock_child(review.child)
        review = Review.objects.select_for_update().get(pk=review.pk)
        if not review.is_held:
            raise ValidationError("This review has not been held yet: record it instead.")
        changed = sorted(k for k, v in recorded.items() if getattr(review, k) != v)
        for field, value in recorded.items():
            setattr(review, field, value)
        _check_held(review, child, today=today)
        review.full_clean()
        review.save()
        review_schedule_refresh(child=child, today=today)
        review.refresh_from_db()
        _check_late_reason(review)
        audit_record(actor=actor, action="review_updated", obj=review, fields=changed)
        return review


def meeting_book(*, actor: User, review: Review, planned_on: date, today: date | None = None) -> Meeting:
    """Book the meeting for a review not yet held. A meeting already booked is moved to the new date."""
    today = today or timezone.localdate()
    if review.is_held:
        raise ValidationError("This review has already been held.")
    if planned_on < today:
        raise ValidationError({"planned_on": "The meeting date must be today or in the future."})
    with transaction.atomic():
        lock_child(review.child)
        moved = Meeting.objects.filter(review=review, status=Meeting.Status.BOOKED).update(
            status=Meeting.Status.RESCHEDULED, reason=f"Moved to {uk_date(planned_on)}"
        )
        meeting = Meeting(review=review, planned_on=planned_on)
        meeting.full_clean()
        meeting.save()
        audit_record(actor=actor, action="meeting_booked", obj=meeting, moved=bool(moved))
        return meeting


def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    if meeting.status != Meeting.Status.BOOKED:
        raise ValidationError("Only a booked meeting can be cancelled.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the meeting was cancelled."})
    with transaction.atomic():
        meeting.status = Meeting.Status.CANCELLED
        meeting.reason = reason.strip()
        meeting.save(update_fields=["status", "reason"])
        audit_record(actor=actor, action="meeting_cancelled", obj=meeting)
        return meeting


# --- Short-break agreements ---------------------------------------------------------------------
def short_break_agreement_record(
    *, actor: User | None, child: Child, kind: str, on: date, note: str = "", today: date | None = None
) -> ShortBreakAgreement:
    """Record the day a short-break agreement ended, or began before the first break the service
    knows of (by the QA manager or the child's IRO). The arrangements and their reviews are
    recomputed; when the last arrangement ends this way and the child is not looked after, the IRO
    allocation ends with it."""
    today = today or timezone.localdate()
    if actor is not None and not (actor.is_iro or actor.sees_every_child):
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
