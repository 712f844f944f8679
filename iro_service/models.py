"""The people who use the service, their roles, and the audit log of every change."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from children.codes import Ethnicity


class User(AbstractUser):
    class Role(models.TextChoices):
        IRO = "iro", "Independent Reviewing Officer"
        QA_MANAGER = "qa_manager", "QA manager"
        DIRECTOR = "director", "Director"
        ADMINISTRATOR = "administrator", "Administrator"

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.IRO)

    @property
    def is_iro(self) -> bool:
        return self.role == self.Role.IRO

    @property
    def is_qa_manager(self) -> bool:
        return self.role == self.Role.QA_MANAGER

    @property
    def sees_every_child(self) -> bool:
        return self.role == self.Role.QA_MANAGER

    @property
    def can_see_caseloads(self) -> bool:
        return self.role in (self.Role.IRO, self.Role.QA_MANAGER)

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
