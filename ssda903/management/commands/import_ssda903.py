"""Import an SSDA903 return (or several years of them) from a directory of CSV files or a zip.

    python manage.py import_ssda903 DIR_OR_ZIP [--today YYYY-MM-DD]

Reads every CSV file in DIR and its subdirectories, or in the zip: header.csv, episodes.csv,
reviews.csv and, if present, missing.csv, or the same tables under other names (each file is
recognised by its columns). A history may be one file per table covering many years, one folder per
year, or a zip of either. Nothing is written unless every file passes every check; the problems are
listed one a line, and the command fails.

The files are read as streams and checked a batch of children at a time, so the memory the command
takes does not grow with the history: unlike an upload, it is not limited in size or rows (a
national history has millions of rows).
"""

import zipfile
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ssda903.importer import ssda903_import
from ssda903.reading import UNLIMITED, files_from_zip, files_in_directory


class Command(BaseCommand):
    help = "Import children, episodes, reviews and missing episodes from SSDA903 CSV files."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a directory of 903 CSV files, or a zip of them")
        parser.add_argument("--today", help="the date to check 'not in the future' against, YYYY-MM-DD")

    def handle(self, *args, source, today=None, **options):
        path = Path(source)
        if path.is_dir():
            files = files_in_directory(path)
        elif path.is_file():
            try:
                files = files_from_zip(path, max_bytes=UNLIMITED.expanded_bytes)
            except zipfile.BadZipFile:
                raise CommandError(f"{source} is neither a directory nor a zip file.") from None
        else:
            raise CommandError(f"{source} does not exist.")
        try:
            today = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {today!r}.") from None

        result = ssda903_import(actor=None, files=files, today=today, limits=UNLIMITED)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            for note in result.notes:
                self.stderr.write(note)
            raise CommandError(
                f"Nothing was imported: {len(result.problems)} problem{'s' if len(result.problems) != 1 else ''} "
                "in the files (listed above)."
            )
        n = result.children_in_files
        if result.changed:
            self.stdout.write(self.style.SUCCESS(f"Imported the records of {n} children in {result.seconds:.1f} s."))
        else:
            self.stdout.write(f"Nothing to change: the service already holds these {n} children's records as given.")
        for note in result.notes:
            self.stdout.write(note)
        for what, created, updated in result.summary():
            self.stdout.write(f"  {what}: {created} created, {updated} updated")
