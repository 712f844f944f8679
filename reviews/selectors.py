from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.shortcuts import get_object_or_404

from accounts.models import User
from children.models import Child, Episode, IROAllocation
from children.selectors import allocated_on, allocated_to, children_visible_to, paperwork_flagged

from .models import Meeting, Review, ReviewAction, ReviewDraft, ReviewParticipant, ReviewViews
from .monitoring_selectors import monitoring_of_child, review_events


def review_for_user(user: User, public_id, *, to_finish_paperwork: bool = False) -> Review:
    """The review, or 404 unless the user may see its child. To finish its paperwork (the review's
    own edit page), also for the IRO who chaired it while its record is not yet sent out, though
    they have handed the child over since."""
    paperwork = Q(pk__in=[])
    if to_finish_paperwork and user.is_iro:
        paperwork = Q(chair=user, held_on__isnull=False, record_sent_on__isnull=True)
    return get_object_or_404(
        Review.objects.filter(Q(child__in=children_visible_to(user)) | paperwork).select_related("child"),
        public_id=public_id,
    )


def meeting_for_user(user: User, public_id) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(review__child__in=children_visible_to(user)).select_related("review__child"),
        public_id=public_id,
    )


def child_page_reviews(child: Child, *, today) -> dict:
    """The reviews part of the overview of the child's record (children/pages.py): the review due
    next with its meeting, the reviews of the last months whose paperwork is late, any never held in
    an earlier period of care, the actions still open, and the midway check due between reviews."""
    # Whether a draft record is saved (`has_draft`; the draft itself, joined, made the query a quarter
    # slower), for the review due next.
    has_draft = Exists(ReviewDraft.objects.filter(review=OuterRef("pk")))
    reviews = list(child.reviews.annotate(has_draft=has_draft).order_by("period_start", "sequence"))
    waiting = [r for r in reviews if not r.is_held]
    next_review = waiting[-1] if waiting else None
    if next_review is not None:
        # Only the review due next shows its meeting: the latest planned first.
        meetings = Meeting.objects.order_by("-planned_on", "-pk")
        prefetch_related_objects([next_review], Prefetch("meetings", queryset=meetings))
    return {
        "next_review": next_review,
        # The caseload's red flag for paperwork late, with the reviews it is for.
        "late_paperwork": [r for r in reviews if paperwork_flagged(r, today=today)],
        "missed_reviews": waiting[:-1],
        "open_actions": open_actions_of_child(child),
        **monitoring_of_child(child, reviews=reviews, today=today),
    }


def child_history_reviews(child: Child, *, today) -> dict:
    """The reviews part of the history page of the child's record (children/pages.py): the reviews
    held, newest first, and this app's events of the timeline of the IRO's involvement."""
    held = list(
        child.reviews.filter(held_on__isnull=False).select_related("chair").order_by("period_start", "sequence")
    )
    checks = list(child.midway_checks.select_related("recorded_by"))
    return {
        "held_reviews": held[::-1],
        "timeline": review_events(child, reviews=held, checks=checks),
    }


def participant_for_user(user: User, public_id) -> ReviewParticipant:
    return get_object_or_404(
        ReviewParticipant.objects.filter(review__child__in=children_visible_to(user)).select_related("review__child"),
        public_id=public_id,
    )


def views_for_user(user: User, public_id) -> ReviewViews:
    return get_object_or_404(
        ReviewViews.objects.filter(review__child__in=children_visible_to(user)).select_related("review__child"),
        public_id=public_id,
    )


def action_for_user(user: User, public_id) -> ReviewAction:
    return get_object_or_404(
        ReviewAction.objects.filter(review__child__in=children_visible_to(user)).select_related(
            "review__child", "responsible_user"
        ),
        public_id=public_id,
    )


def open_actions_of_child(child: Child, *, held_before=None) -> list[ReviewAction]:
    """The child's actions still open, oldest due first (those of reviews held before a date only,
    if given: the ones the review held that day follows up)."""
    actions = ReviewAction.objects.filter(review__child=child, status=ReviewAction.Status.OPEN)
    if held_before is not None:
        actions = actions.filter(review__held_on__lt=held_before)
    return list(actions.select_related("review", "responsible_user").order_by("due_on", "pk"))


def review_with_record(review: Review) -> Review:
    """The review with everything its page and documents show, in a fixed number of queries."""
    actions = ReviewAction.objects.select_related("responsible_user").order_by("due_on", "pk")
    return (
        Review.objects.select_related("child", "chair")
        .prefetch_related(
            "participants",
            "views_gathered",
            "consultations",  # declared by the consultations app, above this one
            Prefetch("actions", queryset=actions),
            Prefetch("actions_followed_up", queryset=actions.select_related("review")),
            Prefetch("meetings", queryset=Meeting.objects.order_by("-planned_on", "-pk")),
            Prefetch("child__episodes", queryset=Episode.objects.order_by("start_on")),
        )
        .get(pk=review.pk)
    )


def open_actions_of_iro(*, iro: User, today: date) -> dict[str, int]:
    """The open actions of the children allocated to `iro` today (as the dashboard counts them by the
    child's current IRO), and those of them past their due date. One query, from the IRO's children
    (not the IRO looked up for every open action of the service)."""
    theirs = Child.objects.filter(allocated_to(iro, today))
    return ReviewAction.objects.filter(status=ReviewAction.Status.OPEN, review__child__in=theirs).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )


def overdue_actions_by_iro(*, today: date) -> dict[int | None, int]:
    """Open actions past their due date, counted by the child's current IRO (None: no IRO)."""
    current = IROAllocation.objects.filter(allocated_on(today), child=OuterRef("review__child")).values("iro")[:1]
    rows = (
        ReviewAction.objects.filter(status=ReviewAction.Status.OPEN, due_on__lt=today)
        .annotate(iro=Subquery(current))
        .values("iro")
        .annotate(n=Count("pk"))
    )
    return {row["iro"]: row["n"] for row in rows}
