"""The indicators the IRO service is judged by, each computed in SQL, exactly as docs/domain.md defines
them ("Indicators the service is judged by"). The QA dashboard and the annual report both call these
functions and nothing else for their figures, so the two can never disagree.

Every figure is for a `Window`: a whole collection year (1 April to 31 March, named by the year it
ends: 2014 is 2013-14) or the year to date. Children whose every episode in the window is a short
break (legal status V3/V4) are left out of every figure (`counted`). Each function costs a fixed
number of queries, whatever the number of children.

One module, longer than most here, on purpose: it is the catalogue of every figure, each a short
SQL function, read together against docs/domain.md when a definition is questioned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThan

from accounts.models import StaffProfile, User
from children.models import Child, Episode, IROAllocation, MissingEpisode
from children.selectors import DueStatus, caseload_counts_by_iro, looked_after_on
from core.collection_years import CollectionYear
from core.periods import SHORT_BREAK_LEGAL_STATUSES
from escalations.codes import Stage, Theme
from escalations.models import Escalation
from escalations.selectors import waiting_past_deadline
from reviews.models import (
    CONTRIBUTING_CODES,
    LateReason,
    MidwayCheck,
    ParticipationCode,
    PartyRole,
    PermanenceProgress,
    Review,
    ReviewAction,
    ReviewViews,
    paperwork_late_by_dates,
)

from .models import ServiceBudget

# --- Collection years and windows -------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The days a figure counts: reviews held, reviews due, escalations raised and missing episodes
    that started from `start` to `end` (both included); children looked after on `end`.

    A review due in the window and not held is late from `overdue_from` on: the day after the year
    ends for a whole year ("not held by 31 March is late"), today for the year to date (a review due
    today and not yet held is not late yet)."""

    start: date
    end: date
    overdue_from: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"the window ends ({self.end}) before it starts ({self.start})")


def year_window(year: CollectionYear, today: date | None = None) -> Window:
    """The whole collection year or, while it is not over, the year to `today`."""
    if today is not None and today < year.start:
        raise ValueError(f"{year.label} has not begun on {today}")
    if today is None or year.is_complete(today):
        return Window(year.start, year.end, year.end + timedelta(days=1))
    return Window(year.start, today, today)


# --- Ratios -----------------------------------------------------------------------------------------

ONE_PLACE = Decimal("0.1")


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a percentage to one decimal place, halves rounded up (None for 0/0)."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)


# --- Who is counted ---------------------------------------------------------------------------------


def short_breaks_only_children(window: Window) -> QuerySet:
    """The ids of the children who had episodes in the window and every one of them a short break
    (legal status V3/V4)."""
    in_window = Episode.objects.filter(start_on__lte=window.end).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=window.start)
    )
    # From the few short-break episodes (their own partial index), each child's other episodes
    # probed by the index on the child: a NOT IN over every other episode in the window would read
    # the whole episodes table twice, in every query that counts.
    others = in_window.exclude(legal_status__in=SHORT_BREAK_LEGAL_STATUSES).filter(child=OuterRef("child"))
    return in_window.filter(legal_status__in=SHORT_BREAK_LEGAL_STATUSES).exclude(Exists(others)).values("child")


def short_breaks_only(window: Window, child: str = "pk") -> Q:
    """The child (`child` is the lookup leading to the child from the query's rows: "pk", "child",
    "review__child") had episodes in the window and every one of them was a short break."""
    # One set of ids, not a subquery per row: PostgreSQL hashes it once, so the cost stays linear in
    # the number of rows however many children there are.
    return Q(**{f"{child}__in": short_breaks_only_children(window)})


def counted(window: Window, child: str = "pk") -> Q:
    """The children every figure counts: all but those on short breaks only in the window."""
    return ~short_breaks_only(window, child)


def counted_children(window: Window) -> QuerySet[Child]:
    return Child.objects.filter(counted(window))


# --- Reviews ----------------------------------------------------------------------------------------


def _chaired_by(reviews: QuerySet[Review], chair: User | None) -> QuerySet[Review]:
    # One IRO's own figures (as discussed in supervision) count only the reviews they chaired.
    return reviews if chair is None else reviews.filter(chair=chair)


def reviews_held(window: Window, chair: User | None = None) -> QuerySet[Review]:
    """Reviews whose date held falls in the window (not those of short-break arrangements: see
    `short_break_reviews`); with `chair`, only those that IRO chaired."""
    held = Review.objects.filter(held_on__gte=window.start, held_on__lte=window.end, short_breaks=False).filter(
        counted(window, "child")
    )
    return _chaired_by(held, chair)


def late_reviews(window: Window) -> QuerySet[Review]:
    """Reviews held in the window after their due date."""
    return reviews_held(window).filter(held_on__gt=F("due_on"))


def late_paperwork(window: Window, chair: User | None = None) -> dict[str, list[int]]:
    """The reviews held in the window whose decisions (5 working days) or full record (15) went out
    late, or, held in the last 90 days, are late and not out yet, judged on the window's last day:
    review ids by document. Working days follow the bank holidays, so this is worked out here over one
    query's dates rather than in SQL."""
    late: dict[str, list[int]] = {"decisions": [], "record": []}
    # The dates, not model instances: a national service holds more than 100,000 reviews a year.
    dates = reviews_held(window, chair).values_list("pk", "held_on", "decisions_sent_on", "record_sent_on")
    for pk, held_on, decisions_sent_on, record_sent_on in dates:
        decisions, record = paperwork_late_by_dates(
            held_on, decisions_sent_on, record_sent_on, today=window.overdue_from
        )
        if decisions:
            late["decisions"].append(pk)
        if record:
            late["record"].append(pk)
    return late


NOT_RECORDED = "not_recorded"
LATE_REASONS: dict[str, str] = {**dict(LateReason.choices), NOT_RECORDED: "Not recorded"}


def late_reviews_by_reason(window: Window) -> dict[str, int]:
    """Late reviews by reason, every reason present (zero if none), with "not recorded" for reviews
    with no reason (imported, or recorded before reasons were asked for). One query."""
    counts = late_reviews(window).aggregate(
        **{reason: Count("pk", filter=Q(late_reason=reason)) for reason in LateReason.values},
        **{NOT_RECORDED: Count("pk", filter=Q(late_reason=""))},
    )
    return {reason: counts[reason] for reason in LATE_REASONS}


PARTICIPATION_CODES: tuple[str, ...] = tuple(ParticipationCode.values)


def participation(window: Window) -> dict[str, int]:
    """Reviews held in the window by participation code PN0-PN7, and their `total`. One query."""
    counts = reviews_held(window).aggregate(
        total=Count("pk"), **{code: Count("pk", filter=Q(participation=code)) for code in PARTICIPATION_CODES}
    )
    return {**{code: counts[code] for code in PARTICIPATION_CODES}, "total": counts["total"]}


def reviews_due(window: Window, chair: User | None = None) -> QuerySet[Review]:
    """Reviews due in the window, held or not (a review not held is the row waiting in its period), not
    those of short-break arrangements; with `chair`, only those that IRO chaired (a review not held
    has no chair yet, so an IRO's own NI66 counts the reviews they held)."""
    due = Review.objects.filter(due_on__gte=window.start, due_on__lte=window.end, short_breaks=False).filter(
        counted(window, "child")
    )
    return _chaired_by(due, chair)


def late_q(window: Window) -> Q:
    """A review due in the window that was not held on or before its due date: held after it, or
    not held and past its due date when the window is judged."""
    return Q(held_on__gt=F("due_on")) | Q(held_on__isnull=True, due_on__lt=window.overdue_from)


def _by_child(reviews: QuerySet[Review], fails: Q) -> QuerySet:
    """(child, failed) rows: each child with a review among `reviews`, and how many of those fail.
    Grouped in one pass over the reviews, so a figure and its list cost the same per child at any
    size (not a subquery per child)."""
    return reviews.order_by().values("child").annotate(failed=Count("pk", filter=fails))


def _every_review_ratio(by_child: QuerySet) -> Ratio:
    """Of the children in `by_child`, those none of whose reviews failed."""
    counts = by_child.aggregate(denominator=Count("child"), numerator=Count("child", filter=Q(failed=0)))
    return Ratio(counts["numerator"], counts["denominator"])


def _every_review_conditions(by_child: QuerySet) -> tuple[Q, Q]:
    """For a query of children: those the figure counts, and those in its numerator."""
    return Q(pk__in=by_child.values("child")), Q(pk__in=by_child.filter(failed=0).values("child"))


def _ni66_by_child(window: Window, chair: User | None = None) -> QuerySet:
    return _by_child(reviews_due(window, chair), late_q(window))


def ni66(window: Window, chair: User | None = None) -> Ratio:
    """NI66, reviews in timescale (counts children): of the children with at least one review due in
    the window, those for whom every review due in the window was held on or before its due date.
    With `chair`, counted over the reviews that IRO chaired."""
    return _every_review_ratio(_ni66_by_child(window, chair))


def ni66_children(window: Window) -> QuerySet[Child]:
    """The children NI66 counts, each with `in_time` (in the numerator) and the review that decides
    it (`review_due_on`, `review_held_on`): the latest not held in time, else the latest due."""
    denominator, numerator = _every_review_conditions(_ni66_by_child(window))
    deciding = (
        reviews_due(window)
        .filter(child=OuterRef("pk"))
        .annotate(late=Case(When(late_q(window), then=Value(1)), default=Value(0)))
        .order_by("-late", "-due_on")
    )
    return Child.objects.filter(denominator).annotate(
        in_time=Case(When(numerator, then=Value(True)), default=Value(False)),
        review_due_on=Subquery(deciding.values("due_on")[:1]),
        review_held_on=Subquery(deciding.values("held_on")[:1]),
    )


AGED_4_OR_OVER_CODES = tuple(code for code in PARTICIPATION_CODES if code != "PN0")
NOT_CONTRIBUTING_CODES = tuple(code for code in AGED_4_OR_OVER_CODES if code not in CONTRIBUTING_CODES)


def _c63_by_child(window: Window, chair: User | None = None) -> QuerySet:
    coded = reviews_held(window, chair).filter(participation__in=AGED_4_OR_OVER_CODES)
    return _by_child(coded, Q(participation__in=NOT_CONTRIBUTING_CODES))


def c63(window: Window, chair: User | None = None) -> Ratio:
    """C63, participation (counts children): of the children with at least one review held in the
    window coded PN1-PN7, those whose every such review was coded PN1, PN2, PN3, PN5 or PN6. With
    `chair`, counted over the reviews that IRO chaired."""
    return _every_review_ratio(_c63_by_child(window, chair))


def c63_children(window: Window) -> QuerySet[Child]:
    """The children C63 counts, each with `contributed` (in the numerator) and the review that
    decides it (`review_due_on`, `review_held_on`, `review_code`): the latest coded as not
    contributing, else the last held."""
    denominator, numerator = _every_review_conditions(_c63_by_child(window))
    deciding = (
        reviews_held(window)
        .filter(child=OuterRef("pk"), participation__in=AGED_4_OR_OVER_CODES)
        .annotate(missed=Case(When(participation__in=NOT_CONTRIBUTING_CODES, then=Value(1)), default=Value(0)))
        .order_by("-missed", "-held_on")
    )
    return Child.objects.filter(denominator).annotate(
        contributed=Case(When(numerator, then=Value(True)), default=Value(False)),
        review_due_on=Subquery(deciding.values("due_on")[:1]),
        review_held_on=Subquery(deciding.values("held_on")[:1]),
        review_code=Subquery(deciding.values("participation")[:1]),
    )


# --- Children looked after, missing ------------------------------------------------------------------


def looked_after(window: Window) -> QuerySet[Child]:
    """Children looked after on the window's last day (31 March for a whole year): an episode that
    started on or before it and had not ended before it."""
    return Child.objects.filter(looked_after_on(window.end)).filter(counted(window))


def missing_episodes(window: Window) -> QuerySet[MissingEpisode]:
    """Missing and away-without-authorisation episodes that started in the window."""
    return MissingEpisode.objects.filter(start_on__gte=window.start, start_on__lte=window.end).filter(
        counted(window, "child")
    )


def missing(window: Window) -> dict[str, int]:
    """The episodes, and the young people they concern. One query."""
    return missing_episodes(window).aggregate(episodes=Count("pk"), young_people=Count("child", distinct=True))


# --- Escalations ------------------------------------------------------------------------------------


def escalations_raised(window: Window) -> QuerySet[Escalation]:
    return Escalation.objects.filter(raised_on__gte=window.start, raised_on__lte=window.end).filter(
        counted(window, "child")
    )


def escalations(window: Window) -> dict:
    """Escalations raised in the window, the children they concern, by theme and by the highest stage
    reached (an escalation only moves up the stages, so the stage it is at is its highest). Three queries."""
    raised = escalations_raised(window)
    counts = raised.aggregate(total=Count("pk"), children=Count("child", distinct=True))
    themes = dict(raised.order_by().values_list("theme").annotate(n=Count("pk")))
    stages = dict(raised.order_by().values_list("stage").annotate(n=Count("pk")))
    return {
        "total": counts["total"],
        "children": counts["children"],
        "by_theme": {theme: themes.get(theme, 0) for theme in Theme.values},
        "by_highest_stage": {stage: stages.get(stage, 0) for stage in Stage.values},
    }


def escalations_open(today: date) -> dict[str, int]:
    """Escalations open now, and those of them waiting past the respond-by date of the stage they
    are at (as the escalations list counts them). One query."""
    return Escalation.objects.aggregate(
        open=Count("pk", filter=Q(status=Escalation.Status.OPEN)),
        overdue=Count("pk", filter=waiting_past_deadline(today)),
    )


# --- Staffing and cost ------------------------------------------------------------------------------


def iros_in_service(window: Window) -> QuerySet[User]:
    """IROs who worked in the service in the window: allocated a child for any part of it, or
    chaired a review held in it."""
    allocated = IROAllocation.objects.filter(iro=OuterRef("pk"), start_on__lte=window.end).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=window.start)
    )
    chaired = Review.objects.filter(chair=OuterRef("pk"), held_on__gte=window.start, held_on__lte=window.end)
    return User.objects.filter(role=User.Role.IRO).filter(Q(Exists(allocated)) | Q(Exists(chaired)))


# Ethnic groups as the DfE's looked-after statistics group the 903 codes.
ETHNIC_GROUPS: dict[str, tuple[str, ...]] = {
    "White": ("WBRI", "WIRI", "WOTH", "WIRT", "WROM"),
    "Mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian or Asian British": ("AIND", "APKN", "ABAN", "AOTH"),
    "Black or Black British": ("BCRB", "BAFR", "BOTH"),
    "Other ethnic group": ("CHNE", "OOTH"),
}
NOT_STATED = "Not stated"


@dataclass(frozen=True)
class Staffing:
    permanent: int
    permanent_fte: Decimal
    sessional: int
    sessional_fte: Decimal
    no_profile: int  # IROs without a staff profile: employment, FTE, gender and ethnicity unknown
    by_gender: dict[str, int]  # label: count, every gender listed
    by_ethnic_group: dict[str, int]  # label: count, every group listed
    caseload_low: int | None  # children per IRO on the window's last day, among IROs with any
    caseload_high: int | None

    @property
    def total(self) -> int:
        return self.permanent + self.sessional + self.no_profile


def children_by_iro_on(day: date, window: Window) -> QuerySet:
    """(iro, children) rows: the children looked after on `day` (and counted in the window) by the
    IRO allocated to them that day (the allocation starting later wins on a changeover day)."""
    in_force = IROAllocation.objects.filter(start_on__lte=day).filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
    # Read from the allocations in force, each child's latest kept (none later in force that day),
    # rather than an allocation looked up for every child ever recorded.
    later = in_force.filter(child=OuterRef("child")).filter(
        Q(start_on__gt=OuterRef("start_on")) | Q(start_on=OuterRef("start_on"), pk__gt=OuterRef("pk"))
    )
    looked_after_children = Child.objects.filter(looked_after_on(day)).filter(counted(window))
    return (
        in_force.filter(child__in=looked_after_children)
        .exclude(Exists(later))
        .order_by()
        .values("iro")
        .annotate(children=Count("child"))
    )


def _fte(total) -> Decimal:
    # SQLite sums decimals as floats (3.60000000000000); FTEs have two places.
    return Decimal(str(total or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def staffing(window: Window) -> Staffing:
    """The staffing profile of the IROs in service in the window. Three queries."""
    iros = iros_in_service(window)
    Employment, Gender = StaffProfile.Employment, StaffProfile.Gender
    counts = iros.aggregate(
        permanent=Count("pk", filter=Q(staff_profile__employment=Employment.PERMANENT)),
        permanent_fte=Sum("staff_profile__fte", filter=Q(staff_profile__employment=Employment.PERMANENT)),
        sessional=Count("pk", filter=Q(staff_profile__employment=Employment.SESSIONAL)),
        sessional_fte=Sum("staff_profile__fte", filter=Q(staff_profile__employment=Employment.SESSIONAL)),
        no_profile=Count("pk", filter=Q(staff_profile__isnull=True)),
        **{f"gender_{g}": Count("pk", filter=Q(staff_profile__gender=g)) for g in Gender.values},
    )
    group = Case(
        *(When(staff_profile__ethnicity__in=codes, then=Value(label)) for label, codes in ETHNIC_GROUPS.items()),
        default=Value(NOT_STATED),
        output_field=CharField(),
    )
    groups = dict(iros.annotate(group=group).order_by().values_list("group").annotate(n=Count("pk")))
    caseloads = children_by_iro_on(window.end, window).aggregate(low=Min("children"), high=Max("children"))
    gender = {label: counts[f"gender_{value}"] for value, label in Gender.choices}
    if counts["no_profile"]:
        gender[NOT_STATED] = gender.get(NOT_STATED, 0) + counts["no_profile"]
    return Staffing(
        permanent=counts["permanent"],
        permanent_fte=_fte(counts["permanent_fte"]),
        sessional=counts["sessional"],
        sessional_fte=_fte(counts["sessional_fte"]),
        no_profile=counts["no_profile"],
        by_gender=gender,
        by_ethnic_group={label: groups.get(label, 0) for label in [*ETHNIC_GROUPS, NOT_STATED]},
        caseload_low=caseloads["low"],
        caseload_high=caseloads["high"],
    )


@dataclass(frozen=True)
class UnitCost:
    budget: Decimal | None
    reviews_held: int

    @property
    def per_review(self) -> Decimal | None:
        if self.budget is None or not self.reviews_held:
            return None
        return (self.budget / self.reviews_held).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def unit_cost(year: CollectionYear, reviews_held_count: int) -> UnitCost:
    """The service budget for the year divided by the reviews held in it."""
    budget = ServiceBudget.objects.filter(year=year.year).values_list("amount", flat=True).first()
    return UnitCost(budget, reviews_held_count)


# --- The QA dashboard: caseloads now ------------------------------------------------------------------

# The IRO Handbook's recommended caseload for a full-time IRO.
CASELOAD_RANGE = (50, 70)


@dataclass(frozen=True)
class IROName:
    """An IRO as the caseload table shows them. Plain values rather than the user: they are kept with
    the dashboard's figures (core.changes), and loading thousands of user objects from the cache
    would cost a national service's dashboard more than the rest of its page."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class IROCaseload:
    iro: IROName | None  # None: the children with no IRO
    children: int
    overdue: int
    due_soon: int
    fte: Decimal | None = None  # from the staff profile, if any
    employment: str = ""

    def as_row(self) -> tuple:
        """The caseload as plain values, as the dashboard keeps it: a national service's 3,000 IROs'
        caseloads are read back from the cache in about a millisecond as rows, ten as objects."""
        return (self.iro.pk, self.iro.name, self.children, self.overdue, self.due_soon, self.fte, self.employment)

    @classmethod
    def from_row(cls, row: tuple) -> IROCaseload:
        pk, name, *figures = row
        return cls(IROName(pk, name), *figures)

    @property
    def per_fte(self) -> Decimal | None:
        if self.fte is None:
            return None
        return (Decimal(self.children) / self.fte).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)

    @property
    def band(self) -> str:
        """Where the caseload per FTE falls: "over" 70, "under" 50, "within", or "" if the FTE is unknown."""
        if self.per_fte is None:
            return ""
        low, high = CASELOAD_RANGE
        return "over" if self.per_fte > high else "under" if self.per_fte < low else "within"


def caseloads(*, today: date, soon: date) -> tuple[list[IROCaseload], IROCaseload]:
    """Each IRO's caseload now (active IROs, and any other IRO who still has children), with the
    children whose next review is overdue or due by `soon`; and the children with no IRO. The same
    children, allocations and statuses as the caseload page, so each number links to its list there
    (short-break children included: they are on the IRO's caseload). Two queries."""
    by_iro = {
        iro: {"children": sum(n.values()), "overdue": n[DueStatus.OVERDUE], "due_soon": n[DueStatus.DUE_SOON]}
        for iro, n in caseload_counts_by_iro(today=today, soon=soon).items()
    }
    unallocated = IROCaseload(None, **by_iro.pop(None, {"children": 0, "overdue": 0, "due_soon": 0}))
    iros = (
        User.objects.filter(Q(role=User.Role.IRO, is_active=True) | Q(pk__in=list(by_iro)))
        .select_related("staff_profile")
        .order_by("first_name", "last_name", "pk")
    )
    empty = {"children": 0, "overdue": 0, "due_soon": 0}
    rows = []
    for iro in iros:
        profile = getattr(iro, "staff_profile", None)
        rows.append(
            IROCaseload(
                IROName(iro.pk, str(iro)),
                **by_iro.get(iro.pk, empty),
                fte=profile.fte if profile else None,
                employment=profile.get_employment_display() if profile else "",
            )
        )
    return rows, unallocated


# --- Short-break reviews ------------------------------------------------------------------------------
# Reviews on a short-break arrangement's clock are left out of every figure above, as they are of NI66,
# C63 and the 903 return (DfE rule 399); these count them apart.

SHORT_BREAK_DEFINITION = (
    "Reviews of children on a series of short breaks (legal status V3 or V4), due on the arrangement's own "
    "clock: 3 months after its first break, then 6 months after each review held, until the agreement ends, "
    "no break starts within the set gap, or the child comes into full-time care. They are counted apart "
    "from every other figure, as the national indicators and the 903 return leave them out. Held: reviews "
    "held in the period; held late: of those, held after their due date; overdue: reviews due in the period "
    "and not held by the day it is judged."
)


@dataclass(frozen=True)
class ShortBreakReviews:
    held: int
    held_late: int
    overdue: int


def short_break_reviews(window: Window) -> ShortBreakReviews:
    """Short-break arrangements' reviews held in the window (and of those, held late), and those due in
    the window and still not held when it is judged (from `overdue_from`). One query."""
    held = Q(held_on__gte=window.start, held_on__lte=window.end)
    counts = Review.objects.filter(short_breaks=True).aggregate(
        held=Count("pk", filter=held),
        held_late=Count("pk", filter=held & Q(held_on__gt=F("due_on"))),
        overdue=Count(
            "pk",
            filter=Q(
                held_on__isnull=True,
                due_on__gte=window.start,
                due_on__lte=window.end,
                due_on__lt=window.overdue_from,
            ),
        ),
    )
    return ShortBreakReviews(**counts)


# --- The review record and the IRO's monitoring between reviews -----------------------------------
#
# Each percentage comes from rows annotated with `met` (counted in the numerator), so the list behind
# a figure is the same rows the figure counts; `met_ratio` turns them into the figure in one query.

# Compulsory school age, as a whole age on the day of the review: 5 to 15.
SCHOOL_AGE = (5, 15)


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def met_ratio(rows: QuerySet) -> Ratio:
    """Of `rows` (annotated with `met`), how many met the measure. One query."""
    counts = rows.aggregate(denominator=Count("pk"), numerator=Count("pk", filter=Q(met=True)))
    return Ratio(counts["numerator"], counts["denominator"])


def _reviews_of_children_aged_4_or_over(window: Window) -> QuerySet[Review]:
    # PN0 is for a child under 4 on the day: not someone an IRO is expected to see alone or ask for views.
    return reviews_held(window).filter(participation__in=AGED_4_OR_OVER_CODES)


def seen_alone_reviews(window: Window) -> QuerySet[Review]:
    """Reviews held in the window of children aged 4 or over, with `met`: the IRO recorded speaking
    to the child alone before the review (not recorded counts as not seen alone)."""
    return _reviews_of_children_aged_4_or_over(window).annotate(met=_flag(Q(spoke_alone=True)))


def _age_on_held_on() -> ExpressionWrapper:
    """The child's whole age in years on the day the review was held, in SQL."""
    held_day = ExtractMonth("held_on") * 100 + ExtractDay("held_on")
    birthday = ExtractMonth("child__date_of_birth") * 100 + ExtractDay("child__date_of_birth")
    before_birthday = Case(When(GreaterThan(birthday, held_day), then=Value(1)), default=Value(0))
    return ExpressionWrapper(
        ExtractYear("held_on") - ExtractYear("child__date_of_birth") - before_birthday, output_field=IntegerField()
    )


def pep_reviews(window: Window) -> QuerySet[Review]:
    """Reviews held in the window of children of school age on the day (5 to 15), with `met`: the
    review recorded that it reviewed the child's personal education plan (PEP)."""
    low, high = SCHOOL_AGE
    return (
        reviews_held(window)
        .annotate(age_on_review=_age_on_held_on())
        .filter(age_on_review__gte=low, age_on_review__lte=high)
        .annotate(met=_flag(Q(pep_reviewed=True)))
    )


def actions_due(window: Window) -> QuerySet[ReviewAction]:
    """Actions of reviews due in the window and whose date has passed when the window is judged (an
    open action due later is not late yet), leaving out those no longer needed; with `met`: done on
    or before the date it was due."""
    return (
        ReviewAction.objects.filter(due_on__gte=window.start, due_on__lte=window.end, due_on__lt=window.overdue_from)
        .exclude(status=ReviewAction.Status.NO_LONGER_NEEDED)
        # Not the reviews of the children left out (a few thousand rows at most), rather than every
        # action joined to its review for the child: the same actions, without reading every review.
        .exclude(review__in=Review.objects.filter(short_breaks_only(window, "child")))
        .annotate(met=_flag(Q(status=ReviewAction.Status.DONE, outcome_on__lte=F("due_on"))))
    )


def midway_check_reviews(window: Window) -> QuerySet[Review]:
    """Reviews held in the window that followed an earlier review in the same period of care (so an
    interval with a midway check came before them), with `met`: its midway check was recorded."""
    check = MidwayCheck.objects.filter(
        after_review__child=OuterRef("child"),
        after_review__period_start=OuterRef("period_start"),
        after_review__sequence=OuterRef("sequence") - 1,
    )
    return reviews_held(window).filter(sequence__gt=1).annotate(met=_flag(Q(Exists(check))))


def views_reviews(window: Window) -> QuerySet[Review]:
    """Reviews held in the window of children aged 4 or over, with `met`: the child's own views were
    gathered for the review on or before the day it was held."""
    childs_views = ReviewViews.objects.filter(
        review=OuterRef("pk"), role=PartyRole.CHILD, gathered_on__lte=OuterRef("held_on")
    )
    return _reviews_of_children_aged_4_or_over(window).annotate(met=_flag(Q(Exists(childs_views))))


def permanence_drifting(window: Window) -> QuerySet[Child]:
    """Children whose latest review held in the window recorded their permanence plan as drifting."""
    # The reviews recorded as drifting with none held later in the window, rather than each child's
    # latest review looked up for every child ever recorded.
    later = reviews_held(window).filter(child=OuterRef("child"), held_on__gt=OuterRef("held_on"))
    drifting = reviews_held(window).filter(permanence_progress=PermanenceProgress.DRIFTING).exclude(Exists(later))
    return counted_children(window).filter(pk__in=drifting.values("child"))


RECORD_FIGURES: dict[str, str] = {
    "seen_alone": "Children seen alone before their review",
    "pep_reviewed": "PEPs reviewed at reviews of school-age children",
    "actions_on_time": "Actions completed by their date",
    "midway_checks": "Midway checks done",
    "views_gathered": "Reviews with the child's views gathered beforehand",
}


def record_figure_rows(key: str, window: Window) -> QuerySet:
    """The rows behind one of the RECORD_FIGURES, annotated with `met`."""
    return {
        "seen_alone": seen_alone_reviews,
        "pep_reviewed": pep_reviews,
        "actions_on_time": actions_due,
        "midway_checks": midway_check_reviews,
        "views_gathered": views_reviews,
    }[key](window)


def record_figures(window: Window) -> dict:
    """The figures of the review record and the monitoring between reviews: a Ratio for each of
    RECORD_FIGURES and the count `permanence_drifting`. Six queries."""
    figures: dict = {key: met_ratio(record_figure_rows(key, window)) for key in RECORD_FIGURES}
    figures["permanence_drifting"] = permanence_drifting(window).count()
    return figures
