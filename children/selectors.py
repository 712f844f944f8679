"""Reads about children that span relations, and the one way a view reaches a child."""

from datetime import date

from django.conf import settings
from django.db.models import Case, Count, Exists, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import User
from core.calendar import add_working_days
from core.midway import midway_due, midway_status
from reviews.models import Review

from .models import Child, Episode, IROAllocation, MissingEpisode, ShortBreakArrangement


def children_visible_to(user: User) -> QuerySet[Child]:
    """QA managers see every child; an IRO the children allocated to them now and any child whose
    review they chaired; other roles see no child records."""
    if user.sees_every_child:
        return Child.objects.all()
    if user.is_iro:
        return Child.objects.filter(
            Exists(IROAllocation.objects.filter(child=OuterRef("pk"), iro=user, end_on__isnull=True))
            | Exists(Review.objects.filter(child=OuterRef("pk"), chair=user))
        )
    return Child.objects.none()


def child_for_user(user: User, public_id) -> Child:
    """The child, or 404 for anyone who may not see them (never 403: that would confirm they exist)."""
    return get_object_or_404(children_visible_to(user), public_id=public_id)


def missing_episode_for_user(user: User, public_id) -> MissingEpisode:
    """The missing episode, or 404 unless the user may see its child."""
    return get_object_or_404(
        MissingEpisode.objects.filter(child__in=children_visible_to(user)).select_related("child"),
        public_id=public_id,
    )


def with_current_iro(children: QuerySet[Child]) -> QuerySet[Child]:
    """Adds `current_allocation` (with its IRO) in the same query."""
    return children.annotate(
        current_allocation=FilteredRelation("allocations", condition=Q(allocations__end_on__isnull=True))
    ).select_related("current_allocation__iro")


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


def reviewed_on(day: date) -> Q:
    """Children who have reviews due and need an IRO on `day`: those looked after, and those in a
    short-break arrangement (whose reviews fall due between breaks too)."""
    return looked_after_on(day) | in_short_break_arrangement_on(day)


def caseload_for(user: User, *, iro: User | None = None) -> QuerySet[Child]:
    """The children on a caseload: an IRO's own; for a QA manager everyone's, or one IRO's."""
    if user.is_iro:
        iro = user
    elif not user.sees_every_child:
        return Child.objects.none()
    if iro is None:
        return Child.objects.all()
    return Child.objects.filter(allocations__iro=iro, allocations__end_on__isnull=True)


class DueStatus:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    NONE = "none"
    LABELS = {OVERDUE: "Overdue", DUE_SOON: "Due soon", ON_TRACK: "On track", NONE: "No review due"}


def due_soon_by(today: date) -> date:
    """The last due date that counts as "due soon": the configured number of working days ahead."""
    return add_working_days(today, settings.DUE_SOON_WORKING_DAYS, nation=settings.BANK_HOLIDAY_NATION)


def with_next_review(children: QuerySet[Child], *, today: date, soon: date) -> QuerySet[Child]:
    """Children looked after or in a short-break arrangement on `today`, each with the review due next (`next_due_on`,
    `next_due_explanation`), its `due_status` (overdue: due before today; due soon: due by `soon`;
    else on track) and the current IRO, all in the one query whatever the number of children."""
    # The review due next is the one not yet held on the latest clock (period of care or short-break
    # arrangement).
    next_review = Review.objects.filter(child=OuterRef("pk"), held_on__isnull=True).order_by("-period_start")
    return (
        with_current_iro(children.filter(reviewed_on(today)))
        .annotate(
            next_due_on=Subquery(next_review.values("due_on")[:1]),
            next_due_explanation=Subquery(next_review.values("due_explanation")[:1]),
        )
        .annotate(
            due_status=Case(
                When(next_due_on__isnull=True, then=Value(DueStatus.NONE)),
                When(next_due_on__lt=today, then=Value(DueStatus.OVERDUE)),
                When(next_due_on__lte=soon, then=Value(DueStatus.DUE_SOON)),
                default=Value(DueStatus.ON_TRACK),
            )
        )
    )


def iros_with_caseload_counts(*, today: date) -> QuerySet[User]:
    """Active IROs with the number of children looked after now (or in a short-break arrangement)
    allocated to each (`caseload_size`)."""
    current = IROAllocation.objects.filter(iro=OuterRef("pk"), end_on__isnull=True).filter(
        child__in=Child.objects.filter(reviewed_on(today))
    )
    return (
        User.objects.filter(role=User.Role.IRO, is_active=True)
        .annotate(caseload_size=Coalesce(Subquery(current.values("iro").annotate(n=Count("pk")).values("n")), 0))
        .order_by("first_name", "last_name")
    )


def with_midway_check(children: QuerySet[Child]) -> QuerySet[Child]:
    """Adds what `add_midway` needs, in the same query: the next review's due date and clock (period
    of care), the review last held and its clock, and whether its midway check is recorded."""
    waiting = Child.objects.filter(pk=OuterRef("pk"), reviews__held_on__isnull=True).order_by("-reviews__period_start")
    held = Child.objects.filter(pk=OuterRef("pk"), reviews__held_on__isnull=False).order_by("-reviews__held_on")
    checked = Child.objects.filter(pk=OuterRef("pk"), midway_checks__after_review=OuterRef("midway_last_held_id"))
    return children.annotate(
        midway_next_due_on=Subquery(waiting.values("reviews__due_on")[:1]),
        midway_next_period=Subquery(waiting.values("reviews__period_start")[:1]),
        midway_last_held_id=Subquery(held.values("reviews__pk")[:1]),
        midway_last_held_on=Subquery(held.values("reviews__held_on")[:1]),
        midway_last_period=Subquery(held.values("reviews__period_start")[:1]),
    ).annotate(midway_done=Exists(checked))


def add_midway(children, *, today: date) -> None:
    """Sets `midway` on each child of a `with_midway_check` list: (status, due date) of the midway
    check between the review last held and the next due, or None when none falls due (no review
    due, or none held yet on the next review's clock)."""
    for child in children:
        child.midway = None
        same_clock = child.midway_last_period == child.midway_next_period
        if child.midway_next_due_on and child.midway_last_held_on and same_clock:
            due_on = midway_due(child.midway_last_held_on, child.midway_next_due_on)
            child.midway = (midway_status(due_on=due_on, done=child.midway_done, today=today), due_on)
