"""Statutory reviews: the one due next (held_on empty) and those held, with their due dates."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from children.models import Child
from core.calendar import add_working_days

# The seed, para 34: decisions out within 5 working days of the review, the full record within 15.
DECISIONS_WORKING_DAYS = 5
RECORD_WORKING_DAYS = 15
# Only reviews held this recently are chased for paperwork not sent: imported history, whose
# dates sent were often never recorded, is not.
DISTRIBUTION_LOOKBACK_DAYS = 90


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


class PermanencePlan(models.TextChoices):
    """The permanence plans a review considers (DOMAIN.md, "The review itself")."""

    RETURN_HOME = "return_home", "Return home"
    ADOPTION = "adoption", "Adoption"
    SPECIAL_GUARDIANSHIP = "special_guardianship", "Special guardianship"
    CHILD_ARRANGEMENTS = "child_arrangements", "Child arrangements order"
    LONG_TERM_FOSTERING = "long_term_fostering", "Long-term fostering"
    RESIDENTIAL_CARE = "residential_care", "Residential care"
    SUPPORTED_INDEPENDENCE = "supported_independence", "Supported independence"


class PermanenceProgress(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    DRIFTING = "drifting", "Drifting"


class PlanMeetsNeeds(models.TextChoices):
    YES = "yes", "Yes"
    IN_PART = "in_part", "In part"
    NO = "no", "No"


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
    late_reason_detail = models.CharField("why it was late", max_length=300, blank=True)
    spoke_alone = models.BooleanField("IRO spoke to the child alone before the review", null=True, blank=True)
    # Before the record had its own parts this was the one free-text "decisions" box; what was
    # written there is kept as the summary.
    summary = models.TextField("summary of the review", blank=True)
    decisions_sent_on = models.DateField("decisions sent out", null=True, blank=True)
    record_sent_on = models.DateField("full record sent out", null=True, blank=True)
    letter_sent_on = models.DateField("letter to the child sent", null=True, blank=True)

    # Preparing the review.
    advocate_offered = models.BooleanField("advocate offered to the child", null=True, blank=True)
    advocate_used = models.BooleanField("child used an advocate", null=True, blank=True)
    report_shared_on = models.DateField("social worker's report shared with the family", null=True, blank=True)

    # What the review considered (Care Planning Regulations 2010, schedule 7).
    wishes_and_feelings = models.TextField("the child's wishes and feelings", blank=True)
    care_plan = models.TextField("the care plan", blank=True)
    permanence_plan = models.CharField(max_length=30, choices=PermanencePlan.choices, blank=True)
    permanence_target_on = models.DateField("permanence target date", null=True, blank=True)
    permanence_progress = models.CharField(max_length=10, choices=PermanenceProgress.choices, blank=True)
    health_assessment_on = models.DateField("date of the last health assessment", null=True, blank=True)
    dental_check_on = models.DateField("date of the last dental check", null=True, blank=True)
    pep_on = models.DateField("date of the last personal education plan (PEP)", null=True, blank=True)
    pep_reviewed = models.BooleanField("PEP reviewed at the review", null=True, blank=True)
    family_time = models.TextField("family time and contact", blank=True)
    plan_meets_needs = models.CharField(
        "the plan meets the child's needs", max_length=10, choices=PlanMeetsNeeds.choices, blank=True
    )
    plan_meets_needs_why = models.TextField("why", blank=True)
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
            # A child's reviews due in a window (NI66, the review that decides it, the next one due).
            models.Index(fields=["child", "due_on"], name="review_child_due_on"),
            # The reviews held in a collection year, which most figures of the reports count.
            models.Index(fields=["held_on"], name="review_held_on"),
            # A child's reviews in their order on each clock, and the one before a review (whose
            # midway check the midway checks' figure looks for).
            models.Index(fields=["child", "period_start", "sequence"], name="review_clock_sequence"),
            # The few reviews of short-break arrangements, which the reports count apart.
            models.Index(fields=["due_on"], condition=Q(short_breaks=True), name="short_break_review"),
        ]

    def __str__(self) -> str:
        return f"{self.child} review {self.sequence} of period from {self.period_start:%d/%m/%Y}"

    @property
    def is_held(self) -> bool:
        return self.held_on is not None

    @property
    def held_late(self) -> bool:
        return self.held_on is not None and self.held_on > self.due_on

    @property
    def decisions_due_on(self) -> date | None:
        """The seed, para 34: the decisions go out within 5 working days of the review."""
        return self._working_days_after_held(DECISIONS_WORKING_DAYS)

    @property
    def record_due_on(self) -> date | None:
        """The full record within 15 working days."""
        return self._working_days_after_held(RECORD_WORKING_DAYS)

    def _working_days_after_held(self, days: int) -> date | None:
        return None if self.held_on is None else paperwork_due_on(self.held_on, days)

    def paperwork_late(self, *, today: date) -> tuple[bool, bool]:
        """Whether the decisions, and the full record, are late as judged on `today`: sent after the
        deadline, or (held recently) not sent and the deadline has passed."""
        if self.held_on is None:
            return False, False
        return paperwork_late_by_dates(self.held_on, self.decisions_sent_on, self.record_sent_on, today=today)


def paperwork_due_on(held_on: date, working_days: int) -> date:
    return add_working_days(held_on, working_days, nation=settings.BANK_HOLIDAY_NATION)


def paperwork_late_by_dates(
    held_on: date, decisions_sent_on: date | None, record_sent_on: date | None, *, today: date
) -> tuple[bool, bool]:
    """Whether the decisions (due 5 working days after the review), and the full record (15), of a
    review held on `held_on` are late as judged on `today`: sent after the deadline, or, held in the
    last 90 days, not sent and the deadline has passed. From the dates alone, so that the reports judge
    a year's reviews from one query's values."""

    def late(sent_on: date | None, days: int) -> bool:
        due_on = paperwork_due_on(held_on, days)
        if sent_on is not None:
            return sent_on > due_on
        return due_on < today and (today - held_on).days <= DISTRIBUTION_LOOKBACK_DAYS

    return late(decisions_sent_on, DECISIONS_WORKING_DAYS), late(record_sent_on, RECORD_WORKING_DAYS)


class Meeting(models.Model):
    """A review meeting booked for a date, and what became of it (held, cancelled or moved)."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        RESCHEDULED = "rescheduled", "Moved to another date"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIRTUAL = "virtual", "Virtual"
        HYBRID = "hybrid", "Hybrid (some in person, some online)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="meetings")
    planned_on = models.DateField("meeting date")
    starts_at = models.TimeField("start time", null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, blank=True)
    # A meeting booked after the review's due date: why the review is expected to be late.
    expected_late_reason = models.CharField(max_length=20, choices=LateReason.choices, blank=True)
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


# --- The review record ---


class PartyRole(models.TextChoices):
    """Who takes part in a review, gives views, or is responsible for an action."""

    CHILD = "child", "The child"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    HEALTH = "health", "Health"
    SCHOOL = "school", "School or virtual school"
    ADVOCATE = "advocate", "Advocate"
    INTERPRETER = "interpreter", "Interpreter"
    IRO = "iro", "IRO"
    OTHER = "other", "Other"


class ReviewParticipant(models.Model):
    """Someone invited to a review, or taking part in it (in person, by views or by a report)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=20, choices=PartyRole.choices)
    name = models.CharField(max_length=200)
    invited = models.BooleanField(default=False)
    attended = models.BooleanField(default=False)
    sent_views = models.BooleanField(default=False)
    sent_report = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class ReviewViews(models.Model):
    """Views gathered before a review: whose, how, when, and what they said."""

    class Method(models.TextChoices):
        FORM = "form", "Consultation form"
        APP = "app", "App"
        PHONE = "phone", "Phone call"
        IN_PERSON = "in_person", "In person"
        WRITTEN = "written", "Written"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="views_gathered")
    role = models.CharField("whose views", max_length=20, choices=PartyRole.choices)
    name = models.CharField(max_length=200, blank=True)
    method = models.CharField("how they were given", max_length=10, choices=Method.choices)
    gathered_on = models.DateField("date given")
    text = models.TextField("what they said")
    # Said for the IRO alone (a consultation's "only for the IRO" answer): shown to those who may see
    # the child, marked, and left out of the documents sent to others.
    only_for_iro = models.BooleanField("only for the IRO", default=False)

    class Meta:
        ordering = ["gathered_on", "pk"]
        verbose_name_plural = "review views"

    def __str__(self) -> str:
        return f"Views of {self.get_role_display()} on {self.gathered_on:%d/%m/%Y}"


class ReviewAction(models.Model):
    """A decision of a review, as an action: what, who is responsible, by when, and what became of
    it. Followed until its outcome is recorded, usually at the next review."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        NOT_DONE = "not_done", "Not done"
        NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField("what is to be done")
    responsible_role = models.CharField("who is responsible", max_length=20, choices=PartyRole.choices)
    responsible_name = models.CharField("their name", max_length=200, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="review_actions"
    )
    due_on = models.DateField("due by")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(blank=True)
    outcome_on = models.DateField("date of the outcome", null=True, blank=True)
    # The review at which the outcome was recorded, when it was recorded there.
    outcome_review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_followed_up"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            # An action is open exactly when it has no dated outcome.
            models.CheckConstraint(
                condition=Q(status="open", outcome_on__isnull=True) | (~Q(status="open") & Q(outcome_on__isnull=False)),
                name="review_action_outcome_iff_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(status="open"), name="review_action_open_due"),
        ]

    def __str__(self) -> str:
        return f"Action due {self.due_on:%d/%m/%Y} ({self.get_status_display()})"

    @property
    def responsible(self) -> str:
        who = self.responsible_user.get_full_name() if self.responsible_user_id else self.responsible_name
        return f"{who} ({self.get_responsible_role_display()})" if who else self.get_responsible_role_display()


class ReviewDraft(models.Model):
    """The record of a review being written, page by page: one per review, saved on every page so
    nothing typed is lost (across signing out too) until the review is recorded."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="draft")
    data = models.JSONField(default=dict)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Draft record of {self.review}"


# --- Between reviews ---


class CaseNote(models.Model):
    """A contact the IRO had about a child between reviews (the "IRO footprint" on the file)."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VISIT = "visit", "Visit to the placement"
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        EMAIL = "email", "Email or letter"
        MESSAGE = "message", "Text or app message"
        MEETING = "meeting", "Meeting (professionals or family)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="case_notes")
    contact_on = models.DateField("date of the contact")
    contact_with = models.CharField("contact with", max_length=20, choices=PartyRole.choices)
    contact_name = models.CharField("their name", max_length=200, blank=True)
    method = models.CharField("how", max_length=10, choices=Method.choices)
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contact_on", "-pk"]
        indexes = [models.Index(fields=["child", "contact_on"], name="case_note_child_contact_on")]

    def __str__(self) -> str:
        return f"Case note about {self.child} on {self.contact_on:%d/%m/%Y}"


class MidwayCheck(models.Model):
    """The IRO's check, halfway between a review held and the next one due, that the plan and the
    review's actions are on track. One for each interval between reviews, named by the review it
    follows (a review held is never deleted, so the check always has its interval)."""

    class OnTrack(models.TextChoices):
        YES = "yes", "Yes, all of them"
        SOME = "some", "Some of them"
        NO = "no", "No"
        NO_ACTIONS = "no_actions", "The review set no actions"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="midway_checks")
    after_review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="midway_checks")
    due_on = models.DateField("midway check due", help_text="Halfway from the review held to the next one due.")
    checked_on = models.DateField("date of the check")
    actions_on_track = models.CharField("are the review's actions on track?", max_length=10, choices=OnTrack.choices)
    concerns = models.TextField(blank=True)
    escalate = models.BooleanField("the concerns are to be escalated", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["after_review"], name="one_midway_check_per_interval"),
            models.CheckConstraint(
                condition=Q(escalate=False) | ~Q(concerns=""), name="midway_check_escalates_a_concern"
            ),
        ]

    def __str__(self) -> str:
        return f"Midway check for {self.child} on {self.checked_on:%d/%m/%Y}"
