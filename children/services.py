"""Every write to children, their episodes and their IRO allocation.

One module, a little over 500 lines, on purpose: each write checks the episode sequence and the
allocation together under the child's lock, and they are read together when a rule is questioned."""

import copy
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import audit_record, changes
from accounts.models import User
from core.dates import uk_date
from core.periods import CONTINUES, SHORT_BREAK_LEGAL_STATUSES, STARTED_TO_BE_LOOKED_AFTER, periods_of_care

from .models import Child, ChildContact, Cover, Episode, IROAllocation, MissingEpisode
from .rules import episode_follows_breaks, missing_episode_breaks
from .signals import episodes_changed

# How far ahead a handover from one IRO to another may be planned.
HANDOVER_MAX_DAYS_AHEAD = 180


def lock_child(child: Child) -> Child:
    """Serialise writes about one child (two IROs saving at once must not both compute the schedule)."""
    return Child.objects.select_for_update().get(pk=child.pk)


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
    mother: str | None = None,
    first_child_born_on: date | None = None,
    preferred_name: str = "",
) -> Child:
    """A new child. `mother` (903 MOTHER, "1" or "0") must be given for a girl (DfE rule 393); it is
    blank for a boy, and for a girl only when she is looked after under short breaks alone, which is
    said by giving mother=""."""
    if mother is None:
        if sex == "F":
            raise ValidationError({"mother": "Say whether she is a mother: MOTHER 1 or 0 (DfE rule 393)."})
        mother = ""
    child = Child(
        la_child_id=la_child_id,
        upn=upn,
        mother=mother,
        first_child_born_on=first_child_born_on,
        first_name=first_name,
        last_name=last_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
    )
    child.full_clean()
    with transaction.atomic():
        child.save()
        audit_record(actor=actor, action="child_created", obj=child)
    return child


def episode_follows(
    last: Episode | None, episode: Episode, *, date_of_birth: date, reason_place_change: str = ""
) -> None:
    """Check that a new episode can follow `last` by the 903 rules (children/rules.py, which the import
    applies too) and, when it continues the period of care, end `last` that day with REC X1 and
    `reason_place_change`, why the placement changed. Pure (it changes `last` in memory only), so the
    demo data builder applies the same rules in bulk."""
    start_on = episode.start_on
    if start_on < date_of_birth:
        raise ValidationError({"start_on": "An episode cannot start before the child's date of birth."})
    if last is not None and start_on <= last.start_on:
        raise ValidationError(
            {"start_on": f"The new episode must start after the latest one, which began on {uk_date(last.start_on)}."}
        )
    # The period of care goes on from `last`: it is open, or (a history written in order) it ended
    # that day with X1.
    continues = last is not None and (
        last.end_on is None or (last.end_on == start_on and last.reason_ceased == CONTINUES)
    )
    if continues and episode.reason_new == STARTED_TO_BE_LOOKED_AFTER:
        raise ValidationError(
            {
                "reason_new": "The child is already looked after: end the current episode before starting a new "
                "period of care (RNE S)."
            }
        )
    if not continues and reason_place_change:
        # The reason is recorded on the episode the change ends: there is none open to end.
        raise ValidationError({"reason_place_change": "Only a placement change has a reason for it (DfE rule 226)."})
    previous = last
    if continues:
        previous = copy.copy(last)
        previous.end_on, previous.reason_ceased, previous.reason_place_change = start_on, CONTINUES, reason_place_change
    errors: dict[str, list[str]] = {}
    for _which, rule_break in episode_follows_breaks(previous, episode):
        errors.setdefault(rule_break.field, []).append(f"{rule_break.text}.")
    if errors:
        raise ValidationError(errors)
    if continues:
        last.end_on, last.reason_ceased, last.reason_place_change = start_on, CONTINUES, reason_place_change


def episode_start(
    *,
    actor: User | None,
    child: Child,
    start_on: date,
    reason_place_change: str = "",
    end_on: date | None = None,
    reason_ceased: str = "",
    **fields,
) -> Episode:
    """Add the child's next 903 episode. One that continues the period of care (RNE other than S)
    ends the open episode that day with REC X1, as the 903 return records it; for a placement
    change, `reason_place_change` says why the previous placement ended.

    An episode of the child's history that has ended already is given with `end_on` and
    `reason_ceased` (X1: the next episode, added next, starts that day), so that it is checked with
    the code lists of its own years: an episode open today must have today's codes."""
    with transaction.atomic():
        child = lock_child(child)
        last = child.episodes.order_by("-start_on").first()
        episode = Episode(child=child, start_on=start_on, end_on=end_on, reason_ceased=reason_ceased, **fields)
        before = None if last is None else (last.end_on, last.reason_ceased, last.reason_place_change)
        episode_follows(last, episode, date_of_birth=child.date_of_birth, reason_place_change=reason_place_change)
        if last is not None and (last.end_on, last.reason_ceased, last.reason_place_change) != before:
            last.full_clean()
            last.save(update_fields=["end_on", "reason_ceased", "reason_place_change"])
        episode.full_clean()
        episode.save()
        if end_on is not None and reason_ceased != CONTINUES and episode.legal_status not in SHORT_BREAK_LEGAL_STATUSES:
            # As episode_end: the period of care ended, and the IRO allocation with it.
            allocations_end(child, end_on)
        episodes_changed.send(sender=Episode, child=child)
        audit_record(actor=actor, action="episode_started", obj=episode)
        return episode


def episode_end(*, actor: User | None, episode: Episode, end_on: date, reason_ceased: str) -> Episode:
    """The child ceases to be looked after: the period of care ends, no further review falls due
    after that day (but for a short-break arrangement's), and the IRO allocation ends with it unless
    the episode was a short break."""
    if reason_ceased == CONTINUES:
        raise ValidationError({"reason_ceased": "X1 is set by starting the next episode, not by ending one."})
    with transaction.atomic():
        child = lock_child(episode.child)
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        if episode.end_on is not None:
            raise ValidationError("This episode has already ended.")
        if end_on < episode.start_on:
            raise ValidationError({"end_on": f"The episode cannot end before it began ({uk_date(episode.start_on)})."})
        episode.end_on, episode.reason_ceased = end_on, reason_ceased
        episode.full_clean()
        episode.save(update_fields=["end_on", "reason_ceased"])
        if episode.legal_status not in SHORT_BREAK_LEGAL_STATUSES:
            # After a short break the IRO stays allocated: the arrangement's reviews go on between breaks.
            allocations_end(child, end_on)
        episodes_changed.send(sender=Episode, child=child)
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
    """Make `iro` the child's IRO from `start_on`, which may be a later date (a planned handover):
    the allocation in force then ends that day, so the IROs' access changes on it
    (selectors.allocated_on). A handover planned earlier and not yet taken effect is replaced."""
    today = today or timezone.localdate()
    if not iro.is_iro or not iro.is_active:
        raise ValidationError({"iro": "Choose an active IRO."})
    if start_on > today + timedelta(days=HANDOVER_MAX_DAYS_AHEAD):
        raise ValidationError(
            {"start_on": f"The handover date must be within {HANDOVER_MAX_DAYS_AHEAD} days of today."}
        )
    with transaction.atomic():
        child = lock_child(child)
        replaced = list(child.allocations.filter(start_on__gt=today).values_list("iro", "start_on"))
        if replaced:
            child.allocations.filter(start_on__gt=today).delete()
            child.allocations.filter(end_on__gt=today).update(end_on=None)
        current = child.allocations.filter(end_on__isnull=True).first()
        if current is not None:
            if current.iro_id == iro.pk:
                raise ValidationError({"iro": f"{iro} is already this child's IRO."})
            if start_on < current.start_on:
                raise ValidationError(
                    {"start_on": f"The new IRO cannot start before the current one did ({uk_date(current.start_on)})."}
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
            **({"replaced_handover": [[i, d.isoformat()] for i, d in replaced]} if replaced else {}),
        )
        return allocation


def allocations_end(child: Child, on: date) -> None:
    """The child's IRO allocation ends with their care on `on`; a handover planned for later is
    dropped, as there is no one to hand over."""
    child.allocations.filter(start_on__gt=on).delete()
    child.allocations.filter(start_on__lte=on).filter(Q(end_on__isnull=True) | Q(end_on__gt=on)).update(end_on=on)


def _check_missing(missing: MissingEpisode, child: Child, *, today: date) -> None:
    """The DfE's rules on a missing episode within the child's record (children/rules.py)."""
    episodes = list(child.episodes.all())
    breaks = missing_episode_breaks(
        missing,
        date_of_birth=child.date_of_birth,
        episodes=episodes,
        periods=periods_of_care(episodes),
        others=list(child.missing_episodes.exclude(pk=missing.pk)),
        today=today,
    )
    errors: dict[str, list[str]] = {}
    for rule_break in breaks:
        errors.setdefault(rule_break.field, []).append(f"{rule_break.text}.")
    if errors:
        raise ValidationError(errors)


def missing_episode_record(
    *,
    actor: User | None,
    child: Child,
    kind: str,
    start_on: date,
    end_on: date | None = None,
    today: date | None = None,
) -> MissingEpisode:
    """Record a time the child was missing or away from placement without authorisation. It must
    fall within a period of care; the end may be left for when the child is back."""
    today = today or timezone.localdate()
    with transaction.atomic():
        child = lock_child(child)
        missing = MissingEpisode(child=child, kind=kind, start_on=start_on, end_on=end_on)
        missing.full_clean(exclude=["child"], validate_unique=False, validate_constraints=False)
        _check_missing(missing, child, today=today)
        missing.save()
        audit_record(actor=actor, action="missing_episode_recorded", obj=missing, kind=kind)
        return missing


def missing_episode_update(
    *,
    actor: User | None,
    missing: MissingEpisode,
    kind: str,
    start_on: date,
    end_on: date | None = None,
    today: date | None = None,
) -> MissingEpisode:
    """Correct a missing episode, or record the day the child came back."""
    today = today or timezone.localdate()
    with transaction.atomic():
        child = lock_child(missing.child)
        missing = MissingEpisode.objects.select_for_update().get(pk=missing.pk)
        changed = changes(missing, {"kind": kind, "start_on": start_on, "end_on": end_on})
        missing.kind, missing.start_on, missing.end_on = kind, start_on, end_on
        missing.full_clean(exclude=["child"], validate_unique=False, validate_constraints=False)
        _check_missing(missing, child, today=today)
        missing.save(update_fields=["kind", "start_on", "end_on"])
        audit_record(actor=actor, action="missing_episode_updated", obj=missing, **changed)
        return missing


@transaction.atomic
def cover_record(
    *,
    actor: User,
    iro: User,
    start_on: date,
    end_on: date,
    reason: str,
    covered_iro: User | None = None,
    children=(),
    note: str = "",
) -> Cover:
    """A QA manager records that `iro` covers `covered_iro`'s whole caseload, or the named children,
    from `start_on` to `end_on` inclusive: while it lasts, `iro` sees those children."""
    if not actor.sees_every_child:
        raise ValidationError("Only a QA manager records cover.")
    errors = {}
    children = list(children)
    if covered_iro is None and not children:
        errors["covered_iro"] = "Select the IRO whose caseload is covered, or name the children covered"
    elif covered_iro is not None and children:
        errors["covered_iro"] = "Cover either an IRO's whole caseload or named children, not both"
    elif covered_iro == iro:
        errors["covered_iro"] = "An IRO cannot cover their own caseload: select another IRO"
    if not iro.is_iro or not iro.is_active:
        errors["iro"] = "Select an active IRO to cover"
    if start_on and end_on and end_on < start_on:
        errors["end_on"] = f"The cover must end on or after the day it starts ({uk_date(start_on)})"
    if errors:
        raise ValidationError(errors)
    cover = Cover(
        iro=iro, covered_iro=covered_iro, start_on=start_on, end_on=end_on, reason=reason, note=note, created_by=actor
    )
    cover.full_clean()
    cover.save()
    cover.children.set(children)
    audit_record(
        actor=actor,
        action="cover_recorded",
        obj=cover,
        iro=iro.pk,
        covered_iro=covered_iro.pk if covered_iro else None,
        children=[c.pk for c in children],
        start_on=start_on.isoformat(),
        end_on=end_on.isoformat(),
    )
    return cover


def caseload_reallocate(
    *,
    actor: User,
    from_iro: User,
    moves: dict[Child, User],
    start_on: date,
    reason: str,
    note: str = "",
    today: date | None = None,
) -> list[IROAllocation]:
    """When an IRO leaves or is off long-term: a QA manager moves all or some of their children, each
    to an IRO of `moves`, from one handover date (a later date takes effect on it) with one note.
    All or nothing: one child refused refuses the move."""
    if not actor.sees_every_child:
        raise ValidationError("Only a QA manager reallocates a caseload.")
    if not moves:
        raise ValidationError({"moves": "Choose an IRO for at least one child"})
    if any(iro == from_iro for iro in moves.values()):
        raise ValidationError({"moves": f"Choose IROs other than {from_iro}"})
    with transaction.atomic():
        allocations = []
        for child, iro in moves.items():
            try:
                allocations.append(
                    allocation_change(
                        actor=actor, child=child, iro=iro, start_on=start_on, reason=reason, note=note, today=today
                    )
                )
            except ValidationError as error:
                field = "start_on" if hasattr(error, "error_dict") and "start_on" in error.error_dict else "moves"
                raise ValidationError({field: f"{child.full_name}: {' '.join(error.messages)}"}) from error
        audit_record(
            actor=actor,
            action="caseload_reallocated",
            obj=from_iro,
            children=[c.pk for c in moves],
            start_on=start_on.isoformat(),
        )
        return allocations


# The details about the child that the IRO and QA managers keep up to date (the 903 fields come from
# the return, and are not edited here).
CHILD_DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "pronouns",
    "first_language",
    "interpreter_needed",
    "disability",
    "religion",
)


def child_details_update(
    *,
    actor: User | None,
    child: Child,
    first_name: str,
    last_name: str,
    preferred_name: str = "",
    pronouns: str = "",
    first_language: str = "",
    interpreter_needed: bool = False,
    disability: str = "",
    religion: str = "",
) -> Child:
    """Change the child's name and the details that help them take part in their review."""
    new_values = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "preferred_name": preferred_name.strip(),
        "pronouns": pronouns.strip(),
        "first_language": first_language.strip(),
        "interpreter_needed": interpreter_needed,
        "disability": disability.strip(),
        "religion": religion.strip(),
    }
    with transaction.atomic():
        child = lock_child(child)
        changed = changes(child, new_values)
        for name, value in new_values.items():
            setattr(child, name, value)
        child.full_clean(validate_unique=False, validate_constraints=False)
        child.save(update_fields=list(CHILD_DETAIL_FIELDS))
        audit_record(actor=actor, action="child_details_updated", obj=child, **changed)
        return child


def contact_add(
    *, actor: User | None, child: Child, role: str, name: str, team: str = "", email: str = "", phone: str = ""
) -> ChildContact:
    """Record one of the people around the child (their social worker, a carer, their school...)."""
    contact = ChildContact(child=child, role=role, name=name.strip(), team=team.strip(), email=email, phone=phone)
    contact.full_clean()
    with transaction.atomic():
        lock_child(child)
        contact.save()
        audit_record(actor=actor, action="child_contact_added", obj=child, contact=contact.pk, role=role)
    return contact


def contact_update(
    *,
    actor: User | None,
    contact: ChildContact,
    role: str,
    name: str,
    team: str = "",
    email: str = "",
    phone: str = "",
) -> ChildContact:
    """Correct a person's details, or record a new social worker in their place."""
    new_values = {"role": role, "name": name.strip(), "team": team.strip(), "email": email, "phone": phone}
    with transaction.atomic():
        lock_child(contact.child)
        contact = ChildContact.objects.select_for_update().get(pk=contact.pk)
        changed = changes(contact, new_values)
        for field, value in new_values.items():
            setattr(contact, field, value)
        contact.full_clean(exclude=["child"])
        contact.save(update_fields=list(new_values))
        audit_record(actor=actor, action="child_contact_updated", obj=contact.child, contact=contact.pk, **changed)
        return contact


def contact_remove(*, actor: User | None, contact: ChildContact) -> Child:
    """Remove a person who no longer works with the child; the audit keeps who they were."""
    with transaction.atomic():
        child = lock_child(contact.child)
        was = {"role": contact.role, "name": contact.name, "team": contact.team}
        ChildContact.objects.filter(pk=contact.pk).delete()
        audit_record(actor=actor, action="child_contact_removed", obj=child, contact=contact.pk, old=was)
        return child


def sibling_change(*, actor: User | None, child: Child, la_child_id: str, link: bool) -> Child:
    """Link the child with a brother or sister, or undo the link. Brothers and sisters are a group,
    each linked to every other, so that a group is found from any of its children (the caseload, the
    allocation's suggested IRO): linking joins the two children's groups, and unlinking takes the
    child out of their group. Every child whose links change has an audit entry on their record."""
    la_child_id = la_child_id.strip()
    sibling = Child.objects.filter(la_child_id=la_child_id).first()
    if sibling is None:
        raise ValidationError({"la_child_id": f"No child has the LA child id {la_child_id}."})
    if sibling.pk == child.pk:
        raise ValidationError({"la_child_id": "That is this child's own LA child id."})
    with transaction.atomic():
        # Every member of both groups is locked (in one order, so two changes cannot deadlock): a
        # concurrent change to either group waits for this one instead of missing its new members.
        members = {child.pk, sibling.pk}
        members |= set(Child.siblings.through.objects.filter(from_child__in=members).values_list("to_child", flat=True))
        locked = {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=members).order_by("pk")}
        child, sibling = locked[child.pk], locked[sibling.pk]
        linked = child.siblings.filter(pk=sibling.pk).exists()
        if link == linked:
            state = "already" if linked else "not"
            raise ValidationError({"la_child_id": f"{la_child_id} is {state} linked as a sibling."})
        if link:
            ours = [child, *child.siblings.all()]
            theirs = [sibling, *sibling.siblings.all()]
            for one in ours:
                one.siblings.add(*theirs)  # symmetrical: each of theirs gains `one` too
            changed = {one: theirs for one in ours} | {one: ours for one in theirs}
        else:
            others = list(child.siblings.all())
            child.siblings.clear()
            changed = {child: others} | {one: [child] for one in others}
        for one, them in changed.items():
            audit_record(
                actor=actor,
                action="sibling_linked" if link else "sibling_unlinked",
                obj=one,
                siblings=sorted(c.pk for c in them),
            )
        return child
