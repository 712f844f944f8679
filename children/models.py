"""Children looked after, their SSDA903 episodes and the history of their IRO."""

import uuid
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from .codes import (
    PLACEMENTS_WITHOUT_PROVIDER,
    CategoryOfNeed,
    Ethnicity,
    LegalStatus,
    Placement,
    PlacementProvider,
    ReasonCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
    Sex,
)

# The 903 CHILD field: the LA's own identifier, up to 10 characters.
la_child_id_validator = RegexValidator(
    r"^[A-Za-z0-9]{1,10}$", "The LA child id must be 1 to 10 letters or digits (903 field CHILD)."
)
# A unique pupil number: a letter other than I, O or S, 11 digits and a digit or check letter;
# or UN1 to UN5 when it is not known (DfE rule 168).
upn_validator = RegexValidator(
    r"^(?![IOS])[A-Z](\d{12}|\d{11}[A-Z])$|^UN[1-5]$",
    "The UPN must be a letter (not I, O or S) followed by 11 digits and a digit or letter, "
    "or UN1 to UN5 if not known (DfE rule 168).",
)
postcode_district_validator = RegexValidator(
    r"^[A-Z]{1,2}[0-9][0-9A-Z]?( [0-9])?$",
    "Give the postcode district and sector only, such as SE1 2 or SE1 (903 HOME_POST / PL_POST).",
)


class Child(models.Model):
    # URLs carry this opaque id, never the LA child id or a name.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    la_child_id = models.CharField("LA child id", max_length=10, unique=True, validators=[la_child_id_validator])
    upn = models.CharField("UPN", max_length=13, blank=True, validators=[upn_validator])
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "children"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.la_child_id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        return relativedelta(day, self.date_of_birth).years


class Episode(models.Model):
    """One SSDA903 episode: a stretch of care with one legal status and one placement."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episodes")
    start_on = models.DateField("date episode started (DECOM)")
    reason_new = models.CharField("reason for new episode (RNE)", max_length=1, choices=ReasonNewEpisode.choices)
    legal_status = models.CharField("legal status (LS)", max_length=2, choices=LegalStatus.choices)
    category_of_need = models.CharField("category of need (CIN)", max_length=2, choices=CategoryOfNeed.choices)
    placement = models.CharField("placement type (PLACE)", max_length=3, choices=Placement.choices)
    placement_provider = models.CharField(
        "placement provider (PLACE_PROVIDER)", max_length=3, choices=PlacementProvider.choices, blank=True
    )
    end_on = models.DateField("date episode ceased (DEC)", null=True, blank=True)
    reason_ceased = models.CharField(
        "reason episode ceased (REC)", max_length=3, choices=ReasonCeased.choices, blank=True
    )
    reason_place_change = models.CharField(
        "reason for placement change (REASON_PLACE_CHANGE)",
        max_length=6,
        choices=ReasonPlaceChange.choices,
        blank=True,
    )
    home_postcode = models.CharField(
        "home postcode (HOME_POST)", max_length=8, blank=True, validators=[postcode_district_validator]
    )
    placement_postcode = models.CharField(
        "placement postcode (PL_POST)", max_length=8, blank=True, validators=[postcode_district_validator]
    )
    urn = models.CharField("Ofsted URN", max_length=7, blank=True)

    class Meta:
        ordering = ["start_on"]
        constraints = [
            models.UniqueConstraint(fields=["child", "start_on"], name="one_episode_per_child_per_start"),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")), name="episode_ends_after_start"
            ),
            # An episode has a reason ceased exactly when it has ended (DfE rules 141/142 pairing).
            models.CheckConstraint(
                condition=Q(end_on__isnull=True, reason_ceased="") | (Q(end_on__isnull=False) & ~Q(reason_ceased="")),
                name="episode_reason_ceased_iff_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} episode from {self.start_on:%d/%m/%Y}"

    def clean(self):
        # DfE rule 178: a provider for every placement except temporary moves and "other" placements.
        if self.placement in PLACEMENTS_WITHOUT_PROVIDER and self.placement_provider:
            raise ValidationError(
                {"placement_provider": f"Placement {self.placement} has no placement provider (DfE rule 178)."}
            )
        if self.placement and self.placement not in PLACEMENTS_WITHOUT_PROVIDER and not self.placement_provider:
            raise ValidationError(
                {"placement_provider": f"Select the placement provider for placement {self.placement} (DfE rule 178)."}
            )
        # DfE rule 214: a short break's placement has no postcode or URN in the return.
        if self.legal_status in ("V3", "V4"):
            errors = {
                name: f"A short break (legal status {self.legal_status}) has no {label} (DfE rule 214)."
                for name, label in (("placement_postcode", "placement postcode"), ("urn", "Ofsted URN"))
                if getattr(self, name)
            }
            if errors:
                raise ValidationError(errors)


class IROAllocation(models.Model):
    """Who was the child's IRO, from when to when, and why it changed."""

    class Reason(models.TextChoices):
        NEW_TO_CARE = "new_to_care", "Child became looked after"
        CASELOAD = "caseload", "Caseload balancing"
        IRO_LEFT = "iro_left", "IRO left the service or is absent"
        CONFLICT = "conflict", "Conflict of interest"
        CHILD_REQUEST = "child_request", "The child asked for a different IRO"
        CONTINUITY = "continuity", "Continuity with a sibling or previous IRO"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocations")
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations")
    start_on = models.DateField("allocated from")
    end_on = models.DateField("allocated until", null=True, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["start_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(end_on__isnull=True), name="one_current_iro_per_child"
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")), name="allocation_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["iro"], condition=Q(end_on__isnull=True), name="current_allocation_by_iro")]

    def __str__(self) -> str:
        return f"{self.child}: {self.iro} from {self.start_on:%d/%m/%Y}"


class MissingEpisode(models.Model):
    """A time the child was missing, or away from placement without authorisation (903 table Missing)."""

    class Kind(models.TextChoices):
        MISSING = "M", "Missing"
        AWAY = "A", "Away from placement without authorisation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="missing_episodes")
    kind = models.CharField("missing or away (MISSING)", max_length=1, choices=Kind.choices)
    start_on = models.DateField("date the child went missing or away (MIS_START)")
    end_on = models.DateField("date the child came back (MIS_END)", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_on"]
        constraints = [
            # One a day: two cannot overlap (DfE rule 574), and the import finds each again by its start.
            models.UniqueConstraint(fields=["child", "start_on"], name="one_missing_episode_per_child_per_start"),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")), name="missing_episode_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.get_kind_display().lower()} from {self.start_on:%d/%m/%Y}"
