"""Everything held about one child, for a subject access request.

    python manage.py child_record LA_CHILD_ID --format json              # on standard output
    python manage.py child_record LA_CHILD_ID --format json --out record.json
    python manage.py child_record LA_CHILD_ID --format pdf --out record.pdf
    python manage.py child_record LA_CHILD_ID --format json --by qa.manager  # audited as exported by them

Each export is in the audit log.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from children.models import Child
from reports.child_record import FORMATS, child_record_export
from reports.renderers.pdf import PdfUnavailable


class Command(BaseCommand):
    help = "Write everything the service holds about one child (the subject-access export), as JSON or PDF."

    def add_arguments(self, parser):
        parser.add_argument("la_child_id", help="the child's LA child id (903 CHILD)")
        parser.add_argument("--format", choices=sorted(FORMATS), default="json", help="default: json")
        parser.add_argument("--out", help="where to write the file (required for pdf); json goes to standard output")
        parser.add_argument("--by", help="the username of the person the export is for, recorded in the audit log")

    def handle(self, *args, la_child_id: str, format: str, out: str | None, by: str | None, **options):
        child = Child.objects.filter(la_child_id=la_child_id).first()
        if child is None:
            raise CommandError(f"No child has the LA child id {la_child_id!r}.")
        actor = None
        if by:
            actor = User.objects.filter(username=by).first()
            if actor is None:
                raise CommandError(f"No user has the username {by!r}.")
        if format == "pdf" and not out:
            raise CommandError("--format pdf needs --out PATH.")
        try:
            body = child_record_export(actor=actor, child=child, format=format)
        except PdfUnavailable as error:
            raise CommandError(f"The PDF cannot be made on this machine: {error}.") from None
        if out:
            Path(out).write_bytes(body)
            self.stderr.write(f"Wrote {out} ({len(body):,} bytes)")
        else:
            self.stdout.write(body.decode(), ending="")
