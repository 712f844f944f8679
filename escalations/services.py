"""Every write to escalations: raising, each step up the dispute resolution process, responses,
resolving, withdrawing, and importing an earlier escalation log.

Each runs in one transaction holding the escalation's row lock (two people acting on one escalation
at once are served one after the other), checks its rules with messages by field, and writes its
audit entry. Rows are added, never changed, apart from the escalation's own summary of its state and
a stage's response, which is filled in once."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEntry, User
from children.models import Child
from core.calendar import add_working_days
from core.dates import uk_date
from reviews.models import Review

from .codes import FORMAL_STAGES, STAGE_ORDER, Stage, Theme, stage_rank
from .models import Escalation, EscalationStage, EscalationStatusChange

SUMMARY_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 4000


def response_working_days(stage: str) -> int:
    return settings.ESCALATION_RESPONSE_WORKING_DAYS[stage]


def respond_by(stage: str, sent_on: date) -> date:
    """The last day for a response: the stage's working days after the day it was sent."""
    return add_working_days(sent_on, response_working_days(stage), nation=settings.BANK_HOLIDAY_NATION)


def formal_process_by(first_formal_on: date) -> date:
    return add_working_days(
        first_formal_on, settings.ESCALATION_FORMAL_PROCESS_WORKING_DAYS, nation=settings.BANK_HOLIDAY_NATION
    )


def _check_text(errors: dict, field: str, value: str, *, missing: str, what: str, limit: int) -> None:
    if not value.strip():
        errors[field] = missing
    elif len(value) > limit:
        errors[field] = f"{what} must be {limit:,} characters or fewer"


def _check_date(errors: dict, field: str, value: date | None, *, what: str, today: date, not_before=()) -> None:
    """`what` is "the date …"; `not_before` pairs an earlier date with what it is."""
    if value is None:
        errors[field] = f"Enter {what}"
        return
    if value > today:
        errors[field] = f"{what[0].upper()}{what[1:]} cannot be in the future"
        return
    for earliest, description in not_before:
        if earliest is not None and value < earliest:
            errors[field] = f"{what[0].upper()}{what[1:]} cannot be before {description} ({uk_date(earliest)})"
            return


def _lock(escalation: Escalation) -> Escalation:
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("child", "current_stage")
        .get(pk=escalation.pk)
    )


def _must_be_open(escalation: Escalation) -> None:
    if not escalation.is_open:
        raise ValidationError(
            f"This escalation was {escalation.get_status_display().lower()} on {uk_date(escalation.closed_on)}: "
            "it cannot be changed. Raise a new escalation if the concern has come back."
        )


def _add_stage(
    *, actor: User, escalation: Escalation, stage: str, sent_to: str, sent_on: date, asked: str = ""
) -> EscalationStage:
    days = response_working_days(stage)
    row = EscalationStage(
        escalation=escalation,
        stage=stage,
        sent_to=sent_to.strip(),
        asked=asked.strip(),
        sent_on=sent_on,
        respond_by=respond_by(stage, sent_on),
        response_working_days=days,
        recorded_by=actor,
    )
    row.full_clean()
    row.save()
    escalation.stage, escalation.current_stage = stage, row
    fields = ["stage", "current_stage"]
    if stage in FORMAL_STAGES and escalation.formal_by is None:
        escalation.formal_by = formal_process_by(sent_on)
        fields.append("formal_by")
    escalation.save(update_fields=fields)
    return row


def escalation_raise(
    *,
    actor: User,
    child: Child,
    raised_on: date | None,
    theme: str,
    summary: str,
    stage: str = Stage.INFORMAL,
    sent_to: str,
    review: Review | None = None,
    today: date | None = None,
) -> Escalation:
    """An IRO raises a concern about a child with someone: informally with the social work team, or
    straight at a later stage of the DRP. The first stage starts the day the concern is raised."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if not actor.is_iro:
        raise ValidationError("Only an IRO can raise an escalation.")
    _check_date(
        errors,
        "raised_on",
        raised_on,
        what="the date the concern was raised",
        today=today,
        not_before=[(child.date_of_birth, "the child's date of birth")],
    )
    if review is not None:
        if review.child_id != child.pk or not review.is_held:
            raise ValidationError("An escalation can only come from a review of the same child that has been held.")
        if raised_on is not None and "raised_on" not in errors and raised_on < review.held_on:
            errors["raised_on"] = (
                f"The date the concern was raised cannot be before the review it came from ({uk_date(review.held_on)})"
            )
    if theme not in Theme.values:
        errors["theme"] = "Select the theme of the concern"
    _check_text(
        errors,
        "summary",
        summary,
        missing="Enter a summary of the concern",
        what="The summary",
        limit=SUMMARY_MAX_LENGTH,
    )
    if stage not in STAGE_ORDER:
        errors["stage"] = "Select who the concern was raised with first"
    if not sent_to.strip():
        errors["sent_to"] = "Enter the name and role of the person the concern was raised with"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        escalation = Escalation(
            child=child,
            review=review,
            raised_by=actor,
            raised_on=raised_on,
            theme=theme,
            summary=summary.strip(),
            stage=stage,
        )
        escalation.full_clean(exclude=["current_stage"])
        escalation.save()
        _add_stage(actor=actor, escalation=escalation, stage=stage, sent_to=sent_to, sent_on=raised_on)
        audit_record(actor=actor, action="escalation_raised", obj=escalation, theme=theme, stage=stage)
        return escalation


def escalation_stage_add(
    *,
    actor: User,
    escalation: Escalation,
    stage: str,
    sent_to: str,
    sent_on: date | None,
    asked: str,
    today: date | None = None,
) -> EscalationStage:
    """Take the concern up the DRP: to the next stage, past stages to a later one, or to Cafcass,
    saying what is asked of the person it goes to. The stage it was at stays as it is, with its
    response or without one."""
    today = today or timezone.localdate()
    with transaction.atomic():
        escalation = _lock(escalation)
        _must_be_open(escalation)
        errors: dict[str, str] = {}
        if stage not in STAGE_ORDER:
            errors["stage"] = "Select the stage to take the concern to"
        elif stage_rank(stage) <= stage_rank(escalation.stage):
            errors["stage"] = (
                f"The escalation has already reached the {Stage(escalation.stage).label.lower()} stage: "
                "it can only move to a later stage"
            )
        latest = escalation.current_stage
        _check_date(
            errors,
            "sent_on",
            sent_on,
            what="the date it was sent",
            today=today,
            not_before=[
                (escalation.raised_on, "the date the concern was raised"),
                (latest.sent_on if latest else None, "the date of the stage before"),
            ],
        )
        if not sent_to.strip():
            errors["sent_to"] = "Enter the name and role of the person it went to"
        _check_text(
            errors,
            "asked",
            asked,
            missing="Enter what you are asking them to do",
            what="What you are asking them to do",
            limit=NOTE_MAX_LENGTH,
        )
        if errors:
            raise ValidationError(errors)
        row = _add_stage(actor=actor, escalation=escalation, stage=stage, sent_to=sent_to, sent_on=sent_on, asked=asked)
        audit_record(actor=actor, action="escalation_stage_added", obj=escalation, stage=stage, stage_id=row.pk)
        return row


def escalation_stage_respond(
    *, actor: User, stage: EscalationStage, response: str, responded_on: date | None, today: date | None = None
) -> EscalationStage:
    """Record the response to the stage the escalation is at, once, while it is open. A stage the
    concern has moved on from is answered by the later stage's response."""
    today = today or timezone.localdate()
    with transaction.atomic():
        escalation = _lock(stage.escalation)
        _must_be_open(escalation)
        stage = EscalationStage.objects.select_for_update().get(pk=stage.pk)
        if stage.is_answered:
            raise ValidationError(
                f"The response to this stage was recorded on {uk_date(stage.responded_on)}: it cannot be changed."
            )
        if escalation.current_stage_id != stage.pk:
            raise ValidationError(
                f"The concern has moved on to the {escalation.get_stage_display().lower()} stage: record the "
                "response there."
            )
        errors: dict[str, str] = {}
        _check_date(
            errors,
            "responded_on",
            responded_on,
            what="the date of the response",
            today=today,
            not_before=[(stage.sent_on, "the date the stage was sent")],
        )
        _check_text(
            errors, "response", response, missing="Enter the response", what="The response", limit=NOTE_MAX_LENGTH
        )
        if errors:
            raise ValidationError(errors)
        stage.response, stage.responded_on = response.strip(), responded_on
        stage.response_recorded_by, stage.response_recorded_at = actor, timezone.now()
        stage.full_clean()
        stage.save(update_fields=["response", "responded_on", "response_recorded_by", "response_recorded_at"])
        audit_record(
            actor=actor,
            action="escalation_response_recorded",
            obj=escalation,
            stage=stage.stage,
            stage_id=stage.pk,
            late=stage.answered_late,
        )
        return stage


def _close(
    *, actor: User, escalation: Escalation, status: str, on: date | None, note: str, today: date | None
) -> Escalation:
    today = today or timezone.localdate()
    resolved = status == Escalation.Status.RESOLVED
    date_field, note_field = ("resolved_on", "outcome") if resolved else ("withdrawn_on", "reason")
    with transaction.atomic():
        escalation = _lock(escalation)
        _must_be_open(escalation)
        errors: dict[str, str] = {}
        latest = escalation.current_stage
        _check_date(
            errors,
            date_field,
            on,
            what=f"the date it was {'resolved' if resolved else 'withdrawn'}",
            today=today,
            not_before=[
                (escalation.raised_on, "the date the concern was raised"),
                (latest.sent_on if latest else None, "the date of its latest stage"),
            ],
        )
        _check_text(
            errors,
            note_field,
            note,
            missing="Enter the outcome" if resolved else "Enter why the escalation is being withdrawn",
            what="The outcome" if resolved else "The reason",
            limit=NOTE_MAX_LENGTH,
        )
        if errors:
            raise ValidationError(errors)
        change = EscalationStatusChange(
            escalation=escalation, status=status, changed_on=on, note=note.strip(), changed_by=actor
        )
        change.full_clean()
        change.save()
        escalation.status, escalation.closed_on = status, on
        escalation.save(update_fields=["status", "closed_on"])
        audit_record(actor=actor, action=f"escalation_{status}", obj=escalation)
        return escalation


def escalation_resolve(
    *, actor: User, escalation: Escalation, resolved_on: date | None, outcome: str, today: date | None = None
) -> Escalation:
    return _close(
        actor=actor,
        escalation=escalation,
        status=Escalation.Status.RESOLVED,
        on=resolved_on,
        note=outcome,
        today=today,
    )


def escalation_withdraw(
    *, actor: User, escalation: Escalation, withdrawn_on: date | None, reason: str, today: date | None = None
) -> Escalation:
    return _close(
        actor=actor,
        escalation=escalation,
        status=Escalation.Status.WITHDRAWN,
        on=withdrawn_on,
        note=reason,
        today=today,
    )


@dataclass(frozen=True)
class ImportedEscalation:
    """One checked row of an earlier escalation log (see escalations.importer)."""

    child: Child
    raised_on: date
    theme: str
    highest_stage: str
    resolved_on: date | None
    summary: str


IMPORTED_OUTCOME = "Resolved before the escalation log was imported into the service; no outcome was recorded."


def escalations_import(*, actor: User | None, rows: Iterable[ImportedEscalation], source_name: str) -> int:
    """Add escalations from an earlier log, all or none. The log records the highest stage reached
    but not the stages themselves, so none are made up: reports count the stage reached, and an
    open escalation can be taken further in the service from there."""
    rows = list(rows)
    with transaction.atomic():
        escalations = Escalation.objects.bulk_create(
            [
                Escalation(
                    child=row.child,
                    raised_on=row.raised_on,
                    theme=row.theme,
                    summary=row.summary,
                    source=Escalation.Source.IMPORTED,
                    stage=row.highest_stage,
                    status=Escalation.Status.RESOLVED if row.resolved_on else Escalation.Status.OPEN,
                    closed_on=row.resolved_on,
                )
                for row in rows
            ]
        )
        EscalationStatusChange.objects.bulk_create(
            [
                EscalationStatusChange(
                    escalation=escalation,
                    status=EscalationStatusChange.Status.RESOLVED,
                    changed_on=escalation.closed_on,
                    note=IMPORTED_OUTCOME,
                )
                for escalation in escalations
                if escalation.closed_on
            ]
        )
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    actor=actor,
                    action="escalation_imported",
                    object_type=Escalation._meta.label_lower,
                    object_id=escalation.pk,
                    detail={"file": source_name},
                )
                for escalation in escalations
            ]
        )
    return len(escalations)
