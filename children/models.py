"""Children looked after, their SSDA903 episodes and the history of their IRO.

Longer than 500 lines because Django keeps an app's models in one module; each model's constraints
are written beside it, where the database rules they enforce are read."""

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import DatabaseError, connection, models
from django.db.models import F, Q
from django.utils import timezone

from core.collection_years import CollectionYear, years_between
from core.periods import ARRANGEMENT_END_LABELS, ArrangementEnd

from .codes import (
    LAST_YEAR,
    CategoryOfNeed,
    Ethnicity,
    LegalStatus,
    Placement,
    PlacementProvider,
    ReasonCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
    Sex,
    code_break,
    code_label,
    placement_list,
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
# A full UK postcode as the 903 wants it in HOME_POST and PL_POST (DfE rule 392c: the validator looks
# each one up in the national postcode list): upper case, the outward and inward codes one space apart.
POSTCODE_PATTERN = r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$"
postcode_validator = RegexValidator(
    POSTCODE_PATTERN, "Give the full postcode, such as SE1 2QH (903 HOME_POST / PL_POST, DfE rule 392c)."
)
# An Ofsted unique reference number: SC and 6 digits, or 7 digits; XXXXXXX where the DfE allows it for
# regional adoption agencies (DfE rule 242).
URN_PATTERN = r"^(SC[0-9]{6}|[0-9]{7}|XXXXXXX)$"
urn_validator = RegexValidator(
    URN_PATTERN, "An Ofsted URN is SC and 6 digits, or 7 digits (XXXXXXX for a regional adoption agency)."
)
phone_validator = RegexValidator(
    r"^\+?[0-9 ()-]{6,30}$", "Enter a phone number, like 01632 960 001 or +44 808 157 0192."
)
# Placements with no Ofsted URN in today's return (DfE rule 222); other years: codes.placement_list().
PLACEMENTS_WITHOUT_URN = placement_list("PLACEMENTS_WITHOUT_URN", LAST_YEAR)


def normalise_postcode(value: str) -> str:
    """A postcode in upper case with one space before its inward code (the last three characters)."""
    compact = "".join(value.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def postcode_district(value: str) -> str:
    """The district (outward code) of a postcode: SE1 of SE1 2QH."""
    return value.split(" ")[0] if value else ""


def mother_breaks(
    *, sex: str, date_of_birth: date | None, mother: str, first_child_born_on: date | None
) -> dict[str, str]:
    """What is wrong with MOTHER and MC_DOB for a child, by field (messages name the DfE rule)."""
    errors: dict[str, str] = {}
    if mother not in ("", "0", "1"):
        errors["mother"] = "MOTHER is 1 (the child is a mother) or 0 (not) (DfE rule 165)."
    elif mother and sex == "M":
        errors["mother"] = "MOTHER is left blank for a boy (DfE rule 165)."
    elif mother == "1" and first_child_born_on is None:
        errors["first_child_born_on"] = "Give the date of birth of her first child (DfE rule 611)."
    elif mother != "1" and first_child_born_on is not None:
        errors["first_child_born_on"] = (
            "The date of birth of a first child is given only for a child who is a mother "
            f"(DfE rule {'174' if sex == 'M' else '612'})."
        )
    elif first_child_born_on is not None and date_of_birth is not None:
        if first_child_born_on <= date_of_birth:
            errors["first_child_born_on"] = "Her first child's date of birth must be after her own (DfE rule 621)."
        elif first_child_born_on < date_of_birth + relativedelta(years=11):
            errors["first_child_born_on"] = (
                "A mother under 11 years of age cannot be recorded: check the dates of birth (DfE rule 620)."
            )
    return errors


class Child(models.Model):
    # URLs carry this opaque id, never the LA child id or a name.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    la_child_id = models.CharField("LA child id", max_length=10, unique=True, validators=[la_child_id_validator])
    upn = models.CharField("UPN", max_length=13, blank=True, validators=[upn_validator])
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(
        "preferred name", max_length=100, blank=True, help_text="The name the child likes to be called, if different."
    )
    pronouns = models.CharField(max_length=40, blank=True, help_text="For example, she/her, he/him or they/them.")
    first_language = models.CharField("first language", max_length=60, blank=True)
    interpreter_needed = models.BooleanField("needs an interpreter", default=False)
    disability = models.CharField(
        max_length=200, blank=True, help_text="Any disability, and what helps the child take part."
    )
    religion = models.CharField(max_length=60, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices)
    # 903 MOTHER: whether the child is a mother, 1 or 0; blank for boys (and girls looked after only
    # under short breaks, where the DfE allows it: rule 393). MC_DOB: her first child's date of birth.
    mother = models.CharField("is a mother (MOTHER)", max_length=1, choices=[("1", "Yes"), ("0", "No")], blank=True)
    first_child_born_on = models.DateField("date of birth of her first child (MC_DOB)", null=True, blank=True)
    # Brothers and sisters looked after too, so that one IRO can follow them together.
    siblings = models.ManyToManyField("self", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The due date of the review due next (the one not yet held on the latest clock), kept by
    # triggers on PostgreSQL (reviews migration 0010) whatever writes the reviews or the child, so
    # that a caseload of any size is read in its default order (due soonest first) from this index.
    # Read it through children.selectors.with_next_review, which on SQLite reads the reviews instead.
    next_review_due_on = models.DateField(null=True, editable=False)
    # What a caseload's row shows beside the review's status, kept by the same triggers from the
    # reviews, meetings, actions, missing episodes and midway checks (reviews migration 0010), so that
    # a caseload reads it with its rows: missing and not back yet; a review not yet held with a meeting
    # booked after its due date; the earliest due date of an open action (overdue once it is past); the
    # day the review last held was held, if it is on the clock of the review due next (the midway check
    # falls halfway from it), and whether a midway check is recorded after it. Read them through
    # children.selectors.with_caseload_details, which on SQLite reads the rows instead.
    missing_now = models.BooleanField(default=False, editable=False)
    meeting_booked_late = models.BooleanField(default=False, editable=False)
    first_open_action_due_on = models.DateField(null=True, editable=False)
    midway_from = models.DateField(null=True, editable=False)
    midway_checked = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name_plural = "children"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["next_review_due_on", "last_name"], name="child_next_review_due")]

    def __str__(self) -> str:
        return self.la_child_id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def display_name(self) -> str:
        """The full name, with the name the child prefers where it differs."""
        if self.preferred_name and self.preferred_name != self.first_name:
            return f"{self.full_name} ({self.preferred_name})"
        return self.full_name

    def age_on(self, day: date) -> int:
        return relativedelta(day, self.date_of_birth).years

    def clean(self):
        errors = mother_breaks(
            sex=self.sex,
            date_of_birth=self.date_of_birth,
            mother=self.mother,
            first_child_born_on=self.first_child_born_on,
        )
        if errors:
            raise ValidationError(errors)


@contextmanager
def kept_columns_put_off(*, every_child: bool = False) -> Iterator[set[int]]:
    """For a bulk write inside a transaction (an import, the demo's copy): within the block the
    triggers leave the children's kept columns (Child, above) alone, and at its end the children the
    block wrote are worked out once each, rather than again at each statement that touches their rows.
    Yields the set to which the block adds their ids; `every_child`: all of them. The setting is put
    back as it was after the block, or on an error (after a database error, by the rollback the
    transaction needs anyway). PostgreSQL only: elsewhere nothing is kept."""
    written: set[int] = set()
    if connection.vendor != "postgresql":
        yield written
        return
    assert connection.in_atomic_block, "SET LOCAL lasts only as long as a transaction"
    setting = "iro.children_kept_later"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true), set_config(%s, 'on', true)", [setting, setting])
        before = cursor.fetchone()[0] or "off"
    try:
        yield written
    except BaseException:
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [setting, before])
        raise
    with connection.cursor() as cursor:
        # Worked out while the setting is still on, so that the children's own row trigger does not
        # work them out a second time.
        if every_child:
            cursor.execute("SELECT children_kept_refresh(ARRAY(SELECT id FROM children_child))")
        elif written:
            cursor.execute("SELECT children_kept_refresh(%s::bigint[])", [sorted(written)])
        cursor.execute("SELECT set_config(%s, %s, true)", [setting, before])


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
        "home postcode (HOME_POST)", max_length=8, blank=True, validators=[postcode_validator]
    )
    placement_postcode = models.CharField(
        "placement postcode (PL_POST)", max_length=8, blank=True, validators=[postcode_validator]
    )
    urn = models.CharField("Ofsted URN", max_length=8, blank=True, validators=[urn_validator])

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
        # The reports leave out children on short breaks only: found from these few episodes. The
        # condition is written as equalities: PostgreSQL gives an IN list back in a form it then
        # parses differently, so an index made again from its definition (demo.replicate) would differ.
        indexes = [
            models.Index(
                fields=["child"],
                condition=Q(legal_status="V3") | Q(legal_status="V4"),  # core.periods.SHORT_BREAK_LEGAL_STATUSES
                name="short_break_episode",
            ),
            # The first episode on record, which opens the years the reports and returns offer.
            models.Index(fields=["start_on"], name="episode_start"),
        ]

    def __str__(self) -> str:
        return f"{self.child} episode from {self.start_on:%d/%m/%Y}"

    @property
    def meanings(self) -> dict[str, str]:
        """The meaning of each of the episode's codes, saying when a retired code was last used."""
        return {
            name: code_label(getattr(self, f"get_{name}_display")(), column, getattr(self, name))
            for name, column in EPISODE_CODED_FIELDS.items()
        }

    def clean(self):
        # A missing URN (DfE rule 218) is refused by the import and listed by the export for someone
        # to put right: an episode can be recorded before the provider's URN is to hand.
        errors = episode_year_breaks(self, today=timezone.localdate(), urn_required=False)
        # DfE rule 214: a short break's placement has no postcode or URN in the return.
        if self.legal_status in ("V3", "V4"):
            errors |= {
                name: f"A short break (legal status {self.legal_status}) has no {label} (DfE rule 214)."
                for name, label in (("placement_postcode", "placement postcode"), ("urn", "Ofsted URN"))
                if getattr(self, name)
            }
        if errors:
            raise ValidationError(errors)


# An episode's coded 903 fields. How an episode ended shows only in the return of the year it ended.
EPISODE_CODED_FIELDS = {
    "reason_new": "RNE",
    "legal_status": "LS",
    "category_of_need": "CIN",
    "placement": "PLACE",
    "placement_provider": "PLACE_PROVIDER",
    "reason_ceased": "REC",
    "reason_place_change": "REASON_PLACE_CHANGE",
}
_ENDING_FIELDS = ("reason_ceased", "reason_place_change")


def episode_year_breaks(episode, *, today: date, urn_required: bool = True) -> dict[str, str]:
    """What is wrong with an episode's codes, placement provider and Ofsted URN by the rules of each
    collection year whose return holds it (every year it overlaps, to today's if it is open), by
    field. `urn_required`: a missing URN is wrong too (DfE rule 218). The episode service and the
    903 import both check episodes with it."""
    if episode.start_on is None:
        return {}
    years = years_between(episode.start_on, episode.end_on or today)
    ended_in = [CollectionYear.containing(episode.end_on).year] if episode.end_on else []
    errors: dict[str, str] = {}
    for name, column in EPISODE_CODED_FIELDS.items():
        message = code_break(column, getattr(episode, name), ended_in if name in _ENDING_FIELDS else years)
        if message:
            errors[name] = f"{message}."
    if errors:
        return errors
    placement, provider = episode.placement, episode.placement_provider
    # DfE rule 178: a provider for every placement except those the year's rule lists.
    without = [y for y in years if placement in placement_list("PLACEMENTS_WITHOUT_PROVIDER", y)]
    if placement and provider and len(without) == len(years):
        errors["placement_provider"] = f"Placement {placement} has no placement provider (DfE rule 178)."
    elif placement and not provider and len(without) < len(years):
        errors["placement_provider"] = f"Select the placement provider for placement {placement} (DfE rule 178)."
    if episode.legal_status not in ("V3", "V4"):
        message = urn_break(
            placement=placement,
            urn=episode.urn,
            end_on=episode.end_on,
            placement_postcode=episode.placement_postcode,
            required=urn_required,
            years=years,
        )
        if message:
            errors["urn"] = message
    return errors


# Episodes that ended before 1 April 2015 need no URN (DfE rule 218).
URN_REQUIRED_FROM = date(2015, 3, 31)


# Postcode areas wholly in Scotland, Wales or Northern Ireland: placements there have no Ofsted URN
# (DfE rules 218 and 243, where the validator derives PL_LA SCO, WAL or NIR from PL_POST).
OUTSIDE_ENGLAND_AREAS = frozenset(
    [
        "AB",
        "DD",
        "DG",
        "EH",
        "FK",
        "G",
        "HS",
        "IV",
        "KA",
        "KW",
        "KY",
        "ML",
        "PA",
        "PH",
        "TD",
        "ZE",
        "CF",
        "LD",
        "LL",
        "NP",
        "SA",
        "BT",
    ]
)


def outside_england(postcode: str) -> bool:
    area = postcode[:2].rstrip("0123456789")
    return area in OUTSIDE_ENGLAND_AREAS


def urn_break(
    *,
    placement: str,
    urn: str,
    end_on: date | None,
    placement_postcode: str = "",
    required: bool = True,
    years: Iterable[int] = (LAST_YEAR,),
) -> str:
    """Why an episode's (not a short break's) Ofsted URN is wrong for its placement in the returns of
    `years`, or "". `required`: a missing URN is wrong too (DfE rule 218)."""
    years = list(years)
    if placement_postcode and outside_england(placement_postcode):
        return "A placement outside England has no Ofsted URN (DfE rule 243)." if urn else ""
    if all(placement in placement_list("PLACEMENTS_WITHOUT_URN", y) for y in years):
        if urn and urn != "XXXXXXX":
            return f"Placement {placement} has no Ofsted URN (DfE rule 222)."
        return ""
    # Years without rule 242 allow XXXXXXX for any placement.
    raa_lists = [placement_list("PLACEMENTS_WITH_RAA_URN", y) for y in years]
    if urn == "XXXXXXX" and any(codes is not None and placement not in codes for codes in raa_lists):
        return "URN XXXXXXX is only for a regional adoption agency's placements (DfE rule 242)."
    needed = any(
        placement not in placement_list("PLACEMENTS_URN_NOT_REQUIRED", y)
        for y in years
        if CollectionYear(y).end > URN_REQUIRED_FROM
    )
    if required and needed and not urn and placement and (end_on is None or end_on > URN_REQUIRED_FROM):
        return f"Give the Ofsted URN of placement {placement} (DfE rule 218)."
    return ""


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

    def in_force_on(self, day) -> bool:
        """children.selectors.allocated_on for one allocation already read (tests hold the two equal)."""
        return self.start_on <= day and (self.end_on is None or self.end_on > day)


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


# --- Short breaks ---------------------------------------------------------------------------------


class ShortBreakAgreement(models.Model):
    """A date the QA manager or the IRO recorded about a child's short-break agreement: the day it
    ended, or the day it began before the first break the service knows of. The arrangements are
    derived from the episodes and these dates (core.periods.short_break_arrangements)."""

    class Kind(models.TextChoices):
        STARTED = "started", "The agreement began"
        ENDED = "ended", "The agreement ended"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="short_break_agreements")
    kind = models.CharField(max_length=7, choices=Kind.choices)
    on = models.DateField("date")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="short_break_agreements_recorded"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["child", "kind", "on"], name="one_short_break_agreement_date_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.child}: {self.get_kind_display().lower()} on {self.on:%d/%m/%Y}"


class ShortBreakArrangement(models.Model):
    """A series of short breaks as one arrangement, as the scheduler derives it from the episodes and
    the agreement dates: stored, like the due dates, by reviews.schedule_services.review_schedule_refresh, so
    that lists and sweeps find the children in one query."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="short_break_arrangements")
    start_on = models.DateField("began")
    end_on = models.DateField("ended", null=True, blank=True)
    ended_by = models.CharField(
        max_length=14, choices=[(e.value, ARRANGEMENT_END_LABELS[e]) for e in ArrangementEnd], blank=True
    )
    lapses_on = models.DateField("ends if no break starts by", null=True, blank=True)
    breaks = models.PositiveSmallIntegerField("short breaks")

    class Meta:
        ordering = ["start_on"]
        constraints = [
            models.UniqueConstraint(fields=["child", "start_on"], name="one_short_break_arrangement_per_start"),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")), name="arrangement_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["lapses_on"], condition=Q(end_on__isnull=True), name="open_arrangement_lapse")]

    def __str__(self) -> str:
        return f"{self.child}: short breaks from {self.start_on:%d/%m/%Y}"


class Cover(models.Model):
    """An IRO covering for another IRO's whole caseload, or for named children, from one date to
    another (leave, sickness): while it lasts, the covering IRO sees those children."""

    class Reason(models.TextChoices):
        LEAVE = "leave", "Annual leave"
        SICKNESS = "sickness", "Sickness"
        VACANCY = "vacancy", "Vacancy"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="covers")
    covered_iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covered_by",
        help_text="The IRO whose whole caseload is covered (leave empty to cover named children).",
    )
    children = models.ManyToManyField(Child, blank=True, related_name="covers")
    start_on = models.DateField("cover from")
    end_on = models.DateField("cover until")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__gte=F("start_on")), name="cover_ends_after_start"),
            models.CheckConstraint(condition=~Q(iro=F("covered_iro")), name="cover_not_for_oneself"),
        ]
        indexes = [models.Index(fields=["iro", "end_on"], name="cover_by_iro")]

    def __str__(self) -> str:
        whom = self.covered_iro or "named children"
        return f"{self.iro} covering {whom} {self.start_on:%d/%m/%Y}-{self.end_on:%d/%m/%Y}"


class ChildContact(models.Model):
    """One of the people around the child whom the IRO consults before a review: their social
    worker and team manager, carers, placement provider, school, virtual school and advocate."""

    class Role(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        TEAM_MANAGER = "team_manager", "Team manager"
        CARER = "carer", "Carer"
        PLACEMENT_PROVIDER = "placement_provider", "Placement provider"
        SCHOOL = "school", "School contact"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual school contact"
        ADVOCATE = "advocate", "Advocate"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(max_length=20, choices=Role.choices)
    name = models.CharField(max_length=100)
    team = models.CharField("team or organisation", max_length=100, blank=True)
    email = models.EmailField("email address", max_length=254, blank=True)
    phone = models.CharField("phone number", max_length=30, blank=True, validators=[phone_validator])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"
