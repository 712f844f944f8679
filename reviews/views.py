"""The pages of a review: recording and editing it, its meetings, preparing it, the recording
journey, its actions and documents. One module because each page is a thin call to a selector and
a service sharing the same access helpers (`_review_for_writer`, `_may_write`); the journey's
page logic lives in reviews/journey.py and its forms in reviews/forms.py."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import audit_record, child_form_page, render_child_page
from children.codes import LegalStatus
from children.forms import ShortBreakAgreementForm
from children.selectors import child_for_user, children_visible_to, current_allocation_of
from children.views import child_url
from core.forms import add_service_errors, request_number, submit
from core.pdf import PdfUnavailable

from . import documents, journey
from .forms import (
    ActionForm,
    ActionUpdateForm,
    DocumentSentForm,
    HealthPage,
    HeldPage,
    MeetingCancelForm,
    MeetingForm,
    ParticipantForm,
    PreparationForm,
    ReviewForm,
    ViewsForm,
)
from .models import Meeting, PartyRole, Review, ReviewDraft
from .record import legal_status_on, placements_in_year_to, report_due_by
from .schedule_services import short_break_agreement_record
from .selectors import (
    action_for_user,
    meeting_for_user,
    open_actions_of_child,
    participant_for_user,
    review_for_user,
    review_with_record,
    views_for_user,
)
from .services import (
    DOCUMENT_SENT_FIELDS,
    action_update,
    meeting_book,
    meeting_cancel,
    participant_add,
    participant_remove,
    review_document_sent,
    review_draft_discard,
    review_draft_save,
    review_held_errors,
    review_prepare,
    review_record,
    review_update,
    views_add,
    views_remove,
)


def may_write(user) -> None:
    """IROs and QA managers write about the children they see; other roles never reach a child in
    the first place (a second guard, for every writing page of reviews and consultations)."""
    if not user.can_see_caseloads:
        raise PermissionDenied


def _saved(request, review, verb: str):
    next_review = review.child.reviews.filter(held_on__isnull=True).order_by("-period_start").first()
    text = f"Review held on {review.held_on:%d/%m/%Y} {verb}."
    meeting = review.meetings.exclude(status=Meeting.Status.BOOKED).order_by("-pk").first()
    if verb == "recorded" and meeting is not None:
        if meeting.status == Meeting.Status.HELD:
            text += f" The meeting booked for {meeting.planned_on:%d/%m/%Y} is marked as held."
        elif meeting.status == Meeting.Status.RESCHEDULED and meeting.reason.startswith("The review was held"):
            text += f" The meeting booked for {meeting.planned_on:%d/%m/%Y} is marked as moved to that day."
    if next_review:
        text += f" The next review is {next_review.due_explanation}."
    messages.success(request, text)
    # A review recorded: the overview, with the next one due; a review changed: the reviews held.
    return redirect(child_url(review.child, "overview" if verb == "recorded" else "history"))


def _chair_of(user, child) -> int | None:
    """Who most likely chaired: the IRO recording it (allocated or covering), else the child's IRO now."""
    if user.is_iro:
        return user.pk
    allocation = current_allocation_of(child, today=timezone.localdate())
    return allocation.iro_id if allocation else None


@login_required
def review_record_view(request, public_id):
    child = child_for_user(request.user, public_id)
    may_write(request.user)
    form = ReviewForm(
        request.POST or None, initial={"chair": _chair_of(request.user, child)}, submit_label="Record review"
    )
    review = submit(request, form, review_record, child=child)
    if review is not None:
        return _saved(request, review, "recorded")
    waiting = child.reviews.filter(held_on__isnull=True).order_by("-period_start").first()
    return render_child_page(
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
    review = review_for_user(request.user, public_id, to_finish_paperwork=True)
    may_write(request.user)
    if not review.is_held:
        return redirect("reviews:record", public_id=review.child.public_id)
    form = ReviewForm(
        request.POST or None, initial=ReviewForm.initial_from(review), submit_label="Save changes", review=review
    )
    saved = submit(request, form, review_update, edits=review, review=review)
    if saved is not None:
        return _saved(request, saved, "updated")
    return render_child_page(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"Review held on {review.held_on:%d/%m/%Y}",
            "child": review.child,
            "back_url": child_url(review.child, "history"),
        },
    )


@login_required
def meeting_book_view(request, public_id):
    review = review_for_user(request.user, public_id)
    may_write(request.user)
    return child_form_page(
        request,
        MeetingForm(request.POST or None),
        meeting_book,
        review=review,
        about=review.child,
        title="Book the review meeting",
        lede=f"The review is {review.due_explanation}.",
        back_url=child_url(review.child),
        done=lambda meeting: (f"Meeting booked for {meeting.planned_on:%d/%m/%Y}.", child_url(review.child)),
    )


@login_required
def meeting_cancel_view(request, public_id):
    meeting = meeting_for_user(request.user, public_id)
    may_write(request.user)
    child = meeting.review.child
    return child_form_page(
        request,
        MeetingCancelForm(request.POST or None),
        meeting_cancel,
        meeting=meeting,
        about=child,
        title=f"Cancel the meeting on {meeting.planned_on:%d/%m/%Y}",
        back_url=child_url(child),
        done=lambda _: (f"Meeting on {meeting.planned_on:%d/%m/%Y} cancelled.", child_url(child)),
    )


@login_required
def short_break_agreement_view(request, public_id):
    child = child_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied

    def done(agreement):
        if not children_visible_to(request.user).filter(pk=child.pk).exists():
            # The arrangement ended, and the IRO's allocation with it: the child has left their caseload.
            messages.info(request, f"{child.la_child_id} is no longer on your caseload: the IRO allocation ended.")
            where = reverse("children:caseload")
        else:
            where = child_url(child, "about")
        return f"{agreement.get_kind_display()} on {agreement.on:%d/%m/%Y}: recorded.", where

    return child_form_page(
        request,
        ShortBreakAgreementForm(request.POST or None),
        short_break_agreement_record,
        child=child,
        about=child,
        title="Record a short-break agreement date",
        back_url=child_url(child, "about"),
        done=done,
    )


# --- Preparing the review ---


def _review_for_writer(request, public_id, *, to_finish_paperwork: bool = False) -> Review:
    review = review_for_user(request.user, public_id, to_finish_paperwork=to_finish_paperwork)
    may_write(request.user)
    return review


def _booked(review: Review) -> Meeting | None:
    return next((m for m in review.meetings.all() if m.status == Meeting.Status.BOOKED), None)


@login_required
def review_prepare_view(request, public_id):
    review = _review_for_writer(request, public_id)
    review = review_with_record(review)
    meeting = _booked(review)
    report_due = report_due_by(meeting.planned_on, nation=settings.BANK_HOLIDAY_NATION) if meeting else None
    form = PreparationForm(
        request.POST or None,
        initial=PreparationForm.initial_from(review),
        report_due=f"{report_due:%-d %B %Y}" if report_due else "",
    )
    if submit(request, form, review_prepare, edits=review, review=review) is not None:
        messages.success(request, "Preparation saved.")
        return redirect("reviews:prepare", public_id=review.public_id)
    return render_child_page(
        request,
        "reviews/prepare.html",
        {"review": review, "child": review.child, "meeting": meeting, "report_due": report_due, "form": form},
    )


def _add_to_review(request, public_id, form_class, service, *, title: str, saved: str):
    review = _review_for_writer(request, public_id)
    back = reverse("reviews:prepare", args=[review.public_id])
    return child_form_page(
        request,
        form_class(request.POST or None),
        service,
        review=review,
        about=review.child,
        title=title,
        back_url=back,
        done=lambda _: (saved, back),
    )


@login_required
def participant_add_view(request, public_id):
    return _add_to_review(
        request, public_id, ParticipantForm, participant_add, title="Add a person to the review", saved="Person added."
    )


@login_required
def views_add_view(request, public_id):
    return _add_to_review(request, public_id, ViewsForm, views_add, title="Add views given", saved="Views added.")


@login_required
@require_POST
def participant_remove_view(request, public_id):
    participant = participant_for_user(request.user, public_id)
    may_write(request.user)
    participant_remove(actor=request.user, participant=participant)
    messages.success(request, f"{participant.name} removed.")
    return redirect("reviews:prepare", public_id=participant.review.public_id)


@login_required
@require_POST
def views_remove_view(request, public_id):
    views = views_for_user(request.user, public_id)
    may_write(request.user)
    views_remove(actor=request.user, views=views)
    messages.success(request, "Views removed.")
    return redirect("reviews:prepare", public_id=views.review.public_id)


# --- Recording the review: the journey ---


def _journey_review(request, public_id) -> tuple[Review, dict, list]:
    review = _review_for_writer(request, public_id)
    if review.is_held:
        raise Http404("This review has already been recorded")
    draft = ReviewDraft.objects.filter(review=review).values_list("data", flat=True).first() or {}
    return review, draft, open_actions_of_child(review.child)


def _held_on(draft: dict) -> date:
    form = journey.bound(journey.BY_SLUG["the-review"], draft, open_actions=[])
    if form is not None and form.is_valid():
        return form.cleaned_data["held_on"]
    return timezone.localdate()


def _from_episodes(review: Review, day: date) -> dict:
    episodes = list(review.child.episodes.all())
    status = legal_status_on(episodes, day)
    return {
        "on": day,
        "placements": placements_in_year_to(episodes, day),
        "legal_status": f"{LegalStatus(status).label} ({status})" if status else "Not looked after on this date",
    }


@login_required
def journey_start_view(request, public_id):
    review, draft, open_actions = _journey_review(request, public_id)
    pages = journey.pages_for(open_actions)
    first_unsaved = next((p.slug for p in pages if p.slug not in draft), journey.CHECK)
    return redirect("reviews:journey", public_id=review.public_id, page=first_unsaved)


@login_required
def journey_page_view(request, public_id, page):
    review, draft, open_actions = _journey_review(request, public_id)
    pages = journey.pages_for(open_actions)
    current = next((p for p in pages if p.slug == page), None)
    if current is None:
        raise Http404("No such page")
    if current.form is None:
        return _actions_page(request, review, draft, pages, current)
    kwargs = {"actions": open_actions} if current is journey.OUTCOMES else {}
    initial = {}
    if current.form is HeldPage:
        kwargs = {"due_on": review.due_on, "today": timezone.localdate()}
        initial = {"chair": _chair_of(request.user, review.child)}
    if request.method == "POST":
        data = journey.posted(request.POST)
        review_draft_save(actor=request.user, review=review, page=current.slug, data=data)
        form = current.form(data, **kwargs)
        form.is_valid()
        if current.form is HeldPage and "held_on" in form.cleaned_data:
            # Every rule broken shows at once, those of the fields the form accepted with the others'.
            errors = review_held_errors(child=review.child, waiting=review, **form.cleaned_data)
            errors = {field: e for field, e in errors.items() if field not in form.errors}
            if errors:
                add_service_errors(form, ValidationError(errors))
        if form.is_valid():
            after = journey.CHECK if request.GET.get("change") else journey.next_slug(pages, current.slug)
            return redirect("reviews:journey", public_id=review.public_id, page=after)
    else:
        form = journey.bound(current, draft, open_actions=open_actions) or current.form(initial=initial, **kwargs)
    return render_child_page(
        request,
        "reviews/journey_page.html",
        {
            **_journey_context(review, pages, current),
            "form": form,
            "from_episodes": _from_episodes(review, _held_on(draft)) if current.form is HealthPage else None,
            **_views_given(review, current),
        },
    )


def _views_given(review: Review, current) -> dict:
    """On the pages about the review and the child: the views given beforehand (and who was asked),
    and whether the child sent theirs, which suggests PN6 if they did not attend."""
    if current.slug not in ("the-review", "the-child"):
        return {"views_given": None}
    views = list(review.views_gathered.all())
    return {"views_given": views, "child_sent_views": any(v.role == PartyRole.CHILD for v in views)}


def _journey_context(review: Review, pages: list, current) -> dict:
    slugs = [p.slug for p in pages]
    step = slugs.index(current.slug) + 1 if current in pages else len(pages) + 1
    back = reverse("reviews:journey", args=[review.public_id, slugs[step - 2]]) if step > 1 else child_url(review.child)
    return {
        "review": review,
        "child": review.child,
        "page": current,
        "step": step,
        "steps": len(pages) + 1,
        "back_url": back,
        "title": current.title,
    }


def _actions_page(request, review, draft, pages, current):
    saved = draft.get("actions", {})
    added = list(saved.get("added", []))
    form = ActionForm(saved.get("pending") or None)
    if request.method == "POST":
        if "remove" in request.POST:
            index = request_number(request.POST["remove"])
            if index is not None and index < len(added):
                added.pop(index)
            review_draft_save(actor=request.user, review=review, page="actions", data={"added": added})
            return redirect("reviews:journey", public_id=review.public_id, page=current.slug)
        if "continue" in request.POST:
            return redirect("reviews:journey", public_id=review.public_id, page=journey.CHECK)
        data = journey.posted(request.POST)
        form = ActionForm(data)
        if form.is_valid():
            added.append(data)
            review_draft_save(actor=request.user, review=review, page="actions", data={"added": added})
            messages.success(request, "Action added.")
            return redirect("reviews:journey", public_id=review.public_id, page=current.slug)
        # Kept, with its errors, so nothing typed is lost.
        review_draft_save(actor=request.user, review=review, page="actions", data={"added": added, "pending": data})
    return render_child_page(
        request,
        "reviews/journey_actions.html",
        {
            **_journey_context(review, pages, current),
            "form": form,
            "added": [(values, journey.action_who(values)) for values in map(journey.action_values, added)],
        },
    )


@login_required
def journey_check_view(request, public_id):
    review, draft, open_actions = _journey_review(request, public_id)
    pages = journey.pages_for(open_actions)
    found = journey.answers(draft, open_actions=open_actions)
    errors = []
    if request.method == "POST" and not found.incomplete:
        try:
            recorded = review_record(
                actor=request.user,
                child=review.child,
                actions=found.actions,
                outcomes=found.outcomes,
                **found.recorded,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            return _saved(request, recorded, "recorded")
    held_on = found.recorded.get("held_on") or timezone.localdate()
    return render_child_page(
        request,
        "reviews/journey_check.html",
        {
            **_journey_context(review, pages, journey.Page(journey.CHECK, "Check your answers", None)),
            "answers": found,
            "errors": errors,
            "from_episodes": _from_episodes(review, held_on),
            "actions": [(values, journey.action_who(values)) for values in found.actions],
        },
    )


@login_required
@require_POST
def journey_discard_view(request, public_id):
    review = _review_for_writer(request, public_id)
    review_draft_discard(actor=request.user, review=review)
    messages.success(request, "The draft record was deleted.")
    return redirect(child_url(review.child))


# --- Actions between reviews ---


@login_required
def action_update_view(request, public_id):
    action = action_for_user(request.user, public_id)
    may_write(request.user)
    form = ActionUpdateForm(request.POST or None, initial=ActionUpdateForm.initial_from(action))
    if submit(request, form, action_update, edits=action, action=action) is not None:
        messages.success(request, "Action updated.")
        return redirect(child_url(action.review.child))
    return render_child_page(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Update an action",
            "lede": f"{action.what} ({action.responsible}; due by {action.due_on:%-d %B %Y})",
            "child": action.review.child,
            "back_url": child_url(action.review.child),
        },
    )


# --- The review's page and documents ---


@login_required
def review_detail_view(request, public_id):
    # Its chair may still need it to send out its decisions and record after handing the child over.
    review = review_with_record(review_for_user(request.user, public_id, to_finish_paperwork=True))
    audit_record(actor=request.user, action="review_viewed", obj=review)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "child": review.child,
            "from_episodes": _from_episodes(review, review.held_on) if review.is_held else None,
            "documents": _documents(review),
            "can_write": request.user.can_see_caseloads,
            "today": timezone.localdate(),
        },
    )


def _documents(review: Review) -> list[tuple]:
    """Each document of a held review: its kind, name, when it is due out and when it was sent."""
    if not review.is_held:
        return []
    due = documents.deadlines(review)
    return [
        (kind, label, due[kind], getattr(review, DOCUMENT_SENT_FIELDS[kind])) for kind, label in documents.KINDS.items()
    ]


@login_required
def document_download_view(request, public_id, document, fmt):
    review = review_for_user(request.user, public_id, to_finish_paperwork=True)
    if document not in documents.KINDS or fmt not in documents.FORMATS or not review.is_held:
        raise Http404("No such document")
    review = review_with_record(review)
    built = documents.build(document, review, today=timezone.localdate())
    if fmt == "pdf":
        try:
            body = documents.render_pdf(built)
        except PdfUnavailable as error:
            return render(request, "reports/pdf_unavailable.html", {"reason": str(error)}, status=503)
    else:
        body = documents.render_docx(built)
    audit_record(actor=request.user, action="review_document_downloaded", obj=review, document=document, format=fmt)
    response = HttpResponse(body, content_type=documents.FORMATS[fmt])
    # The file name says what it is, never whose.
    response["Content-Disposition"] = f'attachment; filename="review-{review.held_on:%Y-%m-%d}-{document}.{fmt}"'
    return response


@login_required
def document_sent_view(request, public_id, document):
    review = _review_for_writer(request, public_id, to_finish_paperwork=True)
    if document not in documents.KINDS or not review.is_held:
        raise Http404("No such document")
    form = DocumentSentForm(request.POST or None, initial={"sent_on": timezone.localdate()})
    if submit(request, form, review_document_sent, review=review, document=document) is not None:
        messages.success(request, f"{documents.KINDS[document]} marked as sent.")
        return redirect("reviews:detail", public_id=review.public_id)
    return render_child_page(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"Mark the {documents.KINDS[document].lower()} as sent",
            "lede": f"Due out by {documents.deadlines(review)[document]:%-d %B %Y}.",
            "child": review.child,
            "back_url": reverse("reviews:detail", args=[review.public_id]),
        },
    )
