"""Writing an SSDA903 import that passed every check: children, episodes, reviews held and missing
episodes created or updated in bulk, in the import's transaction, each child changed audited once;
and the due dates of the children's reviews."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import connection
from django.utils import timezone

from accounts.models import AuditEntry, User
from children.models import (
    Child,
    Episode,
    MissingEpisode,
    ShortBreakAgreement,
    ShortBreakArrangement,
    kept_columns_put_off,
)
from reviews.models import Review
from reviews.schedule_services import agreement_dates, review_schedule_refresh, scheduler_settings
from reviews.timescales import child_review_schedule

from .problems import ImportResult
from .records import CHILD_FIELDS, EPISODE_FIELDS, ChildRecord, chunks

_BATCH = 1000
DUE_FIELDS = ("period_start", "short_breaks", "sequence", "due_on", "policy", "due_explanation")
# Names for a child created by the import: the return carries no names. They show where the service
# would show a name until the child's details are completed.
PLACEHOLDER_FIRST_NAME = "Child"


def write(records: dict[str, ChildRecord], actor: User | None, result: ImportResult, *, today: date) -> None:
    # Each child's kept columns (a caseload's flags and next review) worked out once, after all its
    # rows are written, rather than at each table's statement.
    with kept_columns_put_off() as written:
        written.update(_write(records, actor, result, today=today))


def _write(records: dict[str, ChildRecord], actor: User | None, result: ImportResult, *, today: date) -> list[int]:
    """Writes the records; returns the ids of the children whose rows it wrote."""
    counts = result.counts
    changes: dict[str, dict[str, int]] = {}  # la_child_id -> what changed, for the audit entry

    def changed(record: ChildRecord, what: str) -> None:
        changes.setdefault(record.header.child_id, defaultdict(int))[what] += 1
        counts[what] += 1

    new_children, updated_children = [], []
    for record in records.values():
        header = record.header
        if record.child is None:
            record.child = Child(
                la_child_id=header.child_id,
                first_name=PLACEHOLDER_FIRST_NAME,
                last_name=header.child_id,
                **{name: getattr(header, name) for name in CHILD_FIELDS},
            )
            new_children.append(record.child)
            changed(record, "children_created")
        elif any(getattr(record.child, name) != getattr(header, name) for name in CHILD_FIELDS):
            for name in CHILD_FIELDS:
                setattr(record.child, name, getattr(header, name))
            updated_children.append(record.child)
            changed(record, "children_updated")
    Child.objects.bulk_create(new_children, batch_size=_BATCH)
    Child.objects.bulk_update(updated_children, CHILD_FIELDS, batch_size=_BATCH)

    new_episodes, updated_episodes = [], []
    new_missing, updated_missing = [], []
    for record in records.values():
        for row in record.episodes.values():
            if row.src is None:
                continue
            stored = record.stored_episodes.get(row.start_on)
            if stored is None:
                new_episodes.append(Episode(child=record.child, **{f: getattr(row, f) for f in EPISODE_FIELDS}))
                changed(record, "episodes_created")
            elif tuple(getattr(stored, f) for f in EPISODE_FIELDS) != row.values():
                for f in EPISODE_FIELDS:
                    setattr(stored, f, getattr(row, f))
                updated_episodes.append(stored)
                changed(record, "episodes_updated")
        for row in record.missing.values():
            if row.src is None:
                continue
            stored = record.stored_missing.get(row.start_on)
            if stored is None:
                new_missing.append(
                    MissingEpisode(child=record.child, kind=row.kind, start_on=row.start_on, end_on=row.end_on)
                )
                changed(record, "missing_created")
            elif (stored.kind, stored.start_on, stored.end_on) != row.values():
                stored.kind, stored.end_on = row.kind, row.end_on
                updated_missing.append(stored)
                changed(record, "missing_updated")
    Episode.objects.bulk_create(new_episodes, batch_size=_BATCH)
    Episode.objects.bulk_update(updated_episodes, EPISODE_FIELDS, batch_size=_BATCH)
    MissingEpisode.objects.bulk_create(new_missing, batch_size=_BATCH)
    MissingEpisode.objects.bulk_update(updated_missing, ["kind", "end_on"], batch_size=_BATCH)

    # Reviews: every review's due date as the service's schedule refresh computes it, so that the rows
    # are written once, already right.
    plan = ImportedReviewDueDates(timezone.now(), today, records)
    for record in records.values():
        created, updated, waiting = plan.child(record)
        counts["reviews_created"] += created
        counts["reviews_updated"] += updated
        if created or updated or (waiting and record.header.child_id not in changes):
            what = changes.setdefault(record.header.child_id, defaultdict(int))
            # The review waiting to be held changes with the rest; on its own, it is a due date recomputed.
            for key, n in (("reviews_created", created), ("reviews_updated", updated)):
                if n:
                    what[key] += n
            if not what:
                what["due_dates_changed"] = waiting
                counts["due_dates_changed"] += waiting
    Review.objects.bulk_create(plan.new, batch_size=_BATCH)
    Review.objects.bulk_update(
        plan.updated,
        [*DUE_FIELDS, "participation", "updated_at"],
        batch_size=_BATCH,
    )
    if plan.obsolete:
        Review.objects.filter(pk__in=plan.obsolete).delete()

    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                actor=actor,
                action="child_imported",
                object_type=Child._meta.label_lower,
                object_id=records[child_id].child.pk,
                detail={"source": "ssda903", **{k: v for k, v in sorted(what.items())}},
            )
            for child_id, what in changes.items()
        ),
        batch_size=_BATCH,
    )

    # The service's own recomputation of the due dates is the authority, and it stores the short-break
    # arrangements; with each child's records fetched in bulk beforehand, it costs no query when (as it
    # should) nothing changes.
    touched = [records[child_id].child.pk for child_id in changes]
    for chunk in chunks(touched, 1000):
        for child in Child.objects.filter(pk__in=chunk).prefetch_related(
            "episodes", "reviews", "short_break_agreements", "short_break_arrangements"
        ):
            review_schedule_refresh(child=child, today=plan.today)
    return touched


def analyze_written() -> None:
    """Refresh PostgreSQL's statistics of the tables an import writes: an import can multiply their
    rows, and a plan made for the tables as they were (nothing analyses them otherwise when autovacuum
    is off) can be slower by orders of magnitude. ANALYZE sees the import's own rows, not yet committed."""
    if connection.vendor != "postgresql":
        return
    models = (Child, Episode, MissingEpisode, Review, ShortBreakArrangement, AuditEntry)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(m._meta.db_table) for m in models)}")


# --- The due dates of the imported reviews ---------------------------------------------------------
# The one place the import computes due dates: to be the service's own review scheduler.


class ImportedReviewDueDates:
    """The due date of each review held and the one review waiting on each clock (period of full-time
    care or short-break arrangement) that has one due, for the children's records as the import leaves
    them, by the service's own scheduler (reviews.timescales.child_review_schedule); collected for
    writing in bulk."""

    def __init__(self, now, today: date, records: dict[str, ChildRecord]):
        self.now = now
        self.today = today  # decides whether a short-break arrangement whose gap has not run out is open
        self.new: list[Review] = []
        self.updated: list[Review] = []
        self.obsolete: list[int] = []
        self.settings = scheduler_settings()
        self.agreements: dict[int, list[ShortBreakAgreement]] = defaultdict(list)
        known = [r.child.pk for r in records.values() if r.child is not None and r.child.pk is not None]
        for chunk in chunks(known, 2000):
            for agreement in ShortBreakAgreement.objects.filter(child_id__in=chunk):
                self.agreements[agreement.child_id].append(agreement)

    def child(self, record: ChildRecord) -> tuple[int, int, int]:
        """(reviews held created, reviews held updated, waiting reviews created, changed or deleted)."""
        child = record.child
        stored = {r.pk: r for r in record.stored_reviews}
        held: dict[date, Review] = {}
        participation_changed: set[int] = set()
        for row in record.reviews.values():
            if row.pk is None:
                held[row.held_on] = Review(child=child, held_on=row.held_on, participation=row.participation)
                continue
            review = stored[row.pk]
            if review.participation != row.participation:
                review.participation = row.participation
                participation_changed.add(review.pk)
            held[review.held_on] = review
        waiting = {r.period_start: r for r in record.stored_reviews if r.held_on is None}

        counts = {"created": 0, "updated": 0, "waiting": 0}
        schedule = child_review_schedule(
            record.episodes.values(),
            list(held),
            today=self.today,
            **self.settings,
            **agreement_dates(self.agreements.get(child.pk, [])),
        )
        for item in schedule.reviews:
            if item.held_on is not None:
                review = held[item.held_on]
            else:
                review = waiting.pop(item.clock.start, None) or Review(child=child)
            kind = "waiting" if review.held_on is None else None
            values = item.review_fields
            if review.pk is None:
                counts[kind or "created"] += 1
                self.new.append(review)
            elif review.pk in participation_changed or any(getattr(review, k) != v for k, v in values.items()):
                counts[kind or "updated"] += 1
                review.updated_at = self.now
                self.updated.append(review)
            for k, v in values.items():
                setattr(review, k, v)
        self.obsolete += [r.pk for r in waiting.values()]
        counts["waiting"] += len(waiting)
        return counts["created"], counts["updated"], counts["waiting"]
