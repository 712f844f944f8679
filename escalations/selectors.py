"""Reads about escalations, and the one way a view reaches an escalation or one of its stages."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from accounts.models import User
from children.models import Child
from children.pages import InvolvementEvent
from children.selectors import children_visible_to
from core.links import link_for_each

from .codes import Stage
from .models import Escalation, EscalationStage, EscalationStatusChange

Status = Escalation.Status


def escalations_readable_by(user: User) -> QuerySet[Escalation]:
    """Those about a child the user may see; for the Director, those that reached the Director stage
    of the dispute resolution process (read only: the Director is not on the child's case)."""
    if user.is_director:
        return Escalation.objects.filter(stages__stage=Stage.DIRECTOR).distinct()
    return Escalation.objects.filter(child__in=children_visible_to(user))


def escalation_for_user(user: User, public_id) -> Escalation:
    """The escalation, or 404 for anyone who may not read it."""
    return get_object_or_404(
        escalations_readable_by(user).select_related("child", "raised_by", "current_stage", "review"),
        public_id=public_id,
    )


def stage_for_user(user: User, public_id) -> EscalationStage:
    """The stage, or 404 for anyone who may not see the child its escalation is about."""
    return get_object_or_404(
        EscalationStage.objects.filter(escalation__child__in=children_visible_to(user)).select_related(
            "escalation__child"
        ),
        public_id=public_id,
    )


def escalations_listed_for(user: User) -> QuerySet[Escalation]:
    """The escalations on the user's list: QA managers and the Director see them all (the Director
    by LA child id only); an IRO those about the children they may see."""
    if user.sees_service_figures:
        return Escalation.objects.all()
    if user.is_iro:
        return Escalation.objects.filter(child__in=children_visible_to(user))
    return Escalation.objects.none()


def waiting_past_deadline(today: date) -> Q:
    """Open, and the stage it is at has had no response by its respond-by date."""
    return Q(
        status=Status.OPEN,
        current_stage__responded_on__isnull=True,
        current_stage__respond_by__lt=today,
    )


# The list's status filter: each a condition on the escalation and the stage it is at.
STATUS_LABELS = {
    "open": "Open",
    "overdue": "Response overdue",
    "resolved": "Resolved",
    "withdrawn": "Withdrawn",
}


def status_conditions(today: date) -> dict[str, Q]:
    return {
        "open": Q(status=Status.OPEN),
        "overdue": waiting_past_deadline(today),
        "resolved": Q(status=Status.RESOLVED),
        "withdrawn": Q(status=Status.WITHDRAWN),
    }


def status_counts(escalations: QuerySet[Escalation], *, today: date) -> dict[str, int]:
    """How many of `escalations` are in each status of the list, and in all: one query."""
    conditions = status_conditions(today)
    return escalations.aggregate(
        total=Count("pk"), **{key: Count("pk", filter=condition) for key, condition in conditions.items()}
    )


def with_overdue(escalations: QuerySet[Escalation], *, today: date) -> QuerySet[Escalation]:
    """Adds `overdue`: waiting past the deadline of the stage it is at (see waiting_past_deadline)."""
    return escalations.annotate(
        overdue=Case(When(waiting_past_deadline(today), then=Value(True)), default=Value(False))
    )


def for_listing(escalations: QuerySet[Escalation], *, today: date) -> QuerySet[Escalation]:
    return with_overdue(escalations.select_related("child", "raised_by", "current_stage"), today=today).order_by(
        "-raised_on", "-pk"
    )


def iros_who_raised() -> QuerySet[User]:
    """Everyone who has raised an escalation, for the list's IRO filter (those who have left included)."""
    return User.objects.filter(escalations_raised__isnull=False).distinct().order_by("first_name", "last_name", "pk")


def child_page_escalations(child: Child, *, today: date) -> dict:
    """The escalations part of the overview of the child's record (children/pages.py): the child's
    escalations, newest first, each with `overdue`. One query."""
    return {"escalations": list(with_overdue(child.escalations.order_by("-raised_on", "-pk"), today=today))}


def child_history_escalations(child: Child, *, today: date) -> dict:
    """The escalations part of the history page of the child's record: each escalation raised, as an
    event of the timeline of the IRO's involvement. One query."""
    page = link_for_each("escalations:detail")
    events = [
        InvolvementEvent(
            "escalation",
            escalation.raised_on,
            f"Escalation raised: {escalation.get_theme_display().lower()}",
            details=[f"Stage reached: {escalation.get_stage_display().lower()}", escalation.get_status_display()],
            by=str(escalation.raised_by or ""),
            url=page(escalation.public_id),
        )
        for escalation in child.escalations.select_related("raised_by")
    ]
    return {"timeline": events}


# --- The escalation's own page: a timeline of everything that happened ----------------------------


@dataclass
class TimelineEvent:
    kind: str  # raised, stage, response, resolved, withdrawn, imported
    title: str
    on: date
    by: User | None = None
    recorded_at: datetime | None = None
    text: str = ""
    stage: EscalationStage | None = None
    details: list[str] = field(default_factory=list)

    @property
    def order(self) -> tuple:
        # Events of one day in the order they were recorded; a concern is raised before it is sent.
        rank = {"raised": 0, "imported": 0, "stage": 1, "response": 2, "resolved": 3, "withdrawn": 3}[self.kind]
        return (self.on, self.recorded_at or datetime.min.replace(tzinfo=UTC), rank)


def escalation_with_history(escalation: Escalation) -> Escalation:
    """The escalation with its stages (and who recorded them) and its closing: two more queries."""
    stages = EscalationStage.objects.select_related("recorded_by", "response_recorded_by").order_by("sent_on", "pk")
    changes = EscalationStatusChange.objects.select_related("changed_by")
    return (
        Escalation.objects.select_related("child", "raised_by", "current_stage", "review")
        .prefetch_related(Prefetch("stages", queryset=stages), Prefetch("status_changes", queryset=changes))
        .get(pk=escalation.pk)
    )


def timeline(escalation: Escalation) -> list[TimelineEvent]:
    """Everything that happened to the escalation, newest first (as the MOJ timeline shows it).
    Expects `escalation_with_history`."""
    events = []
    if escalation.source == Escalation.Source.IMPORTED:
        events.append(
            TimelineEvent(
                kind="imported",
                title="Raised (imported from an earlier escalation log)",
                on=escalation.raised_on,
                recorded_at=escalation.created_at,
                text=escalation.summary,
                details=[f"Highest stage reached before the import: {escalation.get_stage_display().lower()}"],
            )
        )
    else:
        events.append(
            TimelineEvent(
                kind="raised",
                title="Concern raised",
                on=escalation.raised_on,
                by=escalation.raised_by,
                recorded_at=escalation.created_at,
                text=escalation.summary,
                details=[f"Theme: {escalation.get_theme_display()}"]
                + ([f"From the review held on {escalation.review.held_on:%-d %B %Y}"] if escalation.review else []),
            )
        )
    for stage in escalation.stages.all():
        events.append(
            TimelineEvent(
                kind="stage",
                title=f"{stage.get_stage_display()}: sent to {stage.sent_to}",
                on=stage.sent_on,
                by=stage.recorded_by,
                recorded_at=stage.recorded_at,
                stage=stage,
                text=stage.asked,
                details=[
                    f"Response due by {stage.respond_by:%-d %B %Y} "
                    f"({stage.response_working_days} working day{'s' if stage.response_working_days != 1 else ''})"
                ],
            )
        )
        if stage.is_answered:
            events.append(
                TimelineEvent(
                    kind="response",
                    title=f"Response from {stage.sent_to}",
                    on=stage.responded_on,
                    by=stage.response_recorded_by,
                    recorded_at=stage.response_recorded_at,
                    text=stage.response,
                    stage=stage,
                )
            )
    for change in escalation.status_changes.all():
        events.append(
            TimelineEvent(
                kind=change.status,
                title=change.get_status_display(),
                on=change.changed_on,
                by=change.changed_by,
                recorded_at=change.recorded_at,
                text=change.note,
            )
        )
    return sorted(events, key=lambda e: e.order, reverse=True)
