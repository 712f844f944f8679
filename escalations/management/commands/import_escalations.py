"""python manage.py import_escalations FILE.csv: bring an earlier escalation log into the service."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from escalations.importer import COLUMNS, RefusedFile, read_escalation_log
from escalations.services import escalations_import


class Command(BaseCommand):
    help = (
        f"Import an escalation log from a CSV file with the columns {','.join(COLUMNS)} (child is the LA child "
        "id; dates dd/mm/yyyy; resolved_on blank while open). A file with any error is refused whole, with "
        "every problem listed by row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8)")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            rows = read_escalation_log(data, today=timezone.localdate())
        except RefusedFile as refused:
            listing = "\n".join(f"  {error}" for error in refused.errors)
            raise CommandError(f"{file.name} was not imported ({refused}); nothing was imported:\n{listing}") from None
        count = escalations_import(actor=None, rows=rows, source_name=file.name)
        children = len({row.child.pk for row in rows})
        open_count = sum(1 for row in rows if row.resolved_on is None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {count} escalation{'s' if count != 1 else ''} about {children} "
                f"child{'ren' if children != 1 else ''} from {file.name} ({open_count} still open)."
            )
        )
