from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from core.forms import submit
from core.periods import breaks_and_full_time_care, periods_of_care
from reviews.selectors import reviews_of_child

from .forms import AllocationForm, MissingEpisodeForm
from .models import Child, ShortBreakArrangement
from .selectors import (
    DueStatus,
    add_midway,
    caseload_for,
    child_for_user,
    due_soon_by,
    iros_with_caseload_counts,
    missing_episode_for_user,
    with_midway_check,
    with_next_review,
)
from .services import allocation_change, missing_episode_record, missing_episode_update

SORTS = {
    "due": [F("next_due_on").asc(nulls_last=True), "last_name"],
    "-due": [F("next_due_on").desc(nulls_last=True), "last_name"],
    "name": ["last_name", "first_name"],
    "-name": ["-last_name", "-first_name"],
    "child": ["la_child_id"],
    "-child": ["-la_child_id"],
    "iro": ["current_allocation__iro__last_name", "last_name"],
    "-iro": ["-current_allocation__iro__last_name", "last_name"],
}
PAGE_SIZE = 50


CASELOAD_SEARCH = "caseload_search"


@login_required
def caseload(request):
    user = request.user
    if not user.can_see_caseloads:
        raise PermissionDenied
    if request.method == "POST":
        # Post/redirect/get: the search term lives in the session, never in the URL.
        request.session[CASELOAD_SEARCH] = request.POST.get("q", "").strip()[:100]
        return redirect(request.get_full_path())
    today = timezone.localdate()
    soon = due_soon_by(today)

    iros = iros_with_caseload_counts(today=today) if user.sees_every_child else None
    iro_id = request.GET.get("iro", "")
    chosen_iro = next((i for i in iros if str(i.pk) == iro_id), None) if iros is not None else None
    children = with_next_review(caseload_for(user, iro=chosen_iro), today=today, soon=soon)
    unallocated = iros is not None and iro_id == "none"
    if unallocated:
        children = children.filter(current_allocation__isnull=True)
    search = request.session.get(CASELOAD_SEARCH, "")
    if search:
        children = children.filter(
            Q(la_child_id__iexact=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    counts = children.aggregate(
        total=Count("pk"), **{status: Count("pk", filter=Q(due_status=status)) for status in DueStatus.LABELS}
    )
    status = request.GET.get("status", "")
    if status in DueStatus.LABELS:
        children = children.filter(due_status=status)
    sort = request.GET.get("sort", "due")
    if sort not in SORTS or (sort.lstrip("-") == "iro" and not user.sees_every_child):
        sort = "due"
    page = Paginator(with_midway_check(children).order_by(*SORTS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    add_midway(page.object_list, today=today)
    return render(
        request,
        "children/caseload.html",
        {
            "page": page,
            "total": counts["total"],
            "status_counts": [(key, label, counts[key]) for key, label in DueStatus.LABELS.items()],
            "statuses": DueStatus.LABELS,
            "status": status,
            "sort": sort,
            "search": search,
            "iros": iros,
            "chosen_iro": chosen_iro,
            "unallocated": unallocated,
            "soon": soon,
            "today": today,
        },
    )


@login_required
def child_detail(request, public_id):
    child = child_for_user(request.user, public_id)
    audit_record(actor=request.user, action="child_viewed", obj=child)
    episodes = list(child.episodes.all())
    reviews = reviews_of_child(child)
    next_reviews = [r for r in reviews if not r.is_held]
    today = timezone.localdate()
    # The status comes from the same query as the caseload's, so the two pages always agree.
    status = with_next_review(Child.objects.filter(pk=child.pk), today=today, soon=due_soon_by(today))
    status = status.values_list("due_status", flat=True).first() or DueStatus.NONE
    return render(
        request,
        "children/child_detail.html",
        {
            "child": child,
            "episodes": episodes,
            "periods": periods_of_care(episodes),
            "allocations": child.allocations.select_related("iro").order_by("-start_on", "-pk"),
            "held_reviews": [r for r in reversed(reviews) if r.is_held],
            "next_review": next_reviews[-1] if next_reviews else None,
            "missed_reviews": next_reviews[:-1],
            "due_status": status,
            "age": child.age_on(today),
            "today": today,
            "can_change_iro": request.user.sees_every_child,
            "short_breaks": short_break_arrangements_with_breaks(child, episodes),
            "agreements": child.short_break_agreements.all(),
        },
    )


@login_required
def allocation_change_view(request, public_id):
    child = child_for_user(request.user, public_id)
    if not request.user.sees_every_child:
        raise PermissionDenied
    form = AllocationForm(request.POST or None)
    allocation = submit(request, form, allocation_change, child=child)
    if allocation is not None:
        messages.success(request, f"{allocation.iro} is now the IRO for {child.la_child_id}.")
        return redirect("children:detail", public_id=child.public_id)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Change the child's IRO",
            "child": child,
            "back_url": child_url(child),
        },
    )


@login_required
def missing_episode_record_view(request, public_id):
    child = child_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    form = MissingEpisodeForm(request.POST or None, submit_label="Record missing episode")
    missing = submit(request, form, missing_episode_record, child=child)
    if missing is not None:
        messages.success(request, f"{missing.get_kind_display()} from {missing.start_on:%d/%m/%Y} recorded.")
        return redirect(child_url(child))
    return render(
        request,
        "form_page.html",
        {"form": form, "title": "Record a missing episode", "child": child, "back_url": child_url(child)},
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
    saved = submit(request, form, missing_episode_update, missing=missing)
    if saved is not None:
        messages.success(request, f"{saved.get_kind_display()} from {saved.start_on:%d/%m/%Y} saved.")
        return redirect(child_url(child))
    return render(
        request,
        "form_page.html",
        {"form": form, "title": "Change a missing episode", "child": child, "back_url": child_url(child)},
    )


def child_url(child) -> str:
    return reverse("children:detail", kwargs={"public_id": child.public_id})


def short_break_arrangements_with_breaks(child: Child, episodes) -> list[tuple[ShortBreakArrangement, list]]:
    """The child's short-break arrangements as stored, newest first, each with its breaks."""
    breaks, _full_time = breaks_and_full_time_care(episodes)
    return [
        (a, [b for b in breaks if a.start_on <= b.start and (a.end_on is None or b.start <= a.end_on)])
        for a in reversed(child.short_break_arrangements.all())
    ]
