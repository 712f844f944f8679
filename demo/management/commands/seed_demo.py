"""seed_demo: build the demo local authority (see the demo package)."""

from __future__ import annotations

import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from children.models import Child
from demo.authority import analyze, build, logins, reset, summary
from demo.data import DEFAULT_IROS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Build a deterministic demo local authority (IROs, children looked after, four years of reviews)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2014, help="random seed (same seed, same data)")
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="run with DEBUG off (the demo's accounts share a published password)",
        )
        parser.add_argument("--children", type=int, default=550, help="children looked after on --today")
        parser.add_argument(
            "--iros",
            type=int,
            default=DEFAULT_IROS,
            help=f"IROs in the team (default {DEFAULT_IROS}; a larger team keeps the same share of permanent staff)",
        )
        parser.add_argument("--today", help="the demo's today, YYYY-MM-DD (default: today)")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--reset",
            action="store_true",
            help="first delete every child (with episodes, reviews, allocations), the audit log and "
            "every user who is not a superuser",
        )
        mode.add_argument(
            "--if-empty", action="store_true", help="do nothing (and succeed) if there are children already"
        )
        parser.add_argument(
            "--through-services",
            action="store_true",
            help="write every record through the services one call at a time (the same data, many times slower)",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or options["not_production"]):
            raise CommandError(
                "seed_demo creates accounts with a published password: it runs only with DEBUG on, "
                "or with --i-know-this-is-not-production."
            )
        today = self._today(options["today"])
        n = options["children"]
        if not 1 <= n <= 20000:
            raise CommandError("--children must be between 1 and 20000.")
        iros = options["iros"]
        if not 1 <= iros <= 1000:
            raise CommandError("--iros must be between 1 and 1000.")
        started = time.perf_counter()

        with transaction.atomic():
            existing = Child.objects.count()
            if existing and options["if_empty"]:
                self.stdout.write(f"The database already has {existing} children: the demo data was not loaded.")
                self._logins()
                return
            if existing and not options["reset"]:
                raise CommandError(
                    f"The database already has {existing} children: seed_demo only fills an empty database. "
                    "Run it with --reset to delete every child, review, allocation, the audit log and every "
                    "user who is not a superuser first."
                )
            if options["reset"]:
                reset()
                self.stdout.write("Deleted the existing children, reviews, allocations, audit log and non-superusers.")
            build(
                today=today, children=n, seed=options["seed"], through_services=options["through_services"], iros=iros
            )
        analyze()

        self.stdout.write(self.style.SUCCESS(f"Demo local authority ready in {time.perf_counter() - started:.1f} s."))
        rows = summary(today)
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            self.stdout.write(f"  {label.ljust(width)}  {value}")
        self._logins()

    @staticmethod
    def _today(value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from None

    def _logins(self) -> None:
        rows = logins()
        if not rows:
            return
        self.stdout.write("")
        self.stdout.write(f"Demo logins (the password of every account is {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<10}  {'role':<28}  name")
        for username, role, name in rows:
            self.stdout.write(f"  {username:<10}  {role:<28}  {name}")
        last = User.objects.filter(role=User.Role.IRO).count()
        if last > 1:
            self.stdout.write(f"  iro02 to iro{last:02d} are the other IROs.")
