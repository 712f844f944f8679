"""Every write to reviews: recording, editing, meetings, and keeping due dates current."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from children.models import Child
from core.dates import uk_date
from core.periods import period_containing, periods_of_care
from iro_service.audit import audit_record
from iro_service.models import User

from .models import Meeting, Review
from .timescales import DueReview, Policy, pn_code_fits_age, review_schedule

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


def lock_child(child: Child) -> Child:
    """Serialise writes about one child (two IROs saving at once must not both compute the schedule)."""
    return Child.objects.select_for_update().get(pk=child.pk)


def review_schedule_refresh(*, child: Child) -> None:
    """Recompute the due date of each of the child's reviews from their episodes and the dates the
    reviews were held, and keep exactly one review waiting to be held in each period of care that
    has one due. Called by every service that changes episodes or dates held, in its transaction."""
    policy = Policy(settings.REVIEW_TIMESCALE_POLICY)
    reviews = list(child.reviews.all())
    held = sorted((r for r in reviews if r.held_on), key=lambda r: r.held_on)
    waiting = {r.period_start: r for r in reviews if not r.held_on}

    periods = periods_of_care(child.episodes.all())
    # Each review belongs to one period, the one it was held in (the later one if a period ended
    # and another began that day), as the checks on recording it decide.
    held_in: dict[date, list[Review]] = {period.start: [] for period in periods}
    for review in held:
        period = period_containing(periods, review.held_on)
        if period is not None:
            held_in[period.start].append(review)

    for period in periods:
        in_period = held_in[period.start]
        schedule = review_schedule(
            period, [r.held_on for r in in_period], policy=policy, nation=settings.BANK_HOLIDAY_NATION
        )
        for review, due in zip(in_period, schedule, strict=False):
            _apply_due(review, period.start, due)
        if len(schedule) > len(in_period):
            review = waiting.pop(period.start, None) or Review(child=child, period_start=period.start)
            _apply_due(review, period.start, schedule[-1])
    # Periods that no longer have a review due (the child left care before it fell due).
    Review.objects.filter(pk__in=[r.pk for r in waiting.values()]).delete()


def _apply_due(review: Review, period_start: date, due: DueReview) -> None:
    new = {
        "period_start": period_start,
        "sequence": due.sequence,
        "due_on": due.due_on,
        "policy": str(due.policy),
        "due_explanation": due.explanation,
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
    else:
        period = period_containing(periods_of_care(child.episodes.all()), held_on)
        if period is None:
            errors["held_on"] = (
                f"{child.la_child_id} was not looked after on {uk_date(held_on)}: a review must be held "
                "within a period of care, not before it began or after it ended."
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
        period = period_containing(periods_of_care(child.episodes.all()), review.held_on)
        waiting = child.reviews.filter(period_start=period.start, held_on__isnull=True).first()
        if waiting is not None:
            for field, value in recorded.items():
                setattr(waiting, field, value)
            review = waiting
        else:
            # Filled in by the schedule refresh below; placeholders satisfy the model's checks.
            review.period_start, review.sequence, review.due_on = period.start, 0, review.held_on
        review.full_clean(exclude=["policy", "due_explanation"])
        review.save()
        review_schedule_refresh(child=child)
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
        review_schedule_refresh(child=child)
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
