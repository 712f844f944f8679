"""Records over time: a child's record is kept to their 75th birthday, or 15 years after their death
if they died before 18 (docs: DOMAIN), then a QA manager approves its erasure. The erasure is
recorded in the audit without any personal data."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery

from accounts.audit import audit_record
from accounts.models import User
from children.codes import ReasonCeased
from children.models import Child, Episode
from escalations.models import Escalation, EscalationStage, EscalationStatusChange

RETENTION_YEARS = 75
# A child who died before 18: their record is kept 15 years after their death instead.
AFTER_DEATH_YEARS = 15
ADULT_AT = 18


def _died_on():
    """The day the child died, from their episodes: the one that ended with REC E2 ("died")."""
    return Subquery(
        Episode.objects.filter(child=OuterRef("pk"), reason_ceased=ReasonCeased.E2, end_on__isnull=False)
        .order_by("end_on")
        .values("end_on")[:1]
    )


def retention_date(child: Child) -> date:
    """The child's 75th birthday, or 15 years after their death if they died before 18 (DOMAIN)."""
    died_on = (
        child.died_on
        if hasattr(child, "died_on")
        else Child.objects.filter(pk=child.pk).values_list(_died_on(), flat=True).first()
    )
    if died_on is not None and died_on < child.date_of_birth + relativedelta(years=ADULT_AT):
        return died_on + relativedelta(years=AFTER_DEATH_YEARS)
    return child.date_of_birth + relativedelta(years=RETENTION_YEARS)


def past_retention(*, today: date) -> list[Child]:
    """Children whose record is past its retention date on `today`, oldest first. The database finds
    those who could be (75 or more today, or dead for 15 years or more); the rule is checked on those
    few here, the same on PostgreSQL and SQLite."""
    candidates = Child.objects.annotate(died_on=_died_on()).filter(
        Q(date_of_birth__lte=today - relativedelta(years=RETENTION_YEARS))
        | Q(died_on__lte=today - relativedelta(years=AFTER_DEATH_YEARS))
    )
    return sorted(
        (child for child in candidates if retention_date(child) <= today),
        key=lambda child: (child.date_of_birth, child.la_child_id),
    )


@transaction.atomic
def records_erase(*, actor: User, children: list[Child], today: date) -> int:
    """Erases each child's whole record (episodes, allocations, reviews, escalations, notifications)
    once a QA manager approves it. One audit entry per child, holding only its row id: no name, no
    LA child id, no date of birth."""
    if not actor.sees_every_child:
        raise ValidationError("Only a QA manager approves the erasure of records.")
    chosen = {c.pk for c in children}
    eligible = {child.pk for child in past_retention(today=today) if child.pk in chosen}
    if not children or len(eligible) != len(chosen):
        raise ValidationError({"children": "Select only records past their retention date"})
    for child_id in sorted(eligible):
        # Escalations protect their rows from deletion one by one (the dispute resolution history
        # must not vanish by accident); erasure removes them deliberately, newest rows first.
        escalations = Escalation.objects.filter(child_id=child_id)
        escalations.update(current_stage=None)
        EscalationStatusChange.objects.filter(escalation__in=escalations).delete()
        EscalationStage.objects.filter(escalation__in=escalations).delete()
        escalations.delete()
        Child.objects.filter(pk=child_id).delete()
        audit_record(actor=actor, action="record_erased", obj=Child(pk=child_id), reason="retention period ended")
    return len(eligible)
