"""Regenerate children/code_lists.json, the 903 code lists by collection year, from the DfE's validator
package (installed with the test dependencies). Run it after upgrading the package, and commit the file.

    python manage.py ssda903_code_lists
"""

from django.core.management.base import BaseCommand

from ssda903 import code_lists


class Command(BaseCommand):
    help = "Regenerate the 903 code lists by collection year from the DfE's validator package."

    def handle(self, *args, **options):
        path = code_lists.write()
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
