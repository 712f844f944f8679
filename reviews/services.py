"""Every write to reviews: preparing, recording and editing them, their actions and documents, and
meetings. Due dates are kept current by reviews/schedule_services.py, which recording calls."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record, changes
from accounts.models import User
from children.models import Child
from children.selectors import may_chair
from children.services import lock_child
from core.dates import uk_date

from .models import LateReason, Meeting, Review, ReviewAction, ReviewDraft, ReviewParticipant, ReviewViews
from .schedule_services import child_schedule, review_schedule_refresh
from .timescales import pn_code_fits_age

# What the review considered (sched 7), recorded with it.
PLAN_FIELDS = (
    "wishes_and_feelings",
    "care_plan",
    "permanence_plan",
    "permanence_target_on",
    "permanence_progress",
    "health_assessment_on",
    "dental_check_on",
    "pep_on",
    "pep_reviewed",
    "family_time",
    "plan_meets_needs",
    "plan_meets_needs_why",
)
# The fields an IRO records about a review held; everything else on Review is computed.
RECORDED_FIELDS = (
    "held_on",
    "chair",
    "participation",
    "late_reason",
    "late_reason_detail",
    "spoke_alone",
    "summary",
    "decisions_sent_on",
    "record_sent_on",
    *PLAN_FIELDS,
)
# The fields of an action set when it is agreed, and when its outcome is recorded.
ACTION_FIELDS = ("what", "responsible_role", "responsible_name", "responsible_user", "due_on")


def review_held_errors(*, child: Child, waiting: Review | None, today: date | None = None, **recorded) -> dict:
    """The rules broken by the date held, chair, participation and late reason, by field: the
    record journey checks its first page with the rules that recording will apply."""
    today = today or timezone.localdate()
    review = Review(child=child, **recorded)
    if waiting is not None:
        review.pk = waiting.pk
    errors: dict[str, list[str]] = {}
    try:
        _check_held(review, child, today=today)
    except ValidationError as error:
        errors = error.message_dict
    late = waiting is not None and review.held_on and review.held_on > waiting.due_on
    if late and not review.late_reason and "held_on" not in errors:
        errors["late_reason"] = [
            f"This review was due on {uk_date(waiting.due_on)} and held on {uk_date(review.held_on)}: "
            "select why it was late."
        ]
    if late and review.late_reason == LateReason.OTHER and not review.late_reason_detail.strip():
        errors["late_reason_detail"] = ["Say why the review was late."]
    return errors


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
    elif held_on and not may_chair(review.chair, child, held_on):
        errors["chair"] = (
            f"{review.chair} was not this child's IRO, nor covering for them, on {uk_date(held_on)}: "
            "select the IRO allocated or covering then."
        )
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
    if review.held_late and review.late_reason == LateReason.OTHER and not review.late_reason_detail.strip():
        raise ValidationError({"late_reason_detail": "Say why the review was late."})
    if not review.held_late and (review.late_reason or review.late_reason_detail):
        # A reason given for a review that turns out to be in time is dropped, not kept as noise.
        review.late_reason = review.late_reason_detail = ""
        review.save(update_fields=["late_reason", "late_reason_detail"])
    elif review.late_reason != LateReason.OTHER and review.late_reason_detail:
        review.late_reason_detail = ""
        review.save(update_fields=["late_reason_detail"])


def review_record(
    *,
    actor: User,
    child: Child,
    today: date | None = None,
    actions: list[dict] | tuple = (),
    outcomes: dict[int, dict] | None = None,
    **recorded,
) -> Review:
    """Record a review held. It takes the place of the review waiting in its period of care (so its
    preparation and the meeting booked for it stay with it), and the next review due is computed
    from its date. `actions` are the review's decisions (dicts of ACTION_FIELDS); `outcomes` gives,
    by action id, the status and outcome of open actions of earlier reviews. A draft of the record
    is removed: it has become the record."""
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
        _settle_meeting(review)
        _follow_up_actions(review, outcomes or {})
        for fields in actions:
            _action_create(review, fields)
        ReviewDraft.objects.filter(review=review).delete()
        audit_record(
            actor=actor,
            action="review_recorded",
            obj=review,
            fields=sorted(recorded),
            actions=len(actions),
            outcomes=len(outcomes or {}),
        )
        return review


def _settle_meeting(review: Review) -> None:
    """The meeting booked for a review now held: held that day, or moved to the day it was held."""
    meeting = review.meetings.filter(status=Meeting.Status.BOOKED).first()
    if meeting is None:
        return
    if meeting.planned_on == review.held_on:
        meeting.status = Meeting.Status.HELD
    else:
        meeting.status = Meeting.Status.RESCHEDULED
        meeting.reason = f"The review was held on {uk_date(review.held_on)} instead."
    meeting.save(update_fields=["status", "reason"])


def _action_create(review: Review, fields: dict) -> ReviewAction:
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unexpected action fields: {', '.join(sorted(unknown))}")
    action = ReviewAction(review=review, **fields)
    if action.due_on and action.due_on < review.held_on:
        raise ValidationError({"due_on": "An action's due date cannot be before the review that agreed it."})
    action.full_clean()
    action.save()
    return action


def _follow_up_actions(review: Review, outcomes: dict[int, dict]) -> None:
    """Record, at this review, the outcome of open actions agreed at earlier reviews."""
    if not outcomes:
        return
    open_before = ReviewAction.objects.filter(
        review__child=review.child, status=ReviewAction.Status.OPEN, review__held_on__lt=review.held_on
    )
    actions = {a.pk: a for a in open_before.select_for_update(of=("self",))}
    for pk, outcome in outcomes.items():
        action = actions.get(pk)
        if action is None:
            raise ValidationError("An action followed up is not an open action of an earlier review.")
        if outcome["status"] == ReviewAction.Status.OPEN:
            continue  # still open: it is asked about again at the next review
        _action_close(action, status=outcome["status"], outcome=outcome.get("outcome", ""), on=review.held_on)
        action.outcome_review = review
        action.save(update_fields=["status", "outcome", "outcome_on", "outcome_review", "updated_at"])


def _action_close(action: ReviewAction, *, status: str, outcome: str, on: date | None) -> None:
    action.status, action.outcome = status, outcome.strip()
    action.outcome_on = None if status == ReviewAction.Status.OPEN else on
    action.full_clean()


def action_update(
    *,
    actor: User,
    action: ReviewAction,
    status: str,
    outcome: str = "",
    outcome_on: date | None = None,
    today: date | None = None,
) -> ReviewAction:
    """Record what became of an action between reviews (or reopen one closed by mistake)."""
    today = today or timezone.localdate()
    errors = {}
    if status != ReviewAction.Status.OPEN:
        if outcome_on is None:
            errors["outcome_on"] = "Enter the date of the outcome."
        elif outcome_on > today:
            errors["outcome_on"] = "The date of the outcome cannot be in the future."
        elif outcome_on < action.review.held_on:
            errors["outcome_on"] = (
                f"The date of the outcome cannot be before the review that agreed the action "
                f"({uk_date(action.review.held_on)})."
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = ReviewAction.objects.select_for_update().select_related("review").get(pk=action.pk)
        _action_close(action, status=status, outcome=outcome, on=outcome_on)
        if status == ReviewAction.Status.OPEN:
            action.outcome_review = None
        action.save(update_fields=["status", "outcome", "outcome_on", "outcome_review", "updated_at"])
        audit_record(actor=actor, action="review_action_updated", obj=action, status=status)
        return action


def review_draft_save(*, actor: User, review: Review, page: str, data: dict) -> ReviewDraft:
    """Keep what was typed on one page of the record journey, valid or not: it is never lost."""
    if review.is_held:
        raise ValidationError("This review has already been recorded.")
    with transaction.atomic():
        draft, _ = ReviewDraft.objects.select_for_update().get_or_create(review=review, defaults={"saved_by": actor})
        draft.data = {**draft.data, page: data}
        draft.saved_by = actor
        draft.save()
        return draft


def review_draft_discard(*, actor: User, review: Review) -> None:
    with transaction.atomic():
        deleted, _ = ReviewDraft.objects.filter(review=review).delete()
        if deleted:
            audit_record(actor=actor, action="review_draft_discarded", obj=review)


def review_prepare(
    *,
    actor: User,
    review: Review,
    advocate_offered: bool | None,
    advocate_used: bool | None,
    report_shared_on: date | None,
) -> Review:
    """What was done before the meeting: the advocate, and when the social worker's report was shared."""
    errors = {}
    if advocate_used and advocate_offered is False:
        errors["advocate_used"] = "The child cannot have used an advocate who was not offered."
    if report_shared_on and report_shared_on > timezone.localdate():
        errors["report_shared_on"] = "The date the report was shared cannot be in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review.advocate_offered, review.advocate_used = advocate_offered, advocate_used
        review.report_shared_on = report_shared_on
        review.full_clean(exclude=["policy", "due_explanation"])
        review.save(update_fields=["advocate_offered", "advocate_used", "report_shared_on", "updated_at"])
        audit_record(actor=actor, action="review_prepared", obj=review)
        return review


def participant_add(*, actor: User, review: Review, **fields) -> ReviewParticipant:
    with transaction.atomic():
        participant = ReviewParticipant(review=review, **fields)
        participant.full_clean()
        participant.save()
        audit_record(actor=actor, action="review_participant_added", obj=participant, role=participant.role)
        return participant


def participant_remove(*, actor: User, participant: ReviewParticipant) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="review_participant_removed", obj=participant, role=participant.role)
        participant.delete()


def views_add(*, actor: User, review: Review, today: date | None = None, **fields) -> ReviewViews:
    today = today or timezone.localdate()
    with transaction.atomic():
        views = ReviewViews(review=review, **fields)
        if views.gathered_on and views.gathered_on > today:
            raise ValidationError({"gathered_on": "The date the views were given cannot be in the future."})
        views.full_clean()
        views.save()
        audit_record(actor=actor, action="review_views_added", obj=views, role=views.role)
        return views


def views_remove(*, actor: User, views: ReviewViews) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="review_views_removed", obj=views, role=views.role)
        views.delete()


# The review's documents and the date each one's sending is recorded in.
DOCUMENT_SENT_FIELDS = {
    "decisions": "decisions_sent_on",
    "record": "record_sent_on",
    "letter": "letter_sent_on",
}


def review_document_sent(
    *, actor: User, review: Review, document: str, sent_on: date, today: date | None = None
) -> Review:
    """Mark one of the review's documents as sent out on a date."""
    today = today or timezone.localdate()
    field = DOCUMENT_SENT_FIELDS[document]
    if not review.is_held:
        raise ValidationError("This review has not been held yet.")
    if sent_on > today:
        raise ValidationError({"sent_on": "The date sent cannot be in the future."})
    if sent_on < review.held_on:
        raise ValidationError(
            {"sent_on": f"The date sent cannot be before the review was held ({uk_date(review.held_on)})."}
        )
    with transaction.atomic():
        setattr(review, field, sent_on)
        review.save(update_fields=[field, "updated_at"])
        audit_record(actor=actor, action="review_document_sent", obj=review, document=document)
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
        changed = changes(review, recorded)
        for field, value in recorded.items():
            setattr(review, field, value)
        _check_held(review, child, today=today)
        review.full_clean()
        review.save()
        review_schedule_refresh(child=child, today=today)
        review.refresh_from_db()
        _check_late_reason(review)
        audit_record(actor=actor, action="review_updated", obj=review, **changed)
        return review


def meeting_book(
    *,
    actor: User,
    review: Review,
    planned_on: date,
    starts_at=None,
    venue: str = "",
    mode: str = "",
    expected_late_reason: str = "",
    today: date | None = None,
) -> Meeting:
    """Book the meeting for a review not yet held. A meeting already booked is moved to the new date.
    A meeting after the review's due date may be booked, but only with the reason it will be late."""
    today = today or timezone.localdate()
    if review.is_held:
        raise ValidationError("This review has already been held.")
    errors = {}
    if planned_on < today:
        errors["planned_on"] = "The meeting date must be today or in the future."
    if planned_on > review.due_on and not expected_late_reason:
        errors["expected_late_reason"] = (
            f"The review is due by {uk_date(review.due_on)}: a meeting on {uk_date(planned_on)} means the review "
            "will be late. Select why it is expected to be late."
        )
    if errors:
        raise ValidationError(errors)
    if planned_on <= review.due_on:
        expected_late_reason = ""
    with transaction.atomic():
        lock_child(review.child)
        moved = Meeting.objects.filter(review=review, status=Meeting.Status.BOOKED).update(
            status=Meeting.Status.RESCHEDULED, reason=f"Moved to {uk_date(planned_on)}"
        )
        meeting = Meeting(
            review=review,
            planned_on=planned_on,
            starts_at=starts_at,
            venue=venue.strip(),
            mode=mode,
            expected_late_reason=expected_late_reason,
        )
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
