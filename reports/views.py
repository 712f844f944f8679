"""The QA dashboard, the lists behind its figures, and the annual report in each format.

Who may see what: QA managers everything here; the Director the dashboard (its figures not linked,
since the lists behind them name children by LA child id and the Director sees no child records)
and the annual report, read-only; an IRO nothing (403). The annual report identifies no child.
"""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.audit import audit_list_viewed
from accounts.models import User
from children.selectors import DueStatus, with_current_iro
from consultations.selectors import CONSULTATIONS_DEFINITION
from core.collection_years import CollectionYear
from core.forms import request_number
from reviews.models import ParticipationCode

from . import annual, kpis
from .annual import ReportNotAvailable
from .forms import ReportTextForm, SessionalWorkForm
from .kpis import year_window
from .models import ReportNarrative, ServiceBudget
from .renderers import FORMATS, filename
from .renderers import pdf as pdf_renderer
from .renderers.csv_tables import render_csv, render_zip
from .renderers.html import context as report_context
from .renderers.html import render_html
from .renderers.json_figures import render_json
from .renderers.word import render_docx
from .selectors import SESSIONAL_KINDS, sessional_work
from .selectors import dashboard as dashboard_figures
from .selectors import iro_timeliness as timeliness_figures
from .services import budget_set, narrative_save

PAGE_SIZE = 50
# The dashboard's caseload table: the largest authority's IROs (about 80) on one page; a shared or
# national service's thousands over several, so the page stays the same size whatever their number.
IROS_PER_PAGE = 100


# --- The dashboard ----------------------------------------------------------------------------------


@login_required
def dashboard(request):
    """Caseloads now, reviews overdue and due soon by IRO, and the year to date. A fixed number of
    queries, whatever the number of children. Each figure links to the list behind it for QA
    managers; the Director sees the figures only."""
    user = request.user
    if not user.sees_service_figures:
        raise PermissionDenied
    links = user.sees_every_child
    figures = dashboard_figures(today=timezone.localdate())
    caseload = reverse("children:caseload")

    def caseload_urls(iro) -> dict[str, str]:
        base = {"iro": iro.pk if iro else "none"}
        return {
            "children": f"{caseload}?{urlencode(base)}",
            "overdue": f"{caseload}?{urlencode(base | {'status': DueStatus.OVERDUE})}",
            "due_soon": f"{caseload}?{urlencode(base | {'status': DueStatus.DUE_SOON})}",
        }

    def figure_url(figure: str, **extra) -> str:
        query = urlencode({"year": figures.year.year, "figure": figure, **extra})
        return f"{reverse('reports:figures')}?{query}"

    now = figures.now
    page = Paginator(figures.caseload_rows, IROS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = [kpis.IROCaseload.from_row(row) for row in page.object_list]
    escalation_list = reverse("escalations:list")
    return render(
        request,
        "reports/dashboard.html",
        {
            "today": figures.today,
            "soon": figures.soon,
            "links": links,
            "now": [
                ("Children looked after", "looked_after", now["looked_after"], caseload),
                ("Reviews overdue", "overdue", now["overdue"], f"{caseload}?status=overdue"),
                (
                    f"Reviews due by {figures.soon:%-d %B %Y}",
                    "due_soon",
                    now["due_soon"],
                    f"{caseload}?status=due_soon",
                ),
                ("Children without an IRO", "unallocated", now["unallocated"], f"{caseload}?iro=none"),
            ],
            "page": page,
            "rows": [(row, caseload_urls(row.iro), figures.actions_overdue.get(row.iro.pk, 0)) for row in page],
            "unallocated": (figures.unallocated, caseload_urls(None), figures.actions_overdue.get(None, 0)),
            "caseload_range": kpis.CASELOAD_RANGE,
            "year": figures.year,
            "window": figures.window,
            "reviews_held": (figures.participation["total"], figure_url("held")),
            "late_total": (sum(figures.late.values()), figure_url("late")),
            "paperwork_late": {
                document: (n, figure_url(f"{document}_late")) for document, n in figures.paperwork_late.items()
            },
            "ni66": (figures.ni66, figure_url("ni66"), figure_url("ni66_late")),
            "c63": (figures.c63, figure_url("c63"), figure_url("c63_not_contributing")),
            "short_breaks": figures.short_breaks,
            "record_figures": record_figure_links(figures.record, figure_url),
            "short_break_definition": kpis.SHORT_BREAK_DEFINITION,
            "participation": [
                (code, annual.meaning(label), figures.participation[code], figure_url("held", code=code))
                for code, label in ParticipationCode.choices
            ],
            "late": [
                (reason, label, figures.late[reason], figure_url("late", reason=reason))
                for reason, label in kpis.LATE_REASONS.items()
            ],
            "escalations": figures.escalations,
            "consultations": figures.consultations,
            "consultations_definition": CONSULTATIONS_DEFINITION,
            "escalation_urls": {
                "open": f"{escalation_list}?status=open",
                "overdue": f"{escalation_list}?status=overdue",
            },
            # The escalations list shows the Director escalations by LA child id: link it for them too.
            "escalation_links": user.sees_escalations,
        },
    )


@login_required
def iro_timeliness(request):
    """One IRO's own figures for the year to date: an IRO sees their own, a QA manager any IRO's
    (`?iro=` the IRO's id, linked from the dashboard's caseload table; without it, the list of IROs)."""
    user = request.user
    if user.sees_every_child:
        iro_id = request.GET.get("iro", "")
        if not iro_id:
            iros = User.objects.filter(role=User.Role.IRO).order_by("first_name", "last_name", "pk")
            return render(
                request, "reports/iro_timeliness.html", {"choose": iros, "back_url": reverse("reports:dashboard")}
            )
        pk = request_number(iro_id)
        if pk is None:
            raise Http404("No such IRO")
        iro = get_object_or_404(User, pk=pk, role=User.Role.IRO)
    elif user.is_iro:
        iro = user
    else:
        raise PermissionDenied
    figures = timeliness_figures(iro=iro, today=timezone.localdate())
    return render(
        request,
        "reports/iro_timeliness.html",
        {"figures": figures, "own": iro == user, "back_url": reverse("reports:dashboard") if iro != user else ""},
    )


# --- Sessional IROs' work for payment (QA managers) -------------------------------------------------


def _sessional_request(request):
    """The form, and (if it is valid) the IRO, the month and their work in it."""
    if not request.user.sees_every_child:
        raise PermissionDenied
    form = SessionalWorkForm(request.GET if "iro" in request.GET or "month" in request.GET else None)
    if not form.is_valid():
        return form, None, None, None
    iro, month = form.cleaned_data["iro"], form.cleaned_data["month"]
    return form, iro, month, sessional_work(iro=iro, month=month)


@login_required
def sessional(request):
    """A sessional IRO's reviews chaired, midway checks and case notes in a month, by LA child id."""
    form, iro, month, items = _sessional_request(request)
    if items:
        audit_list_viewed(actor=request.user, action="sessional_work_viewed", children=[i.child for i in items])
    query = urlencode({"iro": iro.pk, "month": f"{month:%Y-%m}"}) if iro else ""
    return render(
        request,
        "reports/sessional.html",
        {
            "form": form,
            "iro": iro,
            "month": month,
            "items": [(item, SESSIONAL_KINDS[item.kind]) for item in items or ()],
            "counts": {kind: sum(item.kind == kind for item in items or ()) for kind in SESSIONAL_KINDS},
            "download_url": f"{reverse('reports:sessional_download')}?{query}",
        },
    )


@login_required
def sessional_download(request):
    """The month's work as CSV for payment: date, what and LA child id (no names), audited."""
    form, iro, month, items = _sessional_request(request)
    if iro is None:  # back to the page, which names what is missing
        return redirect(f"{reverse('reports:sessional')}?{request.GET.urlencode()}")
    audit_list_viewed(actor=request.user, action="sessional_work_downloaded", children=[i.child for i in items])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["IRO", "Date", "Work", "LA child id"])
    for item in items:
        writer.writerow([iro.get_full_name(), item.on.isoformat(), SESSIONAL_KINDS[item.kind], item.child.la_child_id])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sessional-work-{iro.pk}-{month:%Y-%m}.csv"'
    return response


# --- The lists behind the figures (QA managers) -----------------------------------------------------

REVIEW_FIGURES = {
    "held": "Reviews held",
    "late": "Reviews held late",
    "decisions_late": "Reviews whose decisions went out late",
    "record_late": "Reviews whose full record went out late",
}


def record_figure_links(figures: dict, figure_url) -> list[tuple]:
    """(key, label, Ratio or count, the list behind it, the list of those not met) for the dashboard."""
    rows = [
        (key, label, figures[key], figure_url(key), figure_url(key, met="no"))
        for key, label in kpis.RECORD_FIGURES.items()
    ]
    rows.append(
        (
            "permanence_drifting",
            "Permanence plans drifting",
            figures["permanence_drifting"],
            figure_url("permanence_drifting"),
            "",
        )
    )
    return rows


CHILD_FIGURES = {
    "ni66": "Children with a review due (NI66)",
    "ni66_late": "Children with a review not held in time (NI66)",
    "c63": "Children aged 4 or over with a review held (C63)",
    "c63_not_contributing": "Children who did not contribute to every review (C63)",
}


def _year_param(request, today) -> CollectionYear:
    try:
        year = CollectionYear(int(request.GET.get("year") or CollectionYear.containing(today).year))
    except ValueError:
        raise Http404("No such collection year") from None
    if not 2000 <= year.year <= CollectionYear.containing(today).year:
        raise Http404("No such collection year")
    return year


@login_required
def figure_list(request):
    """The reviews or children behind one figure of the dashboard (or of a past year), by LA child id."""
    user = request.user
    if not user.sees_every_child:
        raise PermissionDenied
    today = timezone.localdate()
    year = _year_param(request, today)
    window = year_window(year, today)
    figure = request.GET.get("figure", "")
    code = request.GET.get("code", "")
    reason = request.GET.get("reason", "")
    if figure in REVIEW_FIGURES:
        if figure == "late":
            rows = kpis.late_reviews(window)
        elif figure in ("decisions_late", "record_late"):
            late = kpis.late_paperwork(window)[figure.removesuffix("_late")]
            rows = kpis.reviews_held(window).filter(pk__in=late)
        else:
            rows = kpis.reviews_held(window)
        title = REVIEW_FIGURES[figure]
        if code:
            if code not in kpis.PARTICIPATION_CODES:
                raise Http404("No such participation code")
            rows, title = rows.filter(participation=code), f"{title}, coded {code}"
        if reason:
            if reason not in kpis.LATE_REASONS:
                raise Http404("No such late reason")
            late_reason = "" if reason == kpis.NOT_RECORDED else reason
            rows = rows.filter(late_reason=late_reason)
            title = f"{title}: {kpis.LATE_REASONS[reason].lower()}"
        rows = rows.select_related("child", "chair").order_by("-held_on", "child__la_child_id")
        kind = "reviews"
    elif figure in CHILD_FIGURES:
        rows = {
            "ni66": lambda: kpis.ni66_children(window),
            "ni66_late": lambda: kpis.ni66_children(window).filter(in_time=False),
            "c63": lambda: kpis.c63_children(window),
            "c63_not_contributing": lambda: kpis.c63_children(window).filter(contributed=False),
        }[figure]()
        rows = with_current_iro(rows, day=today).order_by("last_name", "first_name", "la_child_id")
        title = CHILD_FIGURES[figure]
        kind = "children"
    elif figure in kpis.RECORD_FIGURES:
        rows = kpis.record_figure_rows(figure, window)
        title = kpis.RECORD_FIGURES[figure]
        if request.GET.get("met") == "no":
            rows, title = rows.filter(met=False), f"{title}: those not met"
        if figure == "actions_on_time":
            rows = rows.select_related("review__child").order_by("due_on", "review__child__la_child_id", "pk")
            kind = "actions"
        else:
            rows = rows.select_related("child", "chair").order_by("-held_on", "child__la_child_id")
            kind = "record_reviews"
    elif figure == "permanence_drifting":
        rows = kpis.permanence_drifting(window).order_by("la_child_id")
        title = "Children whose permanence plan is drifting"
        kind = "children"
    else:
        raise Http404("No such figure")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/figure_list.html",
        {
            "page": page,
            "kind": kind,
            "figure": figure,
            "title": title,
            "year": year,
            "window": window,
            "complete": year.is_complete(today),
            # NI66 and C63 children come with the review that decides whether they count.
            "explained": figure in ("ni66", "ni66_late", "c63", "c63_not_contributing"),
            "today": today,
        },
    )


# --- The annual report -------------------------------------------------------------------------------


def _report_year(request, today) -> CollectionYear:
    value = request.GET.get("year")
    if not value:
        return CollectionYear.last_complete(today)
    try:
        return annual.check_year(int(value), today)
    except (ValueError, ReportNotAvailable):
        raise Http404("There is no annual report for that year") from None


def _report_part(request) -> str:
    return annual.HALF_YEAR if request.GET.get("part") == annual.HALF_YEAR else ""


@login_required
def annual_report(request):
    """The annual report for a collection year as a page, with its downloads."""
    user = request.user
    if not user.sees_service_figures:
        raise PermissionDenied
    today = timezone.localdate()
    year = _report_year(request, today)
    part = _report_part(request)
    report = annual.build(year.year, today=today, part=part)
    download = reverse("reports:annual_download")
    part_query = f"&part={part}" if part else ""
    edit_url = f"{reverse('reports:annual_edit')}?year={year.year}"
    return render(
        request,
        "reports/annual_report.html",
        report_context(
            report,
            in_app=True,
            years=annual.available_years(today),
            downloads=[
                (FORMATS[fmt], f"{download}?year={year.year}{part_query}&format={fmt}")
                for fmt in ("pdf", "docx", "html", "json")
            ],
            zip_url=f"{download}?year={year.year}{part_query}&format=csv",
            csv_urls={
                table.slug: f"{download}?year={year.year}{part_query}&format=csv&table={table.slug}"
                for table in report.tables()
            },
            pdf_unavailable=pdf_renderer.unavailable_reason(),
            can_edit=user.sees_every_child,
            edit_url=edit_url,
        ),
    )


@login_required
def annual_download(request):
    """The annual report as a file: PDF, Word, HTML, JSON, or CSV (one table, or all in a zip)."""
    if not request.user.sees_service_figures:
        raise PermissionDenied
    today = timezone.localdate()
    year = _report_year(request, today)
    fmt = request.GET.get("format", "")
    if fmt not in FORMATS:
        raise Http404("No such format")
    report = annual.build(year.year, today=today, part=_report_part(request))
    name = filename(report, fmt)
    if fmt == "pdf":
        try:
            body = pdf_renderer.render_pdf(report)
        except pdf_renderer.PdfUnavailable as error:
            return render(request, "reports/pdf_unavailable.html", {"reason": str(error), "year": year}, status=503)
    elif fmt == "docx":
        body = render_docx(report)
    elif fmt == "html":
        body = render_html(report)
    elif fmt == "json":
        body = render_json(report)
    else:
        table = request.GET.get("table")
        if table:
            try:
                body, name = render_csv(report.table(table)), filename(report, "csv", table)
            except KeyError:
                raise Http404("No such table") from None
        else:
            response = HttpResponse(render_zip(report), content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{filename(report, "csv", "tables")[:-4]}.zip"'
            return response
    response = HttpResponse(body, content_type=FORMATS[fmt].content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def annual_edit(request):
    """The QA manager writes the report's narrative and enters the year's service budget."""
    user = request.user
    if not user.sees_every_child:
        raise PermissionDenied
    today = timezone.localdate()
    year = _report_year(request, today)
    narrative = ReportNarrative.objects.filter(year=year.year).first()
    budget = ServiceBudget.objects.filter(year=year.year).first()
    initial = {"budget": budget.amount if budget else None}
    if narrative:
        initial |= {
            "introduction": narrative.introduction,
            "priorities": narrative.priorities,
            "summary": narrative.summary,
        }
    form = ReportTextForm(request.POST or None, initial=initial, year_label=year.label)
    report_url = f"{reverse('reports:annual')}?year={year.year}"
    if request.method == "POST" and form.is_valid():
        budget_set(actor=user, year=year.year, amount=form.cleaned_data["budget"])
        narrative_save(actor=user, year=year.year, **form.narrative())
        messages.success(request, f"The annual report for {year.label} has been saved.")
        return redirect(report_url)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"Annual report {year.label}: budget and narrative",
            "lede": "The figures come from the service's records; these are the parts the service writes. "
            "They are kept with the report for this year.",
            "back_url": report_url,
        },
    )
