"""The daily sweep of DRP deadlines. It only writes outbox rows (accounts.notifications); the
unique key of each row (kind, stage, respond-by date, recipient) makes it safe to run again."""

from datetime import date

from django.db.models import F

from accounts.models import Notification, User
from accounts.notifications import notify
from accounts.selectors import active_qa_managers
from children.selectors import current_iro_id

from .models import Escalation, EscalationStage


def stages_waiting_past_deadline(today: date):
    """The stage each open escalation is at, where the response was due before today and none is
    recorded, with the child and the child's current IRO (`iro_id`). A stage the concern has moved
    on from is not chased: the next stage is."""
    return (
        EscalationStage.objects.filter(
            responded_on__isnull=True,
            respond_by__lt=today,
            escalation__status=Escalation.Status.OPEN,
            escalation__current_stage=F("pk"),
        )
        .select_related("escalation__child")
        .annotate(iro_id=current_iro_id("escalation__child", day=today))
    )


def alert_stages_overdue(*, today: date) -> None:
    """The child's IRO and every QA manager hear of a stage past its respond-by date, once."""
    stages = list(stages_waiting_past_deadline(today))
    qa = active_qa_managers()
    iros = User.objects.in_bulk({s.iro_id for s in stages if s.iro_id})
    for stage in stages:
        notify(
            kind=Notification.Kind.ESCALATION_STAGE_OVERDUE,
            recipients=[*([iros[stage.iro_id]] if stage.iro_id else []), *qa],
            child=stage.escalation.child,
            subject_type="escalation_stage",
            subject_id=stage.pk,
            deadline=stage.respond_by,
        )
