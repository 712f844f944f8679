"""Pages for the IRO's monitoring between reviews: case notes and the midway check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from accounts.audit import child_form_page, render_child_page
from children.selectors import child_for_user
from children.views import child_url
from core.dates import uk_date
from core.forms import submit

from .models import ReviewAction
from .monitoring_forms import CaseNoteForm, MidwayCheckForm
from .monitoring_selectors import midway_interval
from .monitoring_services import case_note_record, midway_check_record
from .views import may_write


@login_required
def case_note_record_view(request, public_id):
    child = child_for_user(request.user, public_id)
    may_write(request.user)
    form = CaseNoteForm(request.POST or None, initial={"contact_on": timezone.localdate()})
    return child_form_page(
        request,
        form,
        case_note_record,
        child=child,
        about=child,
        title="Record a case note",
        back_url=child_url(child),
        # Back to the timeline, which shows the note.
        done=lambda note: (
            f"Case note of the contact on {note.contact_on:%d/%m/%Y} saved.",
            child_url(child, "history"),
        ),
    )


@login_required
def midway_check_record_view(request, public_id):
    child = child_for_user(request.user, public_id)
    may_write(request.user)
    interval = midway_interval(child)
    if interval is None or interval.check is not None:
        messages.info(request, "No midway check is waiting to be recorded for this child.")
        return redirect(child_url(child))
    form = MidwayCheckForm(request.POST or None, initial={"checked_on": timezone.localdate()})
    check = submit(request, form, midway_check_record, child=child)
    if check is not None:
        messages.success(request, f"Midway check of {check.checked_on:%d/%m/%Y} saved.")
        if check.escalate and request.user.is_iro:
            return redirect(reverse("escalations:raise", args=[child.public_id]))
        return redirect(child_url(child))
    actions = ReviewAction.objects.filter(review_id=interval.last_held_id).select_related("responsible_user")
    return render_child_page(
        request,
        "reviews/midway_check_form.html",
        {
            "form": form,
            "title": "Record the midway check",
            "lede": f"Halfway between the review held on {uk_date(interval.last_held_on)} and the next review, "
            f"due {uk_date(interval.next_due_on)}: the midway check is due {uk_date(interval.due_on)}.",
            "actions": actions,
            "child": child,
            "back_url": child_url(child),
        },
    )
