from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .audit import audit_list_viewed
from .notifications import notification_mark_done, wording
from .selectors import notification_for_user


@login_required
def home(request):
    """Each role starts where its work is."""
    user = request.user
    if user.can_see_caseloads:
        return redirect("children:caseload")
    if user.is_administrator:
        return redirect("account_list")
    if user.is_director:
        # The Director's home is the QA dashboard, read-only: service-wide figures, no child named.
        return redirect("reports:dashboard")
    return render(request, "accounts/no_access.html", status=403)


@login_required
def notifications(request):
    """The user's own notifications: those still to do, or those marked done."""
    done = request.GET.get("show") == "done"
    rows = request.user.notifications.filter(done_at__isnull=not done).select_related("child")
    page = Paginator(rows.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    audit_list_viewed(actor=request.user, action="notifications_listed", children=[n.child for n in page.object_list])
    return render(
        request,
        "accounts/notifications.html",
        {"page": page, "items": [(n, *wording(n)) for n in page.object_list], "done": done},
    )


@login_required
@require_POST
def notification_done(request, public_id):
    notification = notification_for_user(request.user, public_id)
    notification_mark_done(actor=request.user, notification=notification)
    messages.success(request, "Notification marked as done.")
    return redirect("notifications")
