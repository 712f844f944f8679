"""Every write to children, their episodes and their IRO allocation."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service.audit import audit_record
from iro_service.models import User
from reviews.services import lock_child, review_schedule_refresh

from .models import Child, Episode, IROAllocation
from .periods import CONTINUES, STARTED_TO_BE_LOOKED_AFTER


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def child_create(
    *,
    actor: User | None,
    la_child_id: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    sex: str,
    ethnicity: str,
    upn: str = "",
) -> Child:
    child = Child(
        la_child_id=la_child_id,
        upn=upn,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
    )
    child.full_clean()
    with transaction.atomic():
        child.save()
        audit_record(actor=actor, action="child_created", obj=child)
    return child


def episode_start(*, actor: User | None, child: Child, start_on: date, **fields) -> Episode:
    """Add the child's next 903 episode. A new episode other than RNE S continues the period of care:
    the open episode ends that day with REC X1, as the 903 return records it."""
    with transaction.atomic():
        child = lock_child(child)
        if start_on < child.date_of_birth:
            raise ValidationError({"start_on": "An episode cannot start before the child's date of birth."})
        last = child.episodes.order_by("-start_on").first()
        if last is not None and start_on <= last.start_on:
            raise ValidationError(
                {"start_on": f"The new episode must start after the latest one, which began on {_d(last.start_on)}."}
            )
        opening = fields.get("reason_new") == STARTED_TO_BE_LOOKED_AFTER
        if last is not None and last.end_on is None:
            if opening:
                raise ValidationError(
                    {
                        "reason_new": "The child is already looked after: end the current episode before starting "
                        "a new period of care (RNE S)."
                    }
                )
            last.end_on, last.reason_ceased = start_on, CONTINUES
            last.full_clean()
            last.save(update_fields=["end_on", "reason_ceased"])
        elif not opening:
            raise ValidationError(
                {
                    "reason_new": "The child is not looked after now, so a new episode must start a period of care "
                    "(RNE S)."
                }
            )
        episode = Episode(child=child, start_on=start_on, **fields)
        episode.full_clean()
        episode.save()
        review_schedule_refresh(child=child)
        audit_record(actor=actor, action="episode_started", obj=episode)
        return episode


def episode_end(*, actor: User | None, episode: Episode, end_on: date, reason_ceased: str) -> Episode:
    """The child ceases to be looked after: the period of care ends, no further review falls due
    after that day, and the IRO allocation ends with it."""
    if reason_ceased == CONTINUES:
        raise ValidationError({"reason_ceased": "X1 is set by starting the next episode, not by ending one."})
    with transaction.atomic():
        child = lock_child(episode.child)
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        if episode.end_on is not None:
            raise ValidationError("This episode has already ended.")
        if end_on < episode.start_on:
            raise ValidationError({"end_on": f"The episode cannot end before it began ({_d(episode.start_on)})."})
        episode.end_on, episode.reason_ceased = end_on, reason_ceased
        episode.full_clean()
        episode.save(update_fields=["end_on", "reason_ceased"])
        IROAllocation.objects.filter(child=child, end_on__isnull=True, start_on__lte=end_on).update(end_on=end_on)
        review_schedule_refresh(child=child)
        audit_record(actor=actor, action="episode_ended", obj=episode, reason_ceased=reason_ceased)
        return episode


def allocation_change(
    *,
    actor: User | None,
    child: Child,
    iro: User,
    start_on: date,
    reason: str,
    note: str = "",
    today: date | None = None,
) -> IROAllocation:
    """Make `iro` the child's IRO from `start_on`; the current allocation ends that day."""
    today = today or timezone.localdate()
    if not iro.is_iro or not iro.is_active:
        raise ValidationError({"iro": "Choose an active IRO."})
    if start_on > today:
        raise ValidationError({"start_on": "The allocation date cannot be in the future."})
    with transaction.atomic():
        child = lock_child(child)
        current = child.allocations.filter(end_on__isnull=True).first()
        if current is not None:
            if current.iro_id == iro.pk:
                raise ValidationError({"iro": f"{iro} is already this child's IRO."})
            if start_on < current.start_on:
                raise ValidationError(
                    {"start_on": f"The new IRO cannot start before the current one did ({_d(current.start_on)})."}
                )
            current.end_on = start_on
            current.save(update_fields=["end_on"])
        allocation = IROAllocation(child=child, iro=iro, start_on=start_on, reason=reason, note=note)
        allocation.full_clean()
        allocation.save()
        audit_record(
            actor=actor,
            action="iro_allocated",
            obj=allocation,
            previous_iro=current.iro_id if current else None,
            iro=iro.pk,
            reason=reason,
        )
        return allocation
