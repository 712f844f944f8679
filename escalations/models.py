"""Escalations: an IRO's concerns about a child, taken up the dispute resolution process (DRP).

Nothing is overwritten. An escalation's stages and its closing are rows added one after another;
a stage's response is filled in once. The escalation row carries only the state those rows add up to
(`stage`, `current_stage`, `status`, `closed_on`), kept by the services so that lists and reports are
single indexed queries. Every change is in the audit log as well.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .codes import Stage, Theme


class Escalation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        RAISED = "raised", "Raised in the service"
        IMPORTED = "imported", "Imported from an earlier escalation log"

    # URLs carry this opaque id.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="escalations")
    review = models.ForeignKey(
        "reviews.Review",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalations",
        help_text="The review the concern came from, if it was raised from one.",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations_raised",
        help_text="Empty for escalations imported from an earlier log.",
    )
    raised_on = models.DateField("date raised")
    theme = models.CharField(max_length=20, choices=Theme.choices)
    summary = models.TextField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RAISED)

    # The state now, kept by the services from the rows below.
    stage = models.CharField("stage reached", max_length=20, choices=Stage.choices)
    current_stage = models.OneToOneField(
        "EscalationStage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The stage row the escalation is at; empty for an imported escalation not taken further.",
    )
    formal_by = models.DateField(
        "formal process due to end",
        null=True,
        blank=True,
        help_text="The working-day limit of the formal DRP, counted from its first stage.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("date resolved or withdrawn", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True) | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="escalation_closed_on_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("raised_on")),
                name="escalation_closed_after_raised",
            ),
            models.CheckConstraint(
                condition=Q(source="imported") | Q(raised_by__isnull=False),
                name="escalation_raised_by_someone_unless_imported",
            ),
        ]
        indexes = [
            models.Index(fields=["raised_on"], name="escalation_raised_on"),
            models.Index(fields=["closed_on"], name="escalation_closed_on"),
        ]

    def __str__(self) -> str:
        return f"Escalation about {self.child} raised on {self.raised_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class EscalationStage(models.Model):
    """One step up the DRP: who the concern went to, when, by when they were to respond, and the
    response. Added, never changed, except that the response is filled in once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="stages")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    sent_to = models.CharField("who it went to", max_length=200, help_text="Their name and role.")
    asked = models.TextField("what they were asked to do", blank=True)
    sent_on = models.DateField("date sent")
    respond_by = models.DateField("response due by")
    response_working_days = models.PositiveSmallIntegerField(
        help_text="The working days allowed for the response when the stage began (the setting may change later)."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    response = models.TextField(blank=True)
    responded_on = models.DateField("date of the response", null=True, blank=True)
    response_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_on", "pk"]
        constraints = [
            # Stages only go up, so each is reached at most once.
            models.UniqueConstraint(fields=["escalation", "stage"], name="escalation_stage_reached_once"),
            models.CheckConstraint(
                condition=Q(respond_by__gte=F("sent_on")), name="escalation_stage_respond_by_after_sent"
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True, response="", response_recorded_at__isnull=True)
                | (Q(responded_on__isnull=False, response_recorded_at__isnull=False) & ~Q(response="")),
                name="escalation_stage_response_complete",
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("sent_on")),
                name="escalation_stage_response_after_sent",
            ),
        ]
        indexes = [
            # "Which stages are waiting past their deadline" is one indexed query.
            models.Index(
                fields=["respond_by"], condition=Q(responded_on__isnull=True), name="escalation_stage_waiting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} stage sent on {self.sent_on:%d/%m/%Y}"

    @property
    def is_answered(self) -> bool:
        return self.responded_on is not None

    @property
    def answered_late(self) -> bool:
        return self.responded_on is not None and self.responded_on > self.respond_by


class EscalationStatusChange(models.Model):
    """An escalation resolved (with its outcome) or withdrawn (with the reason). Closing is final:
    a concern that comes back is a new escalation, so there is at most one of these per escalation."""

    class Status(models.TextChoices):
        RESOLVED = "resolved", "Resolved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(max_length=10, choices=Status.choices)
    changed_on = models.DateField()
    note = models.TextField(help_text="The outcome, or why the escalation was withdrawn.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["escalation"], name="escalation_closed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.changed_on:%d/%m/%Y}"


class DirectorReport(models.Model):
    """The Director's report for one two-month period, as built and sent. The unique period is what
    makes the report go out once: every run after the first finds it here. The figures are stored,
    so every Director is sent the same report however long the mail server keeps one waiting, and
    the service shows later what was sent."""

    period_start = models.DateField(unique=True)
    period_end = models.DateField()
    figures = models.JSONField()
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="director_report_period"),
        ]

    def __str__(self) -> str:
        return f"Director's report from {self.period_start:%d/%m/%Y}"


class DirectorReportDelivery(models.Model):
    """The report's email to one Director: sent like the notification outbox, under a row lock."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(DirectorReport, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "recipient"], name="one_director_report_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["report"], condition=Q(sent_at__isnull=True), name="director_report_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.report} to {self.recipient}"
