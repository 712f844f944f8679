from datetime import date

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from accounts.models import User
from children.models import Child
from children.selectors import children_visible_to

from .models import Audience, Consultation


def consultation_for_user(user: User, public_id) -> Consultation:
    return get_object_or_404(
        Consultation.objects.filter(review__child__in=children_visible_to(user)).select_related("review__child"),
        public_id=public_id,
    )


def child_page_consultations(child: Child, *, today: date) -> dict:
    """The consultations part of the child's page: those for the review due next, in one query."""
    return {
        "consultations": list(
            Consultation.objects.filter(review__child=child, review__held_on__isnull=True).order_by("created_at", "pk")
        )
    }


CONSULTATIONS_DEFINITION = (
    "People asked for their views before a review through a personal link (the child, by age band, parents, "
    "carers, social workers and others), counted by the day the link was sent, and how many of them sent their "
    "answers. A person sent a new link is counted once."
)


def consultation_figures(start: date, end: date) -> list[dict]:
    """Consultations sent in the period (by the day they were sent) and how many were answered, by
    respondent type, with a total row: one query."""
    rows = (
        Consultation.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
        .values("audience")
        .annotate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    )
    by_audience = {row["audience"]: row for row in rows}
    figures = [
        {
            "respondent": label,
            "sent": by_audience.get(value, {}).get("sent", 0),
            "answered": by_audience.get(value, {}).get("answered", 0),
        }
        for value, label in Audience.choices
    ]
    figures.append(
        {
            "respondent": "All",
            "sent": sum(f["sent"] for f in figures),
            "answered": sum(f["answered"] for f in figures),
        }
    )
    return figures
