"""The quick start's second factor: each named account's authenticator key and current code."""

import base64

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from security.services import totp_code, totp_device_for_demo


class Command(BaseCommand):
    help = (
        "Print the authenticator key (to add to an app) and the current sign-in code of each account "
        "named, setting up an authenticator for any that has none. For the demo and local use only."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+")
        parser.add_argument("--i-know-this-is-not-production", action="store_true", dest="not_production")

    def handle(self, *args, usernames, not_production, **options):
        if not (settings.DEBUG or not_production):
            raise CommandError("This prints sign-in codes: it runs only with DEBUG on.")
        self.stdout.write("Two-factor sign-in: add a key to an authenticator app, or run `manage.py sign_in_code NAME`")
        self.stdout.write(f"  {'username':<10}  {'key':<34}  code now")
        for username in usernames:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"There is no account {username!r}.")
            device = totp_device_for_demo(user=user)
            key = base64.b32encode(device.bin_key).decode()
            self.stdout.write(f"  {username:<10}  {key:<34}  {totp_code(device)}")
