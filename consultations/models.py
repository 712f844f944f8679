"""Consultations before a review: a person asked for their views through a personal link, what they
answered, and the emails carrying the links (the consultations' own outbox)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from reviews.models import Review, ReviewViews


class Audience(models.TextChoices):
    """Who a consultation's questions are written for: the child by age band, or an adult."""

    CHILD_UNDER_8 = "child_under_8", "The child (under 8)"
    CHILD_8_TO_12 = "child_8_12", "The child (8 to 12)"
    CHILD_13_PLUS = "child_13_plus", "The child (13 or over)"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SOCIAL_WORKER = "social_worker", "Social worker"
    OTHER = "other", "Other"


CHILD_AUDIENCES = frozenset({Audience.CHILD_UNDER_8, Audience.CHILD_8_TO_12, Audience.CHILD_13_PLUS})


class Consultation(models.Model):
    """One person asked for their views before one review. The link they were sent is not kept here:
    only the hashes of the links sent (ConsultationEmail.token_hash) are stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="consultations")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    name = models.CharField("their name", max_length=200)
    email = models.EmailField("their email address")
    # What the public pages show: the child's first name and the date of the review, nothing more.
    first_name = models.CharField(max_length=100)
    review_on = models.DateField()
    # The links work until the end of this day.
    expires_on = models.DateField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Answers saved as the person goes, question by question, until they send them.
    answers = models.JSONField(default=dict, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The views on the review's record that the answers became.
    views = models.OneToOneField(ReviewViews, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["review_on"],
                condition=Q(answered_at__isnull=True, revoked_at__isnull=True),
                name="consultation_awaiting",
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation of {self.get_audience_display()} for {self.review}"

    @property
    def is_child(self) -> bool:
        return self.audience in CHILD_AUDIENCES

    @property
    def status(self) -> str:
        if self.answered_at:
            return "Answered"
        if self.revoked_at:
            return "Link revoked"
        return "Waiting for an answer"

    @property
    def is_active(self) -> bool:
        """Whether emails may still go to this person (see ConsultationEmail.recipient)."""
        return self.open_on(timezone.localdate())

    def open_on(self, day) -> bool:
        """Whether the person may still answer on this day."""
        return self.answered_at is None and self.revoked_at is None and day <= self.expires_on


class ConsultationEmail(models.Model):
    """An email carrying a consultation link (the first, a re-sent one, or the reminder), written
    before it is sent like the notification outbox's rows: the unique key (consultation, kind,
    number) makes a second send or sweep a no-op. The link's token is made when the email is sent and
    only its SHA-256 hash is stored; a re-sent link replaces the earlier ones (their hashes are
    cleared), a reminder's link works alongside the first."""

    class Kind(models.TextChoices):
        LINK = "link", "Link"
        REMINDER = "reminder", "Reminder"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(default=1)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "kind", "number"], name="one_consultation_email_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} of {self.consultation}"

    @property
    def recipient(self) -> "Consultation":
        """What accounts.notifications.send_pending asks of a row's recipient: an email address and
        whether it is active (a consultation still open)."""
        return self.consultation


class RateCount(models.Model):
    """Requests to the public pages counted per key (a hashed address or token) per minute."""

    key = models.CharField(max_length=80)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "minute"], name="one_rate_count_per_key_minute")]

    def __str__(self) -> str:
        return f"{self.count} requests at {self.minute:%H:%M}"
