from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone

from children.models import Child
from children.selectors import DueStatus, due_soon_by, with_next_review

from .models import User


@login_required
def home(request):
    """Each role starts where its work is."""
    user = request.user
    if user.can_see_caseloads:
        return redirect("children:caseload")
    if user.role == User.Role.ADMINISTRATOR and user.is_staff:
        return redirect("admin:index")
    if user.role == User.Role.DIRECTOR:
        return director_overview(request)
    return render(request, "iro_service/no_access.html", status=403)


def director_overview(request):
    """Service-wide figures for the Director; no child is identified here."""
    today = timezone.localdate()
    soon = due_soon_by(today)
    counts = with_next_review(Child.objects.all(), today=today, soon=soon).aggregate(
        looked_after=Count("pk"),
        overdue=Count("pk", filter=Q(due_status=DueStatus.OVERDUE)),
        due_soon=Count("pk", filter=Q(due_status=DueStatus.DUE_SOON)),
        unallocated=Count("pk", filter=Q(current_allocation__isnull=True)),
    )
    return render(request, "iro_service/director_overview.html", {"counts": counts, "today": today})
