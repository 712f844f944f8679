"""Reads about children that span relations, and the one way a view reaches a child.

Reviews belong to the app above this one: these queries reach them only through the relation the
Review model declares (`child.reviews`, `reviews__...`), never by importing that app.

Over 500 lines: the caseload page's query is built from the same next-review and access
expressions as the rest, and splitting them apart would leave each half reading the other."""

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Concat, Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import AuditEntry, AuditListing, User
from core.calendar import add_working_days
from core.changes import derived
from core.collection_years import CollectionYear
from core.forms import request_number
from core.midway import midway_due, midway_status
from core.periods import breaks_and_full_time_care

from .models import Child, ChildContact, Cover, Episode, IROAllocation, MissingEpisode, ShortBreakArrangement


def allocated_on(day: date, *, through: str = "") -> Q:
    """Allocations in force on `day`: an IRO handing over loses the child on the handover date
    (their allocation's `end_on`), the new IRO has them from it. `through` names the relation that
    leads to the allocations, for a query of children or of IROs ("allocations")."""
    to = f"{through}__" if through else ""
    return Q(**{f"{to}start_on__lte": day}) & (Q(**{f"{to}end_on__isnull": True}) | Q(**{f"{to}end_on__gt": day}))


def covers_in_force(user: User, day: date) -> QuerySet[Cover]:
    return Cover.objects.filter(iro=user, start_on__lte=day, end_on__gte=day)


def covered_by(user: User, day: date) -> Q:
    """For a query of children: those `user` covers on `day`, named or in a covered IRO's caseload."""
    covers = covers_in_force(user, day)
    covered_iros = covers.filter(covered_iro__isnull=False).values("covered_iro")
    return Exists(covers.filter(children=OuterRef("pk"))) | Exists(
        IROAllocation.objects.filter(allocated_on(day), child=OuterRef("pk"), iro__in=covered_iros)
    )


def allocated_to(iro: User, day: date) -> Exists:
    """For a query of children: `iro` is allocated to the child on `day`."""
    return Exists(IROAllocation.objects.filter(allocated_on(day), child=OuterRef("pk"), iro=iro))


def children_visible_to(user: User, *, day: date | None = None) -> QuerySet[Child]:
    """Need to know (docs: "Who may see a child's record"): QA managers see every child; an IRO the
    children allocated to them on `day` (today) and those they cover that day; other roles see no
    child records. (A former IRO finishing a review's paperwork reaches only that review:
    reviews.selectors.review_for_user.)"""
    if user.sees_every_child:
        return Child.objects.all()
    if user.is_iro:
        day = day or timezone.localdate()
        return Child.objects.filter(allocated_to(user, day) | covered_by(user, day))
    return Child.objects.none()


def may_chair(user: User, child: Child, day: date) -> bool:
    """Whether `user` may chair the child's review held on `day`: the IRO allocated or covering
    then. (Where no IRO was allocated that day, as in history from before the service, any IRO.)"""
    if not user.is_iro:
        return False
    if not IROAllocation.objects.filter(allocated_on(day), child=child).exists():
        return True
    return children_visible_to(user, day=day).filter(pk=child.pk).exists()


def child_for_user(user: User, public_id, *, next_due: bool = False) -> Child:
    """The child, or 404 for anyone who may not see them (never 403: that would confirm they exist).
    `next_due`: with the due date of their review due next (`next_due_on`) and what their caseload row
    shows beside it (with_caseload_details), in the same query."""
    children = children_visible_to(user)
    if next_due:
        children = with_caseload_details(children.annotate(next_due_on=next_review_due()))
    return get_object_or_404(children, public_id=public_id)


def missing_episode_for_user(user: User, public_id) -> MissingEpisode:
    """The missing episode, or 404 unless the user may see its child."""
    return get_object_or_404(
        MissingEpisode.objects.filter(child__in=children_visible_to(user)).select_related("child"),
        public_id=public_id,
    )


def contact_for_user(user: User, public_id) -> ChildContact:
    """One of the people around a child, or 404 unless the user may see the child."""
    return get_object_or_404(
        ChildContact.objects.filter(child__in=children_visible_to(user)).select_related("child"),
        public_id=public_id,
    )


def contacts_of(child: Child) -> list[ChildContact]:
    """The people around the child, in the order of their roles (social worker first), then by name."""
    order = {role: n for n, role in enumerate(ChildContact.Role.values)}
    return sorted(child.contacts.all(), key=lambda contact: (order[contact.role], contact.name.lower()))


def siblings_iro(child: Child, *, today: date) -> User | None:
    """The active IRO of the child's linked brothers and sisters now (the first, by name, where they
    have different IROs), to suggest when allocating: one IRO follows siblings together."""
    allocation = (
        IROAllocation.objects.filter(allocated_on(today), child__in=child.siblings.all(), iro__is_active=True)
        .select_related("iro")
        .order_by("iro__first_name", "iro__last_name")
        .first()
    )
    return allocation.iro if allocation else None


def current_iro_id(child: str = "pk", *, day: date | None = None) -> Subquery:
    """The id of the child's IRO on `day` (today), if they are active (else None), for annotating any
    query whose rows lead to the child by `child` (e.g. "child", "escalation__child")."""
    day = day or timezone.localdate()
    return Subquery(
        IROAllocation.objects.filter(allocated_on(day), child=OuterRef(child), iro__is_active=True).values("iro")[:1]
    )


def has_current_iro(day: date) -> Exists:
    """For a query of children: the child has an IRO allocated on `day` (a handover dated later
    counts from its date, not before)."""
    return Exists(IROAllocation.objects.filter(allocated_on(day), child=OuterRef("pk")))


def with_current_iro(children: QuerySet[Child], *, day: date) -> QuerySet[Child]:
    """Adds `current_allocation` (with its IRO), the allocation in force on `day`, in the same query."""
    in_force = allocated_on(day, through="allocations")
    return children.annotate(current_allocation=FilteredRelation("allocations", condition=in_force)).select_related(
        "current_allocation__iro"
    )


def current_allocation_of(child: Child, *, today: date) -> IROAllocation | None:
    """The child's allocation in force today, with its IRO."""
    return child.allocations.filter(allocated_on(today)).select_related("iro").first()


def allocation_history(child: Child) -> list[IROAllocation]:
    """The child's allocations, newest first, with their IROs (which is in force on a day:
    IROAllocation.in_force_on, the Python form of allocated_on, cheaper than building that condition
    into the query). Read once for the child object and kept on it, so that every part of a page of
    the child's record showing them (the IRO now and a handover planned; the IRO history; the
    timeline) shares one query: for a page that reads, not for a change and its check."""
    history = IROAllocation.objects.select_related("iro").order_by("-start_on", "-pk")
    prefetch_related_objects([child], Prefetch("allocations", queryset=history))
    return list(child.allocations.all())


def reallocation_preview(from_iro: User, moves: dict, *, iros) -> list[tuple[User, int, int]]:
    """Each IRO's caseload before and after the moves (`iros` with `caseload_size`), the IRO
    handing over first."""
    gained: dict[int, int] = {}
    for iro in moves.values():
        gained[iro.pk] = gained.get(iro.pk, 0) + 1
    size = (
        Child.objects.filter(reviewed_on(timezone.localdate()))
        .filter(
            Exists(IROAllocation.objects.filter(allocated_on(timezone.localdate()), child=OuterRef("pk"), iro=from_iro))
        )
        .count()
    )
    rows = [(from_iro, size, size - len(moves))]
    rows += [(iro, iro.caseload_size, iro.caseload_size + gained[iro.pk]) for iro in iros if iro.pk in gained]
    return rows


def first_collection_year() -> CollectionYear | None:
    """The collection year of the earliest episode on record (read from the episodes' index on their
    start: the years the reports and returns offer)."""
    first = Episode.objects.aggregate(first=Min("start_on"))["first"]
    return CollectionYear.containing(first) if first else None


def looked_after_on(day: date) -> Q:
    """Children with an episode that had started by `day` and had not ended before it."""
    return Q(
        Exists(
            Episode.objects.filter(child=OuterRef("pk"), start_on__lte=day).filter(
                Q(end_on__isnull=True) | Q(end_on__gte=day)
            )
        )
    )


def in_short_break_arrangement_on(day: date) -> Q:
    """Children in a short-break arrangement on `day`, between breaks too."""
    return Q(
        Exists(
            ShortBreakArrangement.objects.filter(child=OuterRef("pk"), start_on__lte=day).filter(
                Q(end_on__isnull=True) | Q(end_on__gte=day)
            )
        )
    )


def in_care_on(day: date) -> Q:
    """Children still in care on `day`: an episode started by then and not ended by it. Unlike
    looked_after_on (the 903's count, which includes the day an episode ends), a child who left
    care on `day` is not in care that day, as their IRO allocation ended that day (allocated_on)."""
    return Q(
        Exists(
            Episode.objects.filter(child=OuterRef("pk"), start_on__lte=day).filter(
                Q(end_on__isnull=True) | Q(end_on__gt=day)
            )
        )
    )


def reviewed_on(day: date) -> Q:
    """Children who have reviews due and need an IRO on `day`: those in care, and those in a
    short-break arrangement (whose reviews fall due between breaks too)."""
    return in_care_on(day) | in_short_break_arrangement_on(day)


def reviewed_on_each(day: date) -> Exists:
    """The children of `reviewed_on`, asked of each child's own row, for a list read a page at a
    time in an indexed order. PostgreSQL hashes the whole of an OR of two subqueries before it reads
    a row (every child in care: about 50 ms at 80,000 children), however few the page needs; asked
    of the child's row, they are probed by index for each row read, and the reading stops at the
    page's end. (Slower for a count of every child: there, reviewed_on.)"""
    return Exists(Child.objects.filter(reviewed_on(day), pk=OuterRef("pk")))


def caseload_for(user: User, *, iro: User | None = None, day: date | None = None) -> QuerySet[Child]:
    """The children on a caseload: an IRO's own (allocated now, and any they cover now); for a QA
    manager everyone's, or one IRO's allocated children."""
    day = day or timezone.localdate()
    if user.is_iro:
        return children_visible_to(user, day=day)
    if not user.sees_every_child:
        return Child.objects.none()
    if iro is None:
        return Child.objects.all()
    return Child.objects.filter(allocated_to(iro, day))


class DueStatus:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    NONE = "none"
    LABELS = {OVERDUE: "Overdue", DUE_SOON: "Due soon", ON_TRACK: "On track", NONE: "No review due"}


def due_soon_by(today: date) -> date:
    """The last due date that counts as "due soon": the configured number of working days ahead."""
    return add_working_days(today, settings.DUE_SOON_WORKING_DAYS, nation=settings.BANK_HOLIDAY_NATION)


def _reviews():
    """The app above's Review rows, reached by the relation it declares (`child.reviews`)."""
    return Child._meta.get_field("reviews").related_model._default_manager


def _waiting_review():
    """For a query of children: the review due next, the one not yet held on the latest clock
    (period of care or short-break arrangement). Read straight from the reviews table, so each
    child costs one probe of the unique index on (child, period_start) of the reviews not held."""
    return _reviews().filter(child=OuterRef("pk"), held_on__isnull=True).order_by("-period_start")


def next_review_due() -> F | Subquery:
    """For a query of children: the due date of the review due next. On PostgreSQL the child's own
    column, kept by triggers (so a caseload in its default order is read from its index, whatever
    its size); on SQLite, the quick start's database, read from the reviews, a subquery that the
    status's CASE repeats in each branch: a few hundred children at most there."""
    if connection.vendor == "postgresql":
        return F("next_review_due_on")
    return next_review_due_read_from_rows()


def next_review_due_read_from_rows() -> Subquery:
    """`next_review_due` read from the reviews, by the rule the triggers keep in the child's column."""
    return Subquery(_waiting_review().values("due_on")[:1])


def with_next_review(children: QuerySet[Child], *, today: date, soon: date, paged: bool = False) -> QuerySet[Child]:
    """Children looked after or in a short-break arrangement on `today`, each with the due date of the
    review due next (`next_due_on`) and its `due_status` (overdue: due before today; due soon: due by
    `soon`; else on track), in the one query whatever the number of children (with_current_iro adds
    their IRO). `paged`: for a list read a page at a time (reviewed_on_each)."""
    return children.filter(reviewed_on_each(today) if paged else reviewed_on(today)).annotate(
        next_due_on=next_review_due(), due_status=_due_status(today, soon)
    )


def _due_status(today: date, soon: date) -> Case:
    """The DueStatus of a query's `next_due_on` (due_status_of: the same for one child, in Python)."""
    return Case(
        When(next_due_on__isnull=True, then=Value(DueStatus.NONE)),
        When(next_due_on__lt=today, then=Value(DueStatus.OVERDUE)),
        When(next_due_on__lte=soon, then=Value(DueStatus.DUE_SOON)),
        default=Value(DueStatus.ON_TRACK),
        output_field=CharField(),
    )


def due_status_of(
    child: Child, *, today: date, episodes: list[Episode], arrangements: list[ShortBreakArrangement]
) -> str:
    """The DueStatus the caseload gives the child (with_next_review), or no review due if the caseload
    does not list them: judged from their `next_due_on` (child_for_user's `next_due`) and the episodes
    and short-break arrangements their page has read, by the rules of reviewed_on and _due_status
    (in SQL, building the caseload's two EXISTS for one child cost the page 3 ms, more than any of
    its other queries; tests/children/test_short_breaks.py holds the two equal day by day)."""
    in_care = any(e.start_on <= today and (e.end_on is None or e.end_on > today) for e in episodes)
    in_arrangement = any(a.start_on <= today and (a.end_on is None or a.end_on >= today) for a in arrangements)
    due = child.next_due_on
    if not (in_care or in_arrangement) or due is None:
        return DueStatus.NONE
    if due < today:
        return DueStatus.OVERDUE
    return DueStatus.DUE_SOON if due <= due_soon_by(today) else DueStatus.ON_TRACK


def status_counts(children: QuerySet[Child]) -> dict[str, int]:
    """The number of children of a `with_next_review` query in each DueStatus (every status
    present, 0 where none): one query, grouped by the status so that each child's is found once."""
    counts = dict.fromkeys(DueStatus.LABELS, 0)
    for row in children.order_by().values("due_status").annotate(n=Count("pk")):
        counts[row["due_status"]] = row["n"]
    return counts


def caseload_counts_by_iro(*, today: date, soon: date) -> dict[int | None, dict[str, int]]:
    """The children of every caseload (those of `with_next_review`), counted by their IRO now (None:
    no IRO) and by the DueStatus of their next review (every status present, 0 where none): one
    query, grouped by both, which gives the caseload's size of each IRO (the same children as
    iros_with_caseload_counts) and the counts by status of any of them, or of all. Kept until the
    data change (core.changes.derived): it counts every child in the service."""
    return derived("caseload_counts", today, soon, compute=lambda: _caseload_counts_by_iro(today, soon))


def _caseload_counts_by_iro(today: date, soon: date) -> dict[int | None, dict[str, int]]:
    rows = (
        with_current_iro(with_next_review(Child.objects.all(), today=today, soon=soon), day=today)
        .order_by()
        .values("current_allocation__iro", "due_status")
        .annotate(n=Count("pk"))
    )
    counts: dict[int | None, dict[str, int]] = {}
    for row in rows:
        group = counts.setdefault(row["current_allocation__iro"], dict.fromkeys(DueStatus.LABELS, 0))
        group[row["due_status"]] = row["n"]
    return counts


# Above this many active IROs (a regional or national service), the QA caseload's IRO filter is a
# search of their names rather than a list of every IRO, which made the page grow with each.
IRO_CHOICES_LISTED = 150


def caseload_summary(*, today: date, soon: date) -> dict:
    """What a QA manager's caseload page needs of every caseload: the counts by DueStatus of all the
    caseloads together ("all") and of the children without an IRO ("none"), and the active IROs to
    choose among ("iros"), by name, each as (id, name, caseload size), or None if there are more than
    IRO_CHOICES_LISTED. Kept until the data change as one value of plain values, small whatever the
    service's size: one look in the cache a page."""
    return derived("caseload_summary", today, soon, compute=lambda: _caseload_summary(today, soon))


def _caseload_summary(today: date, soon: date) -> dict:
    by_iro = caseload_counts_by_iro(today=today, soon=soon)
    iros = User.objects.filter(role=User.Role.IRO, is_active=True)
    listed = None
    if iros.count() <= IRO_CHOICES_LISTED:
        named = iros.only("pk", "username", "first_name", "last_name").order_by("first_name", "last_name")
        listed = [(iro.pk, str(iro), sum(by_iro.get(iro.pk, {}).values())) for iro in named]
    return {
        "all": {key: sum(group[key] for group in by_iro.values()) for key in DueStatus.LABELS},
        "none": by_iro.get(None, dict.fromkeys(DueStatus.LABELS, 0)),
        "iros": listed,
    }


# The IROs whose names a search on the QA caseload lists at most (the page says when there are more).
IRO_MATCHES_LISTED = 20


def iros_named(words: str) -> tuple[list[User], bool]:
    """The active IROs whose first or last name holds each of `words`, by name (IRO_MATCHES_LISTED
    at most), and whether there are more."""
    iros = User.objects.filter(role=User.Role.IRO, is_active=True)
    for word in words.split():
        iros = iros.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    found = list(iros.order_by("first_name", "last_name", "pk")[: IRO_MATCHES_LISTED + 1])
    return found[:IRO_MATCHES_LISTED], len(found) > IRO_MATCHES_LISTED


def iros_with_caseload_counts(*, today: date) -> QuerySet[User]:
    """Active IROs with the number of children looked after now (or in a short-break arrangement)
    allocated to each (`caseload_size`): the allocations in force joined to the IROs and counted in
    one pass, rather than a count run again for each IRO."""
    current = FilteredRelation("allocations", condition=allocated_on(today, through="allocations"))
    reviewed = Child.objects.filter(reviewed_on(today))
    return (
        User.objects.filter(role=User.Role.IRO, is_active=True)
        .annotate(current_allocation=current)
        .annotate(caseload_size=Count("current_allocation", filter=Q(current_allocation__child__in=reviewed)))
        .order_by("first_name", "last_name")
    )


def audit_of_child(child: Child) -> QuerySet[AuditEntry]:
    """Every audit entry about the child's record: the child, every row that belongs to them (their
    episodes, allocations, reviews, escalations ... whichever app declares them), and every entry
    naming them besides its object, such as a list page or download that showed them (AuditListing).
    Newest first, with who did it and, as `old`, the old values of an edit (the rest of each entry's
    detail left unread).

    The ids are read first (one query), so that each part of the condition is a lookup of an index,
    not a subquery: with subqueries PostgreSQL can only read the whole log and test each entry, and
    the log gains an entry with every page anybody opens."""
    owned = [
        relation.related_model._default_manager.filter(**{relation.field.name: child})
        .annotate(label=Value(relation.related_model._meta.label_lower, output_field=CharField()))
        .order_by()
        .values_list("label", "pk")
        for relation in Child._meta.related_objects
        if relation.one_to_many and relation.related_model is not AuditEntry
    ]
    listed = AuditListing.objects.filter(child_id=child.pk).annotate(label=Value("", output_field=CharField()))
    ids: dict[str, list[int]] = {}
    for label, pk in listed.values_list("label", "entry_id").union(*owned, all=True):
        ids.setdefault(label, []).append(pk)
    about = Q(object_type=Child._meta.label_lower, object_id=child.pk) | Q(pk__in=ids.pop("", []))
    for label, pks in ids.items():
        about |= Q(object_type=label, object_id__in=pks)
    entries = AuditEntry.objects.filter(about).defer("detail").annotate(old=F("detail__old"))
    return entries.select_related("actor").order_by("-at", "-pk")


# Entries on a page of a child's audit: as many as a caseload's rows, whose cost per row they share.
AUDIT_PAGE_SIZE = 50


# --- The caseload page ------------------------------------------------------------------------------

CASELOAD_SORTS = {
    "due": [F("next_due_on").asc(nulls_last=True), "last_name"],
    "-due": [F("next_due_on").desc(nulls_last=True), "last_name"],
    "name": ["last_name", "first_name"],
    "-name": ["-last_name", "-first_name"],
    "child": ["la_child_id"],
    "-child": ["-la_child_id"],
    "iro": ["current_allocation__iro__last_name", "last_name"],
    "-iro": ["-current_allocation__iro__last_name", "last_name"],
}
CASELOAD_PAGE_SIZE = 50


@dataclass(frozen=True)
class CaseloadFilters:
    """What the caseload page was asked for; anything not understood is ignored."""

    iro: str = ""  # QA managers: an IRO's id, or "none" for the children without one
    iro_name: str = ""  # QA managers of a large service: part of an IRO's name (a search of them)
    status: str = ""  # a DueStatus
    sort: str = "due"  # a key of CASELOAD_SORTS
    search: str = ""  # an LA child id, or part of a name
    page: str | None = None


@dataclass(frozen=True)
class CaseloadPage:
    page: Page
    total: int
    status_counts: list[tuple[str, str, int]]  # (status, label, children)
    status: str
    sort: str
    search: str
    iros: list[tuple[int, str, int]] | None  # QA managers choose among these: caseload_summary
    iro_search: bool  # QA managers of a large service: a search of the IROs' names instead
    iro_name: str
    iro_matches: list[User]  # the IROs the search found, when it found more than one
    iro_more_matches: bool  # and more than it lists
    iro_name_error: str
    chosen_iro: User | None
    unallocated: bool
    soon: date
    today: date
    covering: list[Child]  # an IRO's: the children they cover for a colleague now, apart from their own


def caseload_page(user: User, filters: CaseloadFilters, *, today: date) -> CaseloadPage:
    """One page of the user's caseload (a QA manager's: everyone's, one IRO's or the unallocated),
    with each child's next review and status, and the count by status: a fixed number of queries."""
    soon = due_soon_by(today)
    iros = summary = chosen_iro = None
    iro_search = False
    iro_name, iro_matches, iro_more_matches, iro_name_error = filters.iro_name.strip()[:100], [], False, ""
    if user.sees_every_child:
        summary = caseload_summary(today=today, soon=soon)
        iros = summary["iros"]
        iro_search = iros is None
        if iro_search and iro_name:
            iro_matches, iro_more_matches = iros_named(iro_name)
            if not iro_matches:
                iro_name_error = f"No active IRO’s name contains “{iro_name}”"
            elif len(iro_matches) == 1 and not iro_more_matches:
                chosen_iro, iro_matches = iro_matches[0], []
        elif (chosen_pk := request_number(filters.iro)) is not None:
            # Any IRO, active or not: the dashboard links to the caseload of one no longer active who
            # still has children, and moving their children away comes back to it.
            chosen_iro = User.objects.filter(pk=chosen_pk, role=User.Role.IRO).first()
    covering: list[Child] = []
    if user.is_iro:
        # The IRO's own children, and apart from them those they cover for a colleague now.
        own = Exists(IROAllocation.objects.filter(allocated_on(today), child=OuterRef("pk"), iro=user))
        # Their own IRO is themself: the list shows no IRO, and reads none.
        children = with_next_review(Child.objects.filter(own), today=today, soon=soon)
        # Most IROs cover no one: one cheap look at their covers spares the query of the children
        # covered, whose plan the database cannot size (it guesses thousands of rows).
        if covers_in_force(user, today).exists():
            covered = with_next_review(
                with_current_iro(Child.objects.filter(covered_by(user, today)).exclude(own), day=today),
                today=today,
                soon=soon,
            )
            if filters.search:
                covered = matching(covered, filters.search)
            covering = list(with_caseload_details(covered).order_by(*CASELOAD_SORTS["due"]))
    else:
        children = with_next_review(
            with_current_iro(caseload_for(user, iro=chosen_iro, day=today), day=today),
            today=today,
            soon=soon,
            paged=True,
        )
    # A name typed in the IRO search replaces the IRO filter, "none" as much as an IRO's id.
    unallocated = summary is not None and chosen_iro is None and not (iro_search and iro_name) and filters.iro == "none"
    if unallocated:
        children = children.filter(current_allocation__isnull=True)
    unsearched = children
    if filters.search:
        children = matching(children, filters.search)
    status = filters.status if filters.status in DueStatus.LABELS else ""
    sort = filters.sort
    if sort not in CASELOAD_SORTS or (sort.lstrip("-") == "iro" and not user.sees_every_child):
        sort = "due"
    rows = with_caseload_details(children).order_by(*CASELOAD_SORTS[sort])
    if user.is_iro:
        # An IRO's own caseload, tens of children: read whole in one query, counted by status here,
        # rather than counted by a second query and read a page at a time.
        whole = list(rows)
        counts = dict.fromkeys(DueStatus.LABELS, 0)
        for child in whole:
            counts[child.due_status] += 1
        listed = [child for child in whole if child.due_status == status] if status else whole
    else:
        if filters.search or chosen_iro is not None:
            # A search's children, or one IRO's: tens of children, counted by one query.
            counts = status_counts(children)
        else:
            counts = summary["none" if unallocated else "all"]
        listed = rows.filter(due_status=status) if status else rows
    total = sum(counts.values())
    if iros is not None and chosen_iro is not None and not chosen_iro.is_active:
        # Their whole caseload's size, as the other IROs' are given, whatever the child search.
        size = sum(status_counts(unsearched).values()) if filters.search else total
        iros = [*iros, (chosen_iro.pk, f"{chosen_iro} (no longer active)", size)]
    paginator = Paginator(listed, CASELOAD_PAGE_SIZE)
    # Counted already, with the statuses: the paginator need not count the children again.
    paginator.count = counts[status] if status else total
    page = paginator.get_page(filters.page)
    # One query for every row's siblings (`sibling_list`, their names): shown beside the child's
    # name, and each sibling group together.
    siblings = Prefetch("siblings", queryset=Child.objects.only("first_name", "last_name"), to_attr="sibling_list")
    prefetch_related_objects([*page.object_list, *covering], siblings)
    page.object_list = siblings_together(list(page.object_list))
    covering = siblings_together(covering)
    add_midway([*page.object_list, *covering], today=today)
    add_flags([*page.object_list, *covering], today=today)
    return CaseloadPage(
        page=page,
        total=total,
        status_counts=[(key, label, counts[key]) for key, label in DueStatus.LABELS.items()],
        status=status,
        sort=sort,
        search=filters.search,
        iros=iros,
        iro_search=iro_search,
        iro_name=iro_name,
        iro_matches=iro_matches,
        iro_more_matches=iro_more_matches,
        iro_name_error=iro_name_error,
        chosen_iro=chosen_iro,
        unallocated=unallocated,
        soon=soon,
        today=today,
        covering=covering,
    )


def siblings_together(children: list[Child]) -> list[Child]:
    """The rows in their order, except that a child's brothers and sisters on the same list follow
    straight after the first of them, so that a sibling group is read together (`sibling_list` prefetched;
    a sibling group is linked all to all, see children.services.sibling_change)."""
    position = {child.pk: i for i, child in enumerate(children)}
    rows: list[Child] = []
    placed: set[int] = set()
    for child in children:
        if child.pk in placed:
            continue
        group = {child.pk, *(s.pk for s in child.sibling_list if s.pk in position)} - placed
        for pk in sorted(group, key=position.__getitem__):
            rows.append(children[position[pk]])
            placed.add(pk)
    return rows


class Unaccent(Func):
    """The text without its accents (PostgreSQL's unaccent extension, created by a migration); as
    written on SQLite, the quick start's database."""

    function = "UNACCENT"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])


def folded(text: str) -> str:
    """Lower case without accents, as `Unaccent(Lower(...))` gives in the database."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def matching(children: QuerySet[Child], search: str) -> QuerySet[Child]:
    """The children matching every word of the search, each word in their first, last or preferred
    name (so a full name in either order), or the whole LA child id or UPN: whatever the case or accents."""
    children = children.annotate(
        search_names=Unaccent(Lower(Concat("first_name", Value(" "), "last_name", Value(" "), "preferred_name")))
    )
    for word in folded(search).split():
        children = children.filter(Q(la_child_id__iexact=word) | Q(upn__iexact=word) | Q(search_names__contains=word))
    return children


# A review's late decisions or record are flagged for this many days after it was held.
PAPERWORK_FLAGGED_DAYS = 90


def paperwork_flagged(review, *, today: date) -> bool:
    """Whether a review held in the last PAPERWORK_FLAGGED_DAYS has its decisions or record late: the
    red flag of the child's caseload row (add_flags) and of their record's overview."""
    if review.held_on is None or not today - timedelta(days=PAPERWORK_FLAGGED_DAYS) <= review.held_on < today:
        return False
    return any(review.paperwork_late(today=today))


class Flag:
    MISSING = "Missing, not back yet"
    MEETING_LATE = "Meeting booked after the due date"
    PAPERWORK_LATE = "Paperwork late"
    SHOWN = (MISSING, MEETING_LATE, PAPERWORK_LATE)  # in this order


def add_flags(children: list[Child], *, today: date) -> None:
    """Sets on each child of a `with_caseload_details` list what an IRO must not miss about them:
    `flags`, the red tags beside the review's status (missing and not back yet; a meeting booked after
    the review's due date; a recent review's decisions or record late), and `actions_overdue` (an
    action of a review still open past its due date). One query, for the paperwork, whatever the
    number of children: its lateness counts in working days from the day the review was held, which
    the database does not know."""
    late_paperwork = set()
    # Only the reviews that can be flagged are read (paperwork_flagged judges them).
    recent = _reviews().filter(
        child__in=[child.pk for child in children],
        held_on__gte=today - timedelta(days=PAPERWORK_FLAGGED_DAYS),
        held_on__lt=today,
    )
    for review in recent.only("pk", "child", "held_on", "decisions_sent_on", "record_sent_on"):
        if paperwork_flagged(review, today=today):
            late_paperwork.add(review.child_id)
    for child in children:
        child.actions_overdue = child.flag_action_due_on is not None and child.flag_action_due_on < today
        shown = (child.flag_missing, child.flag_meeting_late, child.pk in late_paperwork)
        child.flags = [flag for flag, on in zip(Flag.SHOWN, shown, strict=True) if on]


def short_break_arrangements_with_breaks(
    arrangements: list[ShortBreakArrangement], episodes: list[Episode]
) -> list[tuple[ShortBreakArrangement, list]]:
    """A child's short-break arrangements (as stored, oldest first), newest first, each with its
    breaks (from the child's episodes)."""
    breaks, _full_time = breaks_and_full_time_care(episodes)
    return [
        (a, [b for b in breaks if a.start_on <= b.start and (a.end_on is None or b.start <= a.end_on)])
        for a in reversed(arrangements)
    ]


def with_caseload_details(children: QuerySet[Child]) -> QuerySet[Child]:
    """Adds to a `with_next_review` query what a caseload's row shows beside the review's status, for
    `add_flags` and `add_midway`: `flag_missing` (a missing episode not ended), `flag_meeting_late` (a
    review not yet held with a meeting booked after its due date), `flag_action_due_on` (the earliest
    due date of an open action), `midway_last_held_on` (the day the review last held was held, if it
    is on the clock of the review due next) and `midway_done` (a midway check recorded after it). On
    PostgreSQL the child's own columns, kept by triggers (reviews migration 0010, where the rules are
    written in SQL); on SQLite, the quick start's database, read from the rows by the same rules: a
    few hundred children at most."""
    if connection.vendor == "postgresql":
        return children.annotate(**{name: F(column) for name, column in CASELOAD_DETAILS.items()})
    return caseload_details_read_from_rows(children)


# with_caseload_details' annotations, each with the child's column that keeps it on PostgreSQL.
CASELOAD_DETAILS = {
    "flag_missing": "missing_now",
    "flag_meeting_late": "meeting_booked_late",
    "flag_action_due_on": "first_open_action_due_on",
    "midway_last_held_on": "midway_from",
    "midway_done": "midway_checked",
}


def caseload_details_read_from_rows(children: QuerySet[Child]) -> QuerySet[Child]:
    """`with_caseload_details`' annotations read from the reviews, meetings, actions, missing episodes
    and midway checks, by the rules the triggers keep in the child's columns on PostgreSQL."""
    reviews = _reviews().filter(child=OuterRef("pk"))
    held = reviews.filter(held_on__isnull=False).order_by("-held_on")
    checks = Child._meta.get_field("midway_checks").related_model._default_manager
    children = children.annotate(
        flag_missing=Exists(MissingEpisode.objects.filter(child=OuterRef("pk"), end_on__isnull=True)),
        flag_meeting_late=Exists(
            reviews.filter(held_on__isnull=True, meetings__status="booked", meetings__planned_on__gt=F("due_on"))
        ),
        flag_action_due_on=Subquery(
            reviews.filter(actions__status="open").order_by("actions__due_on").values("actions__due_on")[:1]
        ),
        midway_last_held_id=Subquery(held.values("pk")[:1]),
        midway_held_on=Subquery(held.values("held_on")[:1]),
        midway_held_period=Subquery(held.values("period_start")[:1]),
        midway_next_period=Subquery(_waiting_review().values("period_start")[:1]),
    )
    return children.annotate(
        midway_last_held_on=Case(When(midway_held_period=F("midway_next_period"), then=F("midway_held_on"))),
        midway_done=Exists(checks.filter(child=OuterRef("pk"), after_review=OuterRef("midway_last_held_id"))),
    )


def add_midway(children, *, today: date) -> None:
    """Sets `midway` on each child of a `with_caseload_details` list: (status, due date) of the midway
    check between the review last held and the next due, or None when none falls due (no review
    due, or none held yet on the next review's clock)."""
    for child in children:
        child.midway = None
        if child.next_due_on and child.midway_last_held_on:
            due_on = midway_due(child.midway_last_held_on, child.next_due_on)
            child.midway = (midway_status(due_on=due_on, done=child.midway_done, today=today), due_on)
