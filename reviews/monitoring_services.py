"""Every write about the IRO's monitoring between reviews: case notes and midway checks."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from children.models import Child
from core.dates import uk_date

from .models import CaseNote, MidwayCheck
from .monitoring_selectors import midway_interval
from .services import lock_child


def case_note_record(
    *,
    actor: User,
    child: Child,
    contact_on: date,
    contact_with: str,
    method: str,
    summary: str,
    contact_name: str = "",
    today: date | None = None,
) -> CaseNote:
    """Record a contact the IRO had about the child."""
    today = today or timezone.localdate()
    if contact_on > today:
        raise ValidationError({"contact_on": "The date of the contact cannot be in the future."})
    if contact_on < child.date_of_birth:
        raise ValidationError(
            {
                "contact_on": "The date of the contact cannot be before the child was born "
                f"({uk_date(child.date_of_birth)})."
            }
        )
    with transaction.atomic():
        note = CaseNote(
            child=child,
            contact_on=contact_on,
            contact_with=contact_with,
            contact_name=contact_name.strip(),
            method=method,
            summary=summary.strip(),
            recorded_by=actor,
        )
        note.full_clean()
        note.save()
        audit_record(actor=actor, action="case_note_recorded", obj=note)
        return note


def midway_check_record(
    *,
    actor: User,
    child: Child,
    checked_on: date,
    actions_on_track: str,
    concerns: str = "",
    escalate: bool = False,
    today: date | None = None,
) -> MidwayCheck:
    """Record the midway check of the interval the child is in now: since the review last held in
    their current period of care, before the next one due. One check for each interval."""
    today = today or timezone.localdate()
    concerns = concerns.strip()
    with transaction.atomic():
        child = lock_child(child)
        interval = midway_interval(child)
        if interval is None:
            raise ValidationError(
                "No midway check is due: a midway check falls between a review held and the next review due "
                "in the same period of care."
            )
        errors: dict[str, str] = {}
        if interval.check is not None:
            raise ValidationError(
                f"The midway check after the review held on {uk_date(interval.last_held_on)} was recorded on "
                f"{uk_date(interval.check.checked_on)}."
            )
        if checked_on > today:
            errors["checked_on"] = "The date of the check cannot be in the future."
        elif checked_on < interval.last_held_on:
            errors["checked_on"] = (
                "The date of the check cannot be before the review it follows, held on "
                f"{uk_date(interval.last_held_on)}."
            )
        if not concerns and (escalate or actions_on_track in (MidwayCheck.OnTrack.SOME, MidwayCheck.OnTrack.NO)):
            errors["concerns"] = (
                "Describe the concerns to be escalated."
                if escalate
                else "Describe the concerns: which actions are not on track, and why."
            )
        if errors:
            raise ValidationError(errors)
        check = MidwayCheck(
            child=child,
            after_review_id=interval.last_held_id,
            due_on=interval.due_on,
            checked_on=checked_on,
            actions_on_track=actions_on_track,
            concerns=concerns,
            escalate=escalate,
            recorded_by=actor,
        )
        check.full_clean()
        check.save()
        audit_record(actor=actor, action="midway_check_recorded", obj=check, escalate=escalate)
        return check
