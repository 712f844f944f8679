"""The child's whole record as a download, for QA managers (subject access requests)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from children.selectors import child_for_user

from .child_record import FORMATS, child_record_export, export_filename
from .renderers.pdf import PdfUnavailable


@login_required
def child_record_download(request, public_id):
    child = child_for_user(request.user, public_id)
    if not request.user.sees_every_child:  # QA managers answer subject access requests
        raise PermissionDenied
    fmt = request.GET.get("format", "json")
    if fmt not in FORMATS:
        raise Http404("No such format")
    today = timezone.localdate()
    try:
        body = child_record_export(actor=request.user, child=child, format=fmt, today=today)
    except PdfUnavailable as error:
        return render(
            request, "reports/child_record_unavailable.html", {"reason": str(error), "child": child}, status=503
        )
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(fmt, today)}"'
    return response
