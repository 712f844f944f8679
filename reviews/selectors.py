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


def reviews_of_child(child: Child) -> list[Review]:
    """Every review of the child, oldest first, with chair and meetings, in two queries."""
    return list(
        child.reviews.select_related("chair")
        .prefetch_related(Prefetch("meetings", queryset=Meeting.objects.order_by("-planned_on", "-pk")))
        .order_by("period_start", "sequence")
    )
