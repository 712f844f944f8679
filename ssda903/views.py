"""The QA manager's 903 return page: import a return (or a whole history) by upload, and download a
collection year's return as the DfE's CSV files in a zip."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_list_viewed
from children.selectors import first_collection_year
from core.collection_years import CollectionYear

from .export import ssda903_return
from .forms import Ssda903UploadForm
from .importer import ssda903_import
from .jobs import import_job_start, import_limits
from .models import ImportJob

_SESSION_KEY = "ssda903_imported"


def _qa_only(user) -> None:
    # The return covers every child: only those who see every child may import or download it.
    if not user.sees_every_child:
        raise PermissionDenied


def _years(today) -> list[int]:
    """Collection years with any episode, newest first (at least the current one)."""
    current = CollectionYear.containing(today).year
    first = first_collection_year()
    return list(range(current, (first.year if first else current) - 1, -1))


def _latest_job(user) -> ImportJob | None:
    """The user's last import run as a job: shown while it runs and for a day after it ends."""
    job = ImportJob.objects.filter(started_by=user).first()
    if job and job.is_finished and job.finished_at < timezone.now() - timedelta(days=1):
        return None
    return job


@login_required
def ssda903_page(request):
    _qa_only(request.user)
    today = timezone.localdate()
    years = _years(today)
    # Bound on any POST: a form sent with no file chosen carries no data at all.
    limits = import_limits()
    bound = (request.POST, request.FILES) if request.method == "POST" else ()
    form = Ssda903UploadForm(*bound, limits=limits)
    result = None
    if request.method == "POST" and form.is_valid():
        if form.expanded_bytes > settings.SSDA903_IMPORT_IN_PAGE_MAX_BYTES:
            import_job_start(actor=request.user, uploads=form.uploads)
            return redirect(reverse("ssda903:page") + "#import-job")
        result = ssda903_import(actor=request.user, files=form.cleaned_data["files"], today=today, limits=limits)
        if result.ok:
            request.session[_SESSION_KEY] = {
                "children": result.children_in_files,
                "changed": result.changed,
                "summary": result.summary(),
                "notes": result.notes,
            }
            return redirect("ssda903:page")
        n = len(result.problems)
        form.add_error(
            "files",
            f"The files have {n} problem{'s' if n != 1 else ''}: nothing was imported. Correct "
            f"{'them' if n != 1 else 'it'} and upload the files again",
        )
    imported = request.session.pop(_SESSION_KEY, None)
    job = _latest_job(request.user)
    if result is None and job and job.status == ImportJob.Status.REFUSED:
        result = job.outcome  # its problems listed as an import in the page lists them

    # The return of the year asked for (by default the last complete one): its size, and what the
    # DfE will query that someone must put right first.
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = CollectionYear.last_complete(today).year if len(years) > 1 else years[0]
    preview = ssda903_return(year=year) if year in years else None
    return render(
        request,
        "ssda903/page.html",
        {
            "form": form,
            "result": result,
            "imported": imported,
            "years": [(y, CollectionYear(y).label) for y in years],
            "year": year,
            "preview": preview,
            "counts": {t: len(rows) for t, rows in preview.tables.items()} if preview else None,
            # Followed by reloading the page: no timed refresh, which would move a person's place
            # on the page under them (WCAG 2.2.1).
            "job": job,
        },
    )


@login_required
def ssda903_download(request):
    _qa_only(request.user)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        raise Http404 from None
    if year not in _years(timezone.localdate()):
        raise Http404
    ret = ssda903_return(year=year)
    # Each child in the return has their record seen: one entry names them all, and each child's audit finds it.
    audit_list_viewed(actor=request.user, action="children_exported_903", child_ids=ret.child_ids, year=year)
    response = HttpResponse(ret.zip_bytes(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{ret.file_name}"'
    response["Cache-Control"] = "no-store"
    return response
