"""The daily sweep of DRP deadlines. It only writes outbox rows (accounts.notifications); the
unique key of each row (kind, stage, respond-by date, recipient) makes it safe to run again."""

from datetime import date

from django.db.models import F

from accounts.models import Notification
from accounts.notifications import in_batches, notices, outbox_write
from accounts.selectors import active_qa_managers
from children.selectors import current_iro_id

from .models import Escalation, EscalationStage


def stages_waiting_past_deadline(today: date):
    """The stage each open escalation is at, where the response was due before today and none is
    recorded, with the child (`child_id`) and the child's current IRO (`iro_id`). A stage the
    concern has moved on from is not chased: the next stage is."""
    return EscalationStage.objects.filter(
        responded_on__isnull=True,
        respond_by__lt=today,
        escalation__status=Escalation.Status.OPEN,
        escalation__current_stage=F("pk"),
    ).annotate(child_id=F("escalation__child"), iro_id=current_iro_id("escalation__child", day=today))


def alert_stages_overdue(*, today: date) -> None:
    """The child's IRO and every QA manager hear of a stage past its respond-by date, once. The
    stages are read, and their rows written, a thousand at a time."""
    qa = [user.pk for user in active_qa_managers()]
    stages = stages_waiting_past_deadline(today).values_list("pk", "respond_by", "child_id", "iro_id")
    outbox_write(
        row
        for pk, respond_by, child_id, iro_id in in_batches(stages)
        for row in notices(
            kind=Notification.Kind.ESCALATION_STAGE_OVERDUE,
            recipient_ids=[*([iro_id] if iro_id else []), *qa],
            child_id=child_id,
            subject_type="escalation_stage",
            subject_id=pk,
            deadline=respond_by,
        )
    )
