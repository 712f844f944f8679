"""Write the SSDA903 return of one collection year as the DfE's CSV files.

    python manage.py export_ssda903 --year 2014 --out DIR
    python manage.py export_ssda903 --history --out DIR

--year is the year the collection ends: 2014 is 1 April 2013 to 31 March 2014. Writes header.csv,
episodes.csv, reviews.csv and missing.csv into DIR, and lists anything the DfE will query that a
person has to put right in the records (such as a child without a UPN). --history writes every
child's whole record in the same layout instead, which import_ssda903 reads back.
"""

from django.core.management.base import BaseCommand, CommandError

from core.collection_years import CollectionYear
from ssda903.export import ssda903_history, ssda903_return


class Command(BaseCommand):
    help = "Write the SSDA903 header, episodes, reviews and missing files for a collection year."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--year", type=int, help="the year the collection ends (2014 is 2013-14)")
        which.add_argument("--history", action="store_true", help="every child's whole record, not one year's")
        parser.add_argument("--out", required=True, help="the directory to write the CSV files into")

    def handle(self, *args, year, history, out, **options):
        if history:
            ret = ssda903_history()
        elif 1992 <= year <= 2100:
            ret = ssda903_return(year=year)
        else:
            raise CommandError("--year is the year the collection ends, such as 2014 for 2013-14.")
        paths = ret.write(out)
        what = "whole history" if history else f"{CollectionYear(year).label} return"
        self.stdout.write(self.style.SUCCESS(f"The {what} is in {out}:"))
        for path, rows in zip(paths, ret.tables.values(), strict=True):
            self.stdout.write(f"  {path.name}: {len(rows)} row{'s' if len(rows) != 1 else ''}")
        for warning in ret.warnings:
            self.stderr.write(self.style.WARNING(warning))
