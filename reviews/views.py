from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from children.forms import ShortBreakAgreementForm
from children.selectors import child_for_user, children_visible_to
from children.views import child_url
from core.forms import submit

from .forms import MeetingCancelForm, MeetingForm, ReviewForm
from .selectors import meeting_for_user, review_for_user
from .services import meeting_book, meeting_cancel, review_record, review_update, short_break_agreement_record


def _may_write(user) -> None:
    # IROs and QA managers record reviews; other roles never reach a child in the first place.
    if not user.can_see_caseloads:
        raise PermissionDenied


def _saved(request, review, verb: str):
    next_review = review.child.reviews.filter(held_on__isnull=True).order_by("-period_start").first()
    text = f"Review held on {review.held_on:%d/%m/%Y} {verb}."
    if next_review:
        text += f" The next review is {next_review.due_explanation}."
    messages.success(request, text)
    return redirect(child_url(review.child))


@login_required
def review_record_view(request, public_id):
    child = child_for_user(request.user, public_id)
    _may_write(request.user)
    initial = {"chair": request.user.pk} if request.user.is_iro else {}
    form = ReviewForm(request.POST or None, initial=initial, submit_label="Record review")
    review = submit(request, form, review_record, child=child)
    if review is not None:
        return _saved(request, review, "recorded")
    waiting = child.reviews.filter(held_on__isnull=True).order_by("-period_start").first()
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Record a review",
            "lede": f"The next review is {waiting.due_explanation}." if waiting else "",
            "child": child,
            "back_url": child_url(child),
        },
    )


@login_required
def review_edit_view(request, public_id):
    review = review_for_user(request.user, public_id)
    _may_write(request.user)
    if not review.is_held:
        return redirect("reviews:record", public_id=review.child.public_id)
    form = ReviewForm(request.POST or None, initial=ReviewForm.initial_from(review), submit_label="Save changes")
    saved = submit(request, form, review_update, review=review)
    if saved is not None:
        return _saved(request, saved, "updated")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"Review held on {review.held_on:%d/%m/%Y}",
            "child": review.child,
            "back_url": child_url(review.child),
        },
    )


@login_required
def meeting_book_view(request, public_id):
    review = review_for_user(request.user, public_id)
    _may_write(request.user)
    form = MeetingForm(request.POST or None)
    meeting = submit(request, form, meeting_book, review=review)
    if meeting is not None:
        messages.success(request, f"Meeting booked for {meeting.planned_on:%d/%m/%Y}.")
        return redirect(child_url(review.child))
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Book the review meeting",
            "lede": f"The review is {review.due_explanation}.",
            "child": review.child,
            "back_url": child_url(review.child),
        },
    )


@login_required
def meeting_cancel_view(request, public_id):
    meeting = meeting_for_user(request.user, public_id)
    _may_write(request.user)
    child = meeting.review.child
    form = MeetingCancelForm(request.POST or None)
    if submit(request, form, meeting_cancel, meeting=meeting) is not None:
        messages.success(request, f"Meeting on {meeting.planned_on:%d/%m/%Y} cancelled.")
        return redirect(child_url(child))
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"Cancel the meeting on {meeting.planned_on:%d/%m/%Y}",
            "child": child,
            "back_url": child_url(child),
        },
    )


@login_required
def short_break_agreement_view(request, public_id):
    child = child_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    form = ShortBreakAgreementForm(request.POST or None)
    agreement = submit(request, form, short_break_agreement_record, child=child)
    if agreement is not None:
        messages.success(request, f"{agreement.get_kind_display()} on {agreement.on:%d/%m/%Y}: recorded.")
        if not children_visible_to(request.user).filter(pk=child.pk).exists():
            # The arrangement ended, and the IRO's allocation with it: the child has left their caseload.
            messages.info(request, f"{child.la_child_id} is no longer on your caseload: the IRO allocation ended.")
            return redirect("children:caseload")
        return redirect(child_url(child))
    return render(
        request,
        "form_page.html",
        {"form": form, "title": "Record a short-break agreement date", "child": child, "back_url": child_url(child)},
    )
