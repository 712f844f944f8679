from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_list_viewed, audit_record, child_form_page, render_child_page
from accounts.models import User
from core.forms import add_service_errors, request_number, submit
from core.periods import periods_of_care

from .forms import (
    AllocationForm,
    ChildDetailsForm,
    ContactForm,
    ContactRemoveForm,
    CoverForm,
    MissingEpisodeForm,
    ReallocationForm,
    SiblingForm,
)
from .pages import CHILD_PAGES, child_page_context
from .selectors import (
    AUDIT_PAGE_SIZE,
    CaseloadFilters,
    DueStatus,
    allocation_history,
    audit_of_child,
    caseload_for,
    caseload_page,
    child_for_user,
    contact_for_user,
    contacts_of,
    current_allocation_of,
    due_status_of,
    missing_episode_for_user,
    reallocation_preview,
    short_break_arrangements_with_breaks,
    siblings_iro,
)
from .services import (
    allocation_change,
    caseload_reallocate,
    child_details_update,
    contact_add,
    contact_remove,
    contact_update,
    cover_record,
    missing_episode_record,
    missing_episode_update,
    sibling_change,
)

CASELOAD_SEARCH = "caseload_search"
SEARCHED = "searched"


@login_required
def caseload(request):
    user = request.user
    if not user.can_see_caseloads:
        raise PermissionDenied
    if request.method == "POST":
        # Post/redirect/get: the search term lives in the session, never in the URL. `searched` in
        # the URL (no term) keeps it while the user sorts, filters and pages the results; any visit
        # without it (the navigation, a link from elsewhere) forgets it, as does clearing it.
        search = request.POST.get("q", "").strip()[:100]
        query = request.GET.copy()
        query.pop("page", None)
        query.pop(SEARCHED, None)
        if search:
            request.session[CASELOAD_SEARCH] = search
            query[SEARCHED] = "1"
        else:
            request.session.pop(CASELOAD_SEARCH, None)
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    if SEARCHED not in request.GET:
        request.session.pop(CASELOAD_SEARCH, None)
    filters = CaseloadFilters(
        iro=request.GET.get("iro", ""),
        iro_name=request.GET.get("iro_name", ""),
        status=request.GET.get("status", ""),
        sort=request.GET.get("sort", "due"),
        search=request.session.get(CASELOAD_SEARCH, ""),
        page=request.GET.get("page"),
    )
    caseload = caseload_page(user, filters, today=timezone.localdate())
    # Every child the page shows, the children covered for a colleague as much as the IRO's own.
    audit_list_viewed(actor=user, action="caseload_viewed", children=[*caseload.page.object_list, *caseload.covering])
    return render(
        request,
        "children/caseload.html",
        {**vars(caseload), "statuses": DueStatus.LABELS},
    )


@login_required
def child_detail(request, public_id):
    """The overview of the child's record: who they are, their IRO, and what is due and open now."""
    today = timezone.localdate()
    child = child_for_user(request.user, public_id, next_due=True)
    episodes = list(child.episodes.all())
    arrangements = list(child.short_break_arrangements.all())
    allocations = allocation_history(child)
    return _child_page(
        request,
        "overview",
        child,
        today,
        {
            # Oldest first, as current_allocation_of finds them: the allocation in force, the first
            # handover planned for a later date.
            "current_allocation": next((a for a in reversed(allocations) if a.in_force_on(today)), None),
            "pending_allocation": next((a for a in reversed(allocations) if a.start_on > today), None),
            "due_status": due_status_of(child, today=today, episodes=episodes, arrangements=arrangements),
            "in_short_breaks": bool(arrangements),
            "age": child.age_on(today),
        },
    )


@login_required
def child_about(request, public_id):
    """The child's details, the people around them, and their care: episodes, short breaks, missing
    episodes and the IROs they have had."""
    today = timezone.localdate()
    child = child_for_user(request.user, public_id)
    episodes = list(child.episodes.all())
    arrangements = list(child.short_break_arrangements.all())
    return _child_page(
        request,
        "about",
        child,
        today,
        {
            "episodes": episodes,
            "periods": periods_of_care(episodes),
            "allocations": allocation_history(child),
            "age": child.age_on(today),
            "contacts": contacts_of(child),
            "siblings": child.siblings.all(),
            "missing_episodes": child.missing_episodes.all(),
            "short_breaks": short_break_arrangements_with_breaks(arrangements, episodes),
            "agreements": child.short_break_agreements.all(),
        },
    )


@login_required
def child_history(request, public_id):
    """The reviews held and the timeline of the IRO's involvement with the child."""
    today = timezone.localdate()
    child = child_for_user(request.user, public_id)
    return _child_page(request, "history", child, today, {})


def _child_page(request, page: str, child, today, context: dict):
    """A page of the child's record (children.pages.CHILD_PAGES), with every app's part of it; its
    viewing audited."""
    user = request.user
    audit_record(actor=user, action="child_viewed", obj=child, page=page)
    return render(
        request,
        f"children/child_{page}.html",
        {
            "child": child,
            "today": today,
            "record_pages": [(url_name, label, name == page) for name, (url_name, label) in CHILD_PAGES.items()],
            "can_change_iro": user.sees_every_child,
            "can_edit_details": user.can_see_caseloads,
            **context,
            **child_page_context(child, today=today, page=page),
        },
    )


@login_required
def allocation_change_view(request, public_id):
    child = child_for_user(request.user, public_id)
    if not request.user.sees_every_child:
        raise PermissionDenied
    today = timezone.localdate()
    current = current_allocation_of(child, today=today)
    suggested = siblings_iro(child, today=today)
    if current is not None and suggested == current.iro:
        suggested = None  # the siblings share the child's IRO already
    form = AllocationForm(request.POST or None, today=today, changing=current is not None, suggested=suggested)
    allocation = submit(request, form, allocation_change, child=child)
    if allocation is not None:
        if allocation.start_on > today:
            text = f"{allocation.iro} takes over as {child.full_name}’s IRO on {allocation.start_on:%-d %B %Y}."
        else:
            text = f"{allocation.iro} is now {child.full_name}’s IRO."
        messages.success(request, text)
        return redirect("children:detail", public_id=child.public_id)
    title = "Change the child’s IRO" if current else "Allocate an IRO"
    lede = f"Their IRO now is {current.iro}." if current else "The child has no IRO allocated."
    return render_child_page(
        request,
        "form_page.html",
        {"form": form, "title": title, "lede": lede, "child": child, "back_url": child_url(child)},
    )


@login_required
def child_details_view(request, public_id):
    """The child's name and the details that help them take part: for their IRO and QA managers."""
    child = child_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    form = ChildDetailsForm(request.POST or None, initial=ChildDetailsForm.initial_from(child))
    return child_form_page(
        request,
        form,
        child_details_update,
        edits=child,
        child=child,
        about=child,
        title="Change the child’s details",
        back_url=child_url(child, "about"),
        done=lambda saved: (f"{saved.full_name}’s details saved.", child_url(saved, "about")),
    )


@login_required
def contact_add_view(request, public_id):
    child = child_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    form = ContactForm(request.POST or None, submit_label="Add person")
    return child_form_page(
        request,
        form,
        contact_add,
        child=child,
        about=child,
        title="Add a person around the child",
        back_url=child_url(child, "about"),
        done=lambda contact: (f"{contact.name} added.", child_url(child, "about")),
    )


@login_required
def contact_edit_view(request, public_id):
    contact = contact_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    child = contact.child
    form = ContactForm(request.POST or None, initial=ContactForm.initial_from(contact), submit_label="Save changes")
    return child_form_page(
        request,
        form,
        contact_update,
        edits=contact,
        contact=contact,
        about=child,
        title=f"Change {contact.name}’s details",
        back_url=child_url(child, "about"),
        done=lambda saved: (f"{saved.name}’s details saved.", child_url(child, "about")),
    )


@login_required
def contact_remove_view(request, public_id):
    contact = contact_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    child = contact.child
    form = ContactRemoveForm(request.POST if request.method == "POST" else None)
    return child_form_page(
        request,
        form,
        contact_remove,
        contact=contact,
        about=child,
        title=f"Remove {contact.name}?",
        lede=f"{contact.get_role_display()}. The record’s history keeps who they were.",
        back_url=child_url(child, "about"),
        done=lambda _: (f"{contact.name} removed.", child_url(child, "about")),
    )


@login_required
def siblings_view(request, public_id):
    child = child_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    form = SiblingForm(request.POST or None)
    return child_form_page(
        request,
        form,
        sibling_change,
        child=child,
        about=child,
        title="Link or unlink a sibling",
        back_url=child_url(child, "about"),
        done=lambda _: ("Siblings saved.", child_url(child, "about")),
    )


@login_required
def missing_episode_record_view(request, public_id):
    child = child_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    form = MissingEpisodeForm(request.POST or None, submit_label="Record missing episode")
    return child_form_page(
        request,
        form,
        missing_episode_record,
        child=child,
        about=child,
        title="Record a missing episode",
        back_url=child_url(child, "about"),
        done=lambda missing: (
            f"{missing.get_kind_display()} from {missing.start_on:%d/%m/%Y} recorded.",
            child_url(child, "about"),
        ),
    )


@login_required
def missing_episode_edit_view(request, public_id):
    missing = missing_episode_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    child = missing.child
    form = MissingEpisodeForm(
        request.POST or None, initial=MissingEpisodeForm.initial_from(missing), submit_label="Save changes"
    )
    return child_form_page(
        request,
        form,
        missing_episode_update,
        edits=missing,
        missing=missing,
        about=child,
        title="Change a missing episode",
        back_url=child_url(child, "about"),
        done=lambda saved: (
            f"{saved.get_kind_display()} from {saved.start_on:%d/%m/%Y} saved.",
            child_url(child, "about"),
        ),
    )


@login_required
def child_audit_view(request, public_id):
    """For QA managers: who has viewed or changed the child's record, and when."""
    child = child_for_user(request.user, public_id)
    if not request.user.sees_every_child:
        raise PermissionDenied
    audit_record(actor=request.user, action="child_audit_viewed", obj=child)
    page = Paginator(audit_of_child(child), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "children/child_audit.html", {"child": child, "page": page})


@login_required
def cover_record_view(request):
    """A QA manager records an IRO covering another's caseload, or named children, for a period."""
    if not request.user.sees_every_child:
        raise PermissionDenied
    form = CoverForm(request.POST or None)
    cover = submit(request, form, cover_record)
    if cover is not None:
        messages.success(request, f"{cover.iro} covers from {cover.start_on:%d/%m/%Y} to {cover.end_on:%d/%m/%Y}.")
        return redirect("children:caseload")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Record cover",
            "lede": "While the cover lasts, the covering IRO sees the children covered; it ends by itself.",
            "back_url": reverse("children:caseload"),
        },
    )


def child_url(child, page: str = "overview") -> str:
    """A page of the child's record (children.pages.CHILD_PAGES): the overview, `about` (where the
    forms above that change the child's details, people and care come back to) or `history`."""
    return reverse(CHILD_PAGES[page][0], kwargs={"public_id": child.public_id})


@login_required
def caseload_reallocate_view(request):
    """A QA manager moves all or some of an IRO's children to other IROs from one dated handover:
    chosen, then shown each receiving IRO's caseload before and after, then confirmed."""
    if not request.user.sees_every_child:
        raise PermissionDenied
    iro_id = request_number(request.GET.get("iro", ""))
    if iro_id is None:
        return redirect("children:caseload")  # reached from an IRO's caseload, which names them
    from_iro = get_object_or_404(User, pk=iro_id, role=User.Role.IRO)
    today = timezone.localdate()
    children = caseload_for(request.user, iro=from_iro, day=today).order_by("last_name", "first_name")
    form = ReallocationForm(request.POST or None, children=children, from_iro=from_iro, today=today)
    preview = None
    if request.method == "POST" and form.is_valid():
        moves = form.moves()
        if "confirm" in request.POST:
            arguments = {k: form.cleaned_data[k] for k in ("start_on", "reason", "note")}
            try:
                caseload_reallocate(actor=request.user, from_iro=from_iro, moves=moves, **arguments)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                when = "from today" if arguments["start_on"] <= today else f"on {arguments['start_on']:%-d %B %Y}"
                messages.success(request, f"{len(moves)} of {from_iro}’s children move to their new IROs {when}.")
                return redirect(f"{reverse('children:caseload')}?iro={from_iro.pk}")
        elif not moves:
            form.add_error(None, "Choose an IRO for at least one child")
        else:
            preview = reallocation_preview(from_iro, moves, iros=form.iros.values())
    return render(
        request,
        "children/reallocate.html",
        {"form": form, "from_iro": from_iro, "preview": preview, "children": form.children},
    )
