"""Records over time: a child's record is kept to their 75th birthday (docs: DOMAIN), then a QA
manager approves its erasure. The erasure is recorded in the audit without any personal data."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from accounts.audit import audit_record
from accounts.models import User
from children.models import Child
from escalations.models import Escalation, EscalationStage, EscalationStatusChange

RETENTION_YEARS = 75


def retention_date(child: Child) -> date:
    return child.date_of_birth + relativedelta(years=RETENTION_YEARS)


def past_retention(*, today: date) -> QuerySet[Child]:
    """Children whose record is past its retention date (their 75th birthday) on `today`."""
    return Child.objects.filter(date_of_birth__lte=today - relativedelta(years=RETENTION_YEARS)).order_by(
        "date_of_birth", "la_child_id"
    )


@transaction.atomic
def records_erase(*, actor: User, children: list[Child], today: date) -> int:
    """Erases each child's whole record (episodes, allocations, reviews, escalations, notifications)
    once a QA manager approves it. One audit entry per child, holding only its row id: no name, no
    LA child id, no date of birth."""
    if not actor.sees_every_child:
        raise ValidationError("Only a QA manager approves the erasure of records.")
    eligible = set(past_retention(today=today).filter(pk__in=[c.pk for c in children]).values_list("pk", flat=True))
    if not children or len(eligible) != len({c.pk for c in children}):
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
