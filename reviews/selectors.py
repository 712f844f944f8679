from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from accounts.models import User
from children.models import Child
from children.selectors import children_visible_to

from .models import Meeting, Review


def review_for_user(user: User, public_id) -> Review:
    """The review, or 404 unless the user may see its child."""
    return get_object_or_404(
        Review.objects.filter(child__in=children_visible_to(user)).select_related("child"), public_id=public_id
    )


def meeting_for_user(user: User, public_id) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(review__child__in=children_visible_to(user)).select_related("review__child"),
        public_id=public_id,
    )


def child_page_reviews(child: Child, *, today) -> dict:
    """The reviews part of the child's page (children/pages.py): held reviews newest first, the
    review due next, and any never held in an earlier period of care."""
    reviews = reviews_of_child(child)
    waiting = [r for r in reviews if not r.is_held]
    return {
        "held_reviews": [r for r in reversed(reviews) if r.is_held],
        "next_review": waiting[-1] if waiting else None,
        "missed_reviews": waiting[:-1],
    }


def reviews_of_child(child: Child) -> list[Review]:
    """Every review of the child, oldest first, with chair and meetings, in two queries."""
    return list(
        child.reviews.select_related("chair")
        .prefetch_related(Prefetch("meetings", queryset=Meeting.objects.order_by("-planned_on", "-pk")))
        .order_by("period_start", "sequence")
    )
