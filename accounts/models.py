"""The people who use the service, their roles, and the audit log of every change."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.ethnicity import Ethnicity


class User(AbstractUser):
    class Role(models.TextChoices):
        IRO = "iro", "Independent Reviewing Officer"
        QA_MANAGER = "qa_manager", "QA manager"
        DIRECTOR = "director", "Director"
        ADMINISTRATOR = "administrator", "Administrator"

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.IRO)

    # What each role may do, in one place: views and templates ask these, never compare roles.
    # Which children an IRO may see is children.selectors.children_visible_to.

    @property
    def is_iro(self) -> bool:
        return self.role == self.Role.IRO

    @property
    def is_director(self) -> bool:
        return self.role == self.Role.DIRECTOR

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR

    @property
    def sees_every_child(self) -> bool:
        """QA managers: every child's record, every caseload, allocation, the 903 return."""
        return self.role == self.Role.QA_MANAGER

    @property
    def can_see_caseloads(self) -> bool:
        """IROs and QA managers: caseloads, and recording reviews and escalations for the children they see."""
        return self.role in (self.Role.IRO, self.Role.QA_MANAGER)

    @property
    def sees_service_figures(self) -> bool:
        """QA managers and the Director: the dashboard, annual report and escalation reports. The
        Director sees figures and LA child ids only, never a child's record."""
        return self.role in (self.Role.QA_MANAGER, self.Role.DIRECTOR)

    @property
    def sees_escalations(self) -> bool:
        """The escalation list: IROs (their children's), QA managers and the Director (all)."""
        return self.can_see_caseloads or self.is_director

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class StaffProfile(models.Model):
    """An IRO's employment details, for caseload-per-FTE and the staffing profile."""

    class Employment(models.TextChoices):
        PERMANENT = "permanent", "Permanent"
        SESSIONAL = "sessional", "Sessional"

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Another gender"
        NOT_STATED = "not_stated", "Prefers not to say"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    employment = models.CharField(max_length=10, choices=Employment.choices)
    fte = models.DecimalField(
        "FTE",
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(0.01), MaxValueValidator(1)],
        help_text="Full-time equivalent, from 0.01 to 1.00.",
    )
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.NOT_STATED)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(fte__gt=0, fte__lte=1), name="staff_fte_between_0_and_1"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_employment_display()}, {self.fte} FTE)"


class AuditEntry(models.Model):
    """Append-only record of who did what to which record, and when.

    Written by the services in the same transaction as the change itself; never updated."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]
        ordering = ["-at"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor} {self.action} {self.object_type} {self.object_id}"

    @property
    def children_listed(self) -> list[int]:
        """The ids of the children the entry names besides its object (accounts.audit.audit_record)."""
        return sorted(self.listed.values_list("child_id", flat=True))


class AuditListing(models.Model):
    """A child named by an audit entry besides its object (a list page or download that showed them,
    a cover of named children, a caseload moved), one row each: a child's audit finds those entries
    by an index, whatever the number of children an entry names (a national service's 903 return
    names 80,000, which, kept in the entry, each child's audit read whole). Append-only, as the
    entries are."""

    # No constraint in the database: the listings are written with their entry, by one function
    # (accounts.audit.audit_record), and neither is ever deleted; a constraint's check of each row at
    # commit would double the time a national 903 return's 80,000 take to write.
    entry = models.ForeignKey(
        AuditEntry, on_delete=models.DO_NOTHING, related_name="listed", db_index=False, db_constraint=False
    )
    # The child's id, not a key: the audit outlives what it names, as AuditEntry.object_id does.
    child_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["child_id", "entry"], name="audit_listing_child")]
        constraints = [models.UniqueConstraint(fields=["entry", "child_id"], name="audit_listing_once")]

    def __str__(self) -> str:
        return f"Child {self.child_id} listed by audit entry {self.entry_id}"


class Notification(models.Model):
    """One message to one user about a child, written by a sweep before anything is sent (the outbox).

    The unique key (kind, subject, deadline, recipient) is what makes sweeps safe to run any number
    of times, at once, from two beat processes: a second insert of the same key does nothing. Only
    rows with no `sent_at` are sent, each under a row lock, so two senders never send one twice."""

    class Kind(models.TextChoices):
        REVIEW_DUE_SOON = "review_due_soon", "Review due soon, no meeting booked"
        REVIEW_DUE_VERY_SOON = "review_due_very_soon", "Review due very soon, no meeting booked"
        REVIEW_OVERDUE = "review_overdue", "Review overdue"
        DECISIONS_LATE = "decisions_late", "Review decisions not sent out"
        RECORD_LATE = "record_late", "Review record not sent out"
        UNALLOCATED = "unallocated", "Child without an IRO"
        ESCALATION_STAGE_OVERDUE = "escalation_stage_overdue", "Escalation stage past its response date"
        ACTION_OVERDUE = "action_overdue", "Action from a review past its due date"
        MIDWAY_CHECK_DUE = "midway_check_due", "Midway check due between reviews"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    # The row the deadline belongs to ("review", 42): with kind, deadline and recipient, the key.
    subject_type = models.CharField(max_length=20)
    subject_id = models.BigIntegerField()
    deadline = models.DateField(help_text="The date the thing notified about was or is due.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "deadline", "recipient"],
                name="one_notification_per_kind_subject_deadline_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="notification_unsent"),
            models.Index(fields=["recipient", "done_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient} (deadline {self.deadline:%d/%m/%Y})"
