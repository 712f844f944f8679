"""The demo authority as a whole: its staff, clearing an earlier one, and what it holds."""

from __future__ import annotations

import random
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.deletion import ProtectedError, RestrictedError

from accounts.audit import audit_log_empty
from accounts.models import StaffProfile, User
from children.models import Child, Episode, IROAllocation
from reviews.models import Meeting, Review

from . import review_records
from .data import (
    DEFAULT_IROS,
    DEMO_PASSWORD,
    IRO_ETHNICITIES,
    IRO_GENDERS,
    PERMANENT_FTE,
    PERMANENT_IROS,
    SESSIONAL_FTE,
    STAFF_FIRST_NAMES,
    STAFF_NAME_GROUP,
    SURNAMES,
    pick,
)
from .planner import IROPlan, Planner, allocate_iros, plan_children
from .writers import BulkWriter, ServiceWriter, write_child


def reset() -> None:
    try:
        # The audit log goes too: it would only describe children that no longer exist, and its
        # entries protect the users who made them.
        audit_log_empty()
        Child.objects.all().delete()
        User.objects.filter(is_superuser=False).delete()
    except (ProtectedError, RestrictedError) as error:
        blocking = getattr(error, "protected_objects", None) or error.restricted_objects
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
        raise CommandError(f"--reset cannot delete the demo data: {', '.join(kinds)} still refer to it.") from None


def permanent_iros(iros: int) -> int:
    """How many of `iros` IROs are permanent: the borough's 4 in 18, at least the demo login "iro"."""
    return max(1, round(iros * PERMANENT_IROS / len(IRO_GENDERS)))


def create_staff(rng: random.Random, iros: int = DEFAULT_IROS) -> tuple[list[User], list[float]]:
    """The IROs (with the share of the caseload each should carry), QA manager, Director and admin.

    A larger team repeats the borough's mix of genders and ethnicities and keeps its share of
    permanent staff; 18 IROs draw exactly the same random numbers as they always have."""
    password = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow on purpose
    genders = [IRO_GENDERS[i % len(IRO_GENDERS)] for i in range(iros)]
    ethnicities = [IRO_ETHNICITIES[i % len(IRO_ETHNICITIES)] for i in range(iros)]
    rng.shuffle(genders)
    rng.shuffle(ethnicities)
    permanent_count = permanent_iros(iros)
    names: set[tuple[str, str]] = set()
    plans = []
    for i in range(iros):
        group = STAFF_NAME_GROUP.get(ethnicities[i], "white")
        first_names = STAFF_FIRST_NAMES[group]["F" if genders[i] == "female" else "M"]
        name = (rng.choice(first_names), rng.choice(SURNAMES[group]))
        # A large team can use up a small group's names: then two IROs share one, as people do.
        for _ in range(len(first_names) * len(SURNAMES[group])):
            if name not in names:
                break
            name = (rng.choice(first_names), rng.choice(SURNAMES[group]))
        names.add(name)
        # The first IRO (the demo login "iro") is full time; the other permanent staff 1.0 or 0.8 FTE.
        permanent = i < permanent_count
        fte = pick(rng, PERMANENT_FTE if i else {"1.00": 1}) if permanent else pick(rng, SESSIONAL_FTE)
        # Caseloads follow FTE, permanent staff a little heavier, with some unevenness.
        weight = (float(fte) * 1.8 if permanent else float(fte) + 0.17) * rng.uniform(0.88, 1.12)
        username = "iro" if i == 0 else f"iro{i + 1:02d}"
        plans.append(IROPlan(username, *name, genders[i], ethnicities[i], permanent, fte, weight))

    others = [
        ("qa", User.Role.QA_MANAGER, "Bernadette", "Okonjo"),
        ("director", User.Role.DIRECTOR, "Graham", "Whitfield"),
        ("admin", User.Role.ADMINISTRATOR, "Lorraine", "Pike"),
    ]
    usernames = [p.username for p in plans] + [o[0] for o in others]
    taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        raise CommandError(f"These usernames are taken already (--reset keeps superusers): {', '.join(taken)}.")

    iros = []
    for p in plans:
        user = User.objects.create(
            username=p.username,
            first_name=p.first_name,
            last_name=p.last_name,
            email=f"{p.username}@example.org",
            role=User.Role.IRO,
            password=password,
        )
        StaffProfile.objects.create(
            user=user,
            employment=StaffProfile.Employment.PERMANENT if p.permanent else StaffProfile.Employment.SESSIONAL,
            fte=p.fte,
            gender=p.gender,
            ethnicity=p.ethnicity,
        )
        iros.append(user)
    for username, role, first, last in others:
        user = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            role=role,
            password=password,
            is_staff=role == User.Role.ADMINISTRATOR,
        )
        if role == User.Role.ADMINISTRATOR:
            # The admin site manages accounts and staff profiles only (accounts/admin.py).
            user.user_permissions.set(
                Permission.objects.filter(
                    content_type__app_label="iro_service", content_type__model__in=["user", "staffprofile"]
                )
            )
    return iros, [p.weight for p in plans]


def analyze() -> None:
    """Refresh PostgreSQL's statistics of every table of the service's models after a bulk write.

    Without them the planner guesses row counts from an empty table and picks nested loops over
    thousands of rows; a server without autovacuum would never refresh them. SQLite has no ANALYZE
    worth running here."""
    if connection.vendor != "postgresql":
        return
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in sorted(tables)))


def summary(today: date) -> list[tuple[str, object]]:
    """What the authority holds on `today`, one (label, figure) a line."""
    looked_after = Child.objects.filter(
        Exists(
            Episode.objects.filter(
                Q(end_on__isnull=True) | Q(end_on__gte=today), child=OuterRef("pk"), start_on__lte=today
            )
        )
    )
    without_iro = (
        Child.objects.filter(Exists(Episode.objects.filter(child=OuterRef("pk"), end_on__isnull=True)))
        .exclude(Exists(IROAllocation.objects.filter(child=OuterRef("pk"), end_on__isnull=True)))
        .count()
    )
    held = Review.objects.filter(held_on__isnull=False)
    caseloads = list(
        User.objects.filter(role=User.Role.IRO)
        .annotate(n=Count("allocations", filter=Q(allocations__end_on__isnull=True)))
        .values_list("n", flat=True)
    )
    permanent = StaffProfile.objects.filter(employment=StaffProfile.Employment.PERMANENT).count()
    return [
        (f"Children looked after on {today:%d/%m/%Y}", looked_after.count()),
        ("Children in the history", Child.objects.count()),
        ("Episodes", Episode.objects.count()),
        ("IRO allocations", IROAllocation.objects.count()),
        ("Reviews held", held.count()),
        ("Reviews held late", held.filter(held_on__gt=F("due_on")).count()),
        ("Reviews overdue today", Review.objects.filter(held_on__isnull=True, due_on__lt=today).count()),
        ("Review meetings booked", Meeting.objects.filter(status=Meeting.Status.BOOKED).count()),
        ("Children looked after without an IRO", without_iro),
        ("IROs (permanent + sessional)", f"{len(caseloads)} ({permanent} + {len(caseloads) - permanent})"),
        ("IRO caseloads today", f"{min(caseloads)} to {max(caseloads)} children" if caseloads else "-"),
        *review_records.summary_lines(today),
    ]


LOGINS = (
    ("iro", "IRO (permanent)"),
    ("qa", "QA manager"),
    ("director", "Director"),
    ("admin", "Administrator (admin site)"),
)


def logins() -> list[tuple[str, str, str]]:
    """(username, role, name) of the demo logins that exist."""
    users = {u.username: u for u in User.objects.filter(username__in=[u for u, _ in LOGINS])}
    return [(username, role, users[username].get_full_name()) for username, role in LOGINS if username in users]


def build(*, today: date, children: int, seed: int, through_services: bool, iros: int = DEFAULT_IROS) -> None:
    """Plan the whole history from one random seed, then write it with one of the two writers."""
    rng = random.Random(seed)
    staff, weights = create_staff(rng, iros)
    planner = Planner(rng, today)
    plans = plan_children(planner, rng, children)
    allocate_iros(plans, weights, rng)
    writer = (ServiceWriter if through_services else BulkWriter)(staff, today)
    for plan in plans:
        write_child(plan, writer, rng, today)
    writer.finish()
    review_records.write(today=today, seed=seed)
