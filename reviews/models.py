"""Statutory reviews: the one due next (held_on empty) and those held, with their due dates."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from children.models import Child


class ParticipationCode(models.TextChoices):
    """SSDA903 REVIEW_CODE: how the child took part in the review."""

    PN0 = "PN0", "PN0: child under 4 at the date of the review"
    PN1 = "PN1", "PN1: attends and speaks for themselves"
    PN2 = "PN2", "PN2: attends; an advocate or the IRO conveys their views"
    PN3 = "PN3", "PN3: attends and conveys views non-verbally or by symbols"
    PN4 = "PN4", "PN4: attends but does not contribute"
    PN5 = "PN5", "PN5: does not attend; briefs an advocate or the IRO"
    PN6 = "PN6", "PN6: does not attend; conveys views another way (written, phone, app, video)"
    PN7 = "PN7", "PN7: does not attend and no views are conveyed"


# Codes that count as the child contributing to the review (indicator C63).
CONTRIBUTING_CODES = frozenset({"PN1", "PN2", "PN3", "PN5", "PN6"})


class LateReason(models.TextChoices):
    IRO = "iro", "IRO error or sickness"
    LATE_CLA_STATUS = "late_cla_status", "Late input of looked-after status"
    SOCIAL_WORKER = "social_worker", "Social worker unavailable"
    OTHER = "other", "Other"


class Review(models.Model):
    """A statutory review in a child's period of care.

    While `held_on` is empty the row is the review due next in that period, so "what is overdue" is
    one indexed query on `due_on`. The due date, its policy and explanation are stored: the services
    recompute them whenever the episodes or the dates held change."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="reviews")
    period_start = models.DateField(help_text="Start of the period of care the review belongs to.")
    sequence = models.PositiveSmallIntegerField(help_text="1 for the first review of the period of care.")
    due_on = models.DateField(db_index=True)
    policy = models.CharField(max_length=20)
    due_explanation = models.CharField(max_length=200)
    # Due on a short-break arrangement's clock rather than a period of care's: such reviews are left
    # out of NI66, C63 and the 903 return (DfE rule 399) and counted apart.
    short_breaks = models.BooleanField(default=False)

    held_on = models.DateField("date held", null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="chaired_reviews"
    )
    participation = models.CharField(max_length=3, choices=ParticipationCode.choices, blank=True)
    late_reason = models.CharField(max_length=20, choices=LateReason.choices, blank=True)
    spoke_alone = models.BooleanField("IRO spoke to the child alone before the review", null=True, blank=True)
    decisions = models.TextField(blank=True)
    decisions_sent_on = models.DateField("decisions sent out", null=True, blank=True)
    record_sent_on = models.DateField("full record sent out", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_start", "sequence"]
        constraints = [
            # One review waiting to be held per period of care.
            models.UniqueConstraint(
                fields=["child", "period_start"], condition=Q(held_on__isnull=True), name="one_review_due_per_period"
            ),
            models.UniqueConstraint(
                fields=["child", "held_on"], condition=Q(held_on__isnull=False), name="one_review_per_child_per_day"
            ),
            # A held review always has a participation code (DfE rule 167); one not yet held has none.
            models.CheckConstraint(
                condition=Q(held_on__isnull=True, participation="", late_reason="")
                | (Q(held_on__isnull=False) & ~Q(participation="")),
                name="review_participation_iff_held",
            ),
            models.CheckConstraint(
                condition=Q(decisions_sent_on__isnull=True) | Q(decisions_sent_on__gte=models.F("held_on")),
                name="review_decisions_sent_after_held",
            ),
            models.CheckConstraint(
                condition=Q(record_sent_on__isnull=True) | Q(record_sent_on__gte=models.F("held_on")),
                name="review_record_sent_after_held",
            ),
        ]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(held_on__isnull=True), name="review_due_not_held"),
        ]

    def __str__(self) -> str:
        return f"{self.child} review {self.sequence} of period from {self.period_start:%d/%m/%Y}"

    @property
    def is_held(self) -> bool:
        return self.held_on is not None

    @property
    def held_late(self) -> bool:
        return self.held_on is not None and self.held_on > self.due_on


class Meeting(models.Model):
    """A review meeting booked for a date, and what became of it (held, cancelled or moved)."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        RESCHEDULED = "rescheduled", "Moved to another date"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="meetings")
    planned_on = models.DateField("meeting date")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    reason = models.TextField("reason for cancelling or moving", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=Q(status="booked"), name="one_booked_meeting_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting on {self.planned_on:%d/%m/%Y} ({self.get_status_display()})"
