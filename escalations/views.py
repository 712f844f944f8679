from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_list_viewed, audit_record, child_form_page
from children.selectors import child_for_user
from children.views import child_url
from core.collection_years import CollectionYear
from reviews.selectors import review_for_user

from .codes import STAGE_ORDER, Stage, Theme, stages_after
from .forms import RaiseForm, ResolveForm, ResponseForm, StageForm, WithdrawForm
from .models import DirectorReport, Escalation
from .periods import Period, periods_between
from .report import build_director_report, report_tables
from .selectors import (
    STATUS_LABELS,
    escalation_for_user,
    escalation_with_history,
    escalations_listed_for,
    for_listing,
    iros_who_raised,
    stage_for_user,
    status_conditions,
    status_counts,
    timeline,
)
from .services import (
    escalation_raise,
    escalation_resolve,
    escalation_stage_add,
    escalation_stage_respond,
    escalation_withdraw,
)

PAGE_SIZE = 50


def escalation_url(escalation: Escalation) -> str:
    return reverse("escalations:detail", args=[escalation.public_id])


# --- Raising ---------------------------------------------------------------------------------------


def _raise(request, child, *, review=None, back_url: str):
    if not request.user.is_iro:
        raise PermissionDenied  # the IRO's power to challenge: QA managers see and act, IROs raise

    def done(escalation):
        stage = escalation.current_stage
        message = f"Escalation raised. The response from {stage.sent_to} is due by {stage.respond_by:%-d %B %Y}."
        return message, escalation_url(escalation)

    return child_form_page(
        request,
        RaiseForm(request.POST or None),
        escalation_raise,
        child=child,
        review=review,
        about=child,
        title="Raise an escalation",
        lede=f"From the review held on {review.held_on:%-d %B %Y}." if review else "",
        back_url=back_url,
        done=done,
    )


@login_required
def escalation_raise_view(request, public_id):
    child = child_for_user(request.user, public_id)
    return _raise(request, child, back_url=child_url(child))


@login_required
def escalation_raise_from_review_view(request, public_id):
    review = review_for_user(request.user, public_id)
    if not review.is_held:
        raise Http404("An escalation is raised from a review that has been held.")
    return _raise(request, review.child, review=review, back_url=child_url(review.child, "history"))


# --- The escalation and what is done to it ----------------------------------------------------------


@login_required
def escalation_detail(request, public_id):
    escalation = escalation_for_user(request.user, public_id)
    audit_record(actor=request.user, action="escalation_viewed", obj=escalation)
    escalation = escalation_with_history(escalation)
    today = timezone.localdate()
    can_act = request.user.can_see_caseloads and escalation.is_open
    later = stages_after(escalation.stage)
    current = escalation.current_stage
    return render(
        request,
        "escalations/escalation_detail.html",
        {
            "escalation": escalation,
            "child": escalation.child,
            "events": timeline(escalation),
            "today": today,
            "current": current,
            "overdue": escalation.is_open and current and not current.is_answered and current.respond_by < today,
            "formal_overdue": escalation.is_open and escalation.formal_by and escalation.formal_by < today,
            "can_act": can_act,
            "can_escalate": can_act and any(s != Stage.CAFCASS for s in later),
            "can_refer": can_act and Stage.CAFCASS in later,
        },
    )


@login_required
def escalation_stage_view(request, public_id, refer: bool = False):
    escalation = escalation_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    later = [s for s in stages_after(escalation.stage) if s != Stage.CAFCASS]
    if not escalation.is_open or (Stage.CAFCASS not in stages_after(escalation.stage) if refer else not later):
        messages.info(request, "This escalation cannot be taken further.")
        return redirect(escalation_url(escalation))
    # A referral's form has no stage field: the stage is Cafcass.
    cafcass = {"stage": Stage.CAFCASS} if refer else {}

    def done(stage):
        action = "Referred to Cafcass" if refer else f"Escalated to {stage.get_stage_display().lower()}"
        return f"{action}. The response is due by {stage.respond_by:%-d %B %Y}.", escalation_url(escalation)

    return child_form_page(
        request,
        StageForm(request.POST or None, stages=None if refer else later),
        escalation_stage_add,
        escalation=escalation,
        **cafcass,
        about=escalation.child,
        title="Refer to Cafcass" if refer else "Escalate to a later stage",
        lede=f"The escalation is at the {Stage(escalation.stage).label.lower()} stage."
        + ("" if refer else " To refer the concern to Cafcass, go back and choose Refer to Cafcass."),
        back_url=escalation_url(escalation),
        done=done,
    )


@login_required
def escalation_refer_view(request, public_id):
    return escalation_stage_view(request, public_id, refer=True)


@login_required
def stage_response_view(request, public_id):
    stage = stage_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    escalation = stage.escalation
    if stage.is_answered or not escalation.is_open or escalation.current_stage_id != stage.pk:
        messages.info(
            request, "The response to this stage is already recorded, the concern has moved on, or it is closed."
        )
        return redirect(escalation_url(escalation))
    return child_form_page(
        request,
        ResponseForm(request.POST or None),
        escalation_stage_respond,
        stage=stage,
        about=escalation.child,
        title=f"Record the response: {stage.get_stage_display().lower()}",
        lede=f"Sent to {stage.sent_to} on {stage.sent_on:%-d %B %Y}; response due by {stage.respond_by:%-d %B %Y}.",
        back_url=escalation_url(escalation),
        done=lambda answered: (
            f"Response from {answered.sent_to} recorded ({'late' if answered.answered_late else 'in time'}).",
            escalation_url(escalation),
        ),
    )


def _close_view(request, public_id, *, form_class, service, title: str, done: str):
    escalation = escalation_for_user(request.user, public_id)
    if not request.user.can_see_caseloads:
        raise PermissionDenied
    if not escalation.is_open:
        messages.info(request, f"This escalation is already {escalation.get_status_display().lower()}.")
        return redirect(escalation_url(escalation))
    return child_form_page(
        request,
        form_class(request.POST or None),
        service,
        escalation=escalation,
        about=escalation.child,
        title=title,
        back_url=escalation_url(escalation),
        done=lambda _: (done, escalation_url(escalation)),
    )


@login_required
def escalation_resolve_view(request, public_id):
    return _close_view(
        request,
        public_id,
        form_class=ResolveForm,
        service=escalation_resolve,
        title="Resolve the escalation",
        done="Escalation resolved.",
    )


@login_required
def escalation_withdraw_view(request, public_id):
    return _close_view(
        request,
        public_id,
        form_class=WithdrawForm,
        service=escalation_withdraw,
        title="Withdraw the escalation",
        done="Escalation withdrawn.",
    )


# --- The list ----------------------------------------------------------------------------------------


@login_required
def escalation_list(request):
    user = request.user
    if not user.sees_escalations:
        raise PermissionDenied
    today = timezone.localdate()
    escalations = escalations_listed_for(user)
    theme = request.GET.get("theme", "")
    if theme in Theme.values:
        escalations = escalations.filter(theme=theme)
    stage = request.GET.get("stage", "")
    if stage in STAGE_ORDER:
        escalations = escalations.filter(stage=stage)
    iros = None if user.is_iro else list(iros_who_raised())
    iro_id = request.GET.get("iro", "")
    chosen_iro = next((i for i in iros if str(i.pk) == iro_id), None) if iros else None
    if chosen_iro:
        escalations = escalations.filter(raised_by=chosen_iro)
    counts = status_counts(escalations, today=today)
    status = request.GET.get("status", "open")
    conditions = status_conditions(today)
    if status in conditions:
        escalations = escalations.filter(conditions[status])
    else:
        status = "all"
    page = Paginator(for_listing(escalations, today=today), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list_viewed(actor=user, action="escalations_listed", children=[e.child for e in page.object_list])
    return render(
        request,
        "escalations/escalation_list.html",
        {
            "page": page,
            "today": today,
            "themes": Theme.choices,
            "theme": theme,
            "stages": Stage.choices,
            "stage": stage,
            "iros": iros,
            "chosen_iro": chosen_iro,
            "status": status,
            "status_counts": [(key, label, counts[key]) for key, label in STATUS_LABELS.items()],
            "total": counts["total"],
            # The Director sees escalations by LA child id only, and no escalation's own page.
            "identifies_children": user.can_see_caseloads,
            "sees_reports": user.sees_service_figures,
        },
    )


# --- The Director's report -----------------------------------------------------------------------------


@login_required
def director_report_view(request):
    user = request.user
    if not user.sees_service_figures:
        raise PermissionDenied
    today = timezone.localdate()
    # Every period since the first escalation, and at least since the start of last collection year.
    last_year = CollectionYear.last_complete(today).start
    first = Escalation.objects.aggregate(first=Min("raised_on"))["first"] or last_year
    periods = periods_between(min(first, last_year), today)
    try:
        period = Period.from_key(request.GET["period"]) if request.GET.get("period") else periods[0]
    except ValueError:
        raise Http404("No such reporting period.") from None
    if period.end >= today:
        raise Http404("That period has not ended yet.")
    if period not in periods:
        periods.append(period)  # an earlier period asked for by its address: still in the list
    stored = DirectorReport.objects.filter(period_start=period.start).first()
    figures = stored.figures if stored else build_director_report(period)
    sent = stored.deliveries.filter(sent_at__isnull=False).select_related("recipient") if stored else []
    return render(
        request,
        "escalations/director_report.html",
        {
            "period": period,
            "periods": periods,
            "stored": stored,
            "sent": list(sent),
            "tables": report_tables(figures),
        },
    )
