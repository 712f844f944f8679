"""Writing the planned history: through the services one call at a time, or in bulk under the same rules."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts.models import AuditEntry, User
from children.models import Child, Episode, IROAllocation
from children.services import allocation_change, child_create, episode_end, episode_follows, episode_start
from core.calendar import add_working_days
from core.periods import CONTINUES, SHORT_BREAK_LEGAL_STATUSES
from reviews.models import Meeting, Review
from reviews.schedule_services import child_schedule, review_schedule_refresh, scheduler_settings
from reviews.services import meeting_book, review_record
from reviews.timescales import ChildSchedule, Clock, child_review_schedule, pn_code_fits_age

from .data import (
    DAY,
    DECISIONS_WORKING_DAYS,
    EVENT_REVIEW_SHARE,
    HELD_DAYS_EARLY,
    LATE_REASONS,
    LATE_SHARE,
    OVERDUE_NOW_SHARE,
    PARTICIPATION,
    REALLOCATION_NOTES,
    RECORD_WORKING_DAYS,
    age_on,
    pick,
    working_day_on_or_after,
    working_day_on_or_before,
)
from .planner import ChildPlan, EpisodePlan


class ServiceWriter:
    """Every change through the service that the web pages use, one call at a time: what an IRO
    service keying in four years of records would do. Exact, and slow (about 30 queries a review)."""

    def __init__(self, iros: list[User], today: date):
        self.iros, self.today = iros, today
        self.children: list[Child] = []

    def child(self, plan: ChildPlan) -> Child:
        child = child_create(
            actor=None,
            la_child_id=plan.la_child_id,
            first_name=plan.first_name,
            last_name=plan.last_name,
            date_of_birth=plan.dob,
            sex=plan.sex,
            ethnicity=plan.ethnicity,
            upn=plan.upn,
            mother=plan.mother,
            first_child_born_on=plan.first_child_born_on,
        )
        self.children.append(child)
        return child

    def start_episode(self, child: Child, plan: EpisodePlan) -> Episode:
        return episode_start(actor=None, child=child, start_on=plan.start_on, **plan.fields())

    def end_period(self, child: Child, episode: Episode, end_on: date, reason_ceased: str) -> None:
        episode_end(actor=None, episode=episode, end_on=end_on, reason_ceased=reason_ceased)

    def allocate(self, child: Child, iro: int, start_on: date, reason: str, note: str) -> None:
        allocation_change(
            actor=None, child=child, iro=self.iros[iro], start_on=start_on, reason=reason, note=note, today=self.today
        )

    def clocks(self, child: Child) -> tuple[Clock, ...]:
        return child_schedule(child, today=self.today).clocks

    def _waiting(self, child: Child, clock_start: date) -> Review | None:
        # The services refresh due dates as of the real today; the demo's today decides whether a
        # short-break arrangement has lapsed yet.
        review_schedule_refresh(child=child, today=self.today)
        return child.reviews.filter(held_on__isnull=True, period_start=clock_start).first()

    def due_on(self, child: Child, clock_start: date) -> date | None:
        waiting = self._waiting(child, clock_start)
        return waiting.due_on if waiting else None

    def record(self, child: Child, clock_start: date, **recorded) -> None:
        review_record(actor=None, child=child, today=self.today, **recorded)

    def book(self, child: Child, clock_start: date, planned_on: date) -> None:
        meeting_book(actor=None, review=self._waiting(child, clock_start), planned_on=planned_on, today=self.today)

    def finish(self) -> None:
        for child in self.children:
            review_schedule_refresh(child=child, today=self.today)


@dataclass
class _Draft:
    """One child's records, built in memory by BulkWriter."""

    child: Child
    episodes: list[Episode] = field(default_factory=list)
    allocations: list[IROAllocation] = field(default_factory=list)
    held: list[Review] = field(default_factory=list)
    meeting: tuple[date, date] | None = None  # (clock start, planned on)
    audit: list[tuple[str, object, dict]] = field(default_factory=list)


class BulkWriter:
    """The same records as ServiceWriter, written with one INSERT per table.

    Each step applies the rules its service applies (the same pure functions for periods of care,
    due dates and participation codes; the models' own field and 903 checks), the database checks its
    constraints on insert, and at the end the service's `review_schedule_refresh` recomputes every
    child's due dates, which must come out unchanged. tests/children/test_seed_demo.py checks that
    both writers produce identical data."""

    def __init__(self, iros: list[User], today: date):
        self.iros, self.today = iros, today
        self.settings = scheduler_settings()
        self.drafts: list[_Draft] = []

    @staticmethod
    def _refuse(message: str) -> None:
        raise CommandError(f"seed_demo planned something the service would refuse: {message}")

    @staticmethod
    def _clean(obj, *relations: str) -> None:
        # Field choices and validators and the model's clean(); uniqueness and constraints are the
        # database's job on insert (checking them here would cost a query each).
        try:
            obj.full_clean(exclude=list(relations), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            BulkWriter._refuse(f"{obj}: {error.message_dict}")

    def child(self, plan: ChildPlan) -> _Draft:
        child = Child(
            la_child_id=plan.la_child_id,
            upn=plan.upn,
            first_name=plan.first_name,
            last_name=plan.last_name,
            date_of_birth=plan.dob,
            sex=plan.sex,
            ethnicity=plan.ethnicity,
            mother=plan.mother,
            first_child_born_on=plan.first_child_born_on,
        )
        self._clean(child)
        draft = _Draft(child)
        draft.audit.append(("child_created", child, {}))
        self.drafts.append(draft)
        return draft

    def start_episode(self, draft: _Draft, plan: EpisodePlan) -> Episode:
        fields = plan.fields()
        last = draft.episodes[-1] if draft.episodes else None
        # The service's own rules, applied in memory: ends the open episode with X1 where it should.
        reason_place_change = fields.pop("reason_place_change")
        episode = Episode(child=draft.child, start_on=plan.start_on, **fields)
        episode_follows(last, episode, date_of_birth=draft.child.date_of_birth, reason_place_change=reason_place_change)
        if last is not None:
            self._clean(last, "child")
        self._clean(episode, "child")
        draft.episodes.append(episode)
        draft.audit.append(("episode_started", episode, {}))
        return episode

    def end_period(self, draft: _Draft, episode: Episode, end_on: date, reason_ceased: str) -> None:
        # As children.services.episode_end: the IRO allocation ends with the period of care.
        if reason_ceased == CONTINUES or episode.end_on is not None or end_on < episode.start_on:
            self._refuse(f"episode ending {end_on} with {reason_ceased}")
        episode.end_on, episode.reason_ceased = end_on, reason_ceased
        self._clean(episode, "child")
        if episode.legal_status not in SHORT_BREAK_LEGAL_STATUSES:
            for allocation in draft.allocations:
                if allocation.end_on is None and allocation.start_on <= end_on:
                    allocation.end_on = end_on
        draft.audit.append(("episode_ended", episode, {"reason_ceased": reason_ceased}))

    def allocate(self, draft: _Draft, iro: int, start_on: date, reason: str, note: str) -> None:
        # As children.services.allocation_change: the current allocation ends the day the new one starts.
        user = self.iros[iro]
        current = next((a for a in draft.allocations if a.end_on is None), None)
        if start_on > self.today or (current and (current.iro_id == user.pk or start_on < current.start_on)):
            self._refuse(f"allocation from {start_on}")
        if current is not None:
            current.end_on = start_on
        allocation = IROAllocation(child=draft.child, iro=user, start_on=start_on, reason=reason, note=note)
        self._clean(allocation, "child", "iro")
        draft.allocations.append(allocation)
        previous = current.iro.pk if current else None
        draft.audit.append(("iro_allocated", allocation, {"previous_iro": previous, "iro": user.pk, "reason": reason}))

    def _schedule(self, draft: _Draft, also_held: date | None = None) -> ChildSchedule:
        # The service's own scheduler, on the records in memory.
        held = [r.held_on for r in draft.held] + ([also_held] if also_held else [])
        return child_review_schedule(draft.episodes, held, today=self.today, **self.settings)

    def clocks(self, draft: _Draft) -> tuple[Clock, ...]:
        return self._schedule(draft).clocks

    def due_on(self, draft: _Draft, clock_start: date) -> date | None:
        waiting = next((r for r in self._schedule(draft).waiting if r.clock.start == clock_start), None)
        return waiting.due.due_on if waiting else None

    def record(self, draft: _Draft, clock_start: date, **recorded) -> None:
        # As reviews.services.review_record (its _check_held and _check_late_reason).
        held_on = recorded["held_on"]
        if held_on > self.today or held_on in {r.held_on for r in draft.held}:
            self._refuse(f"review held {held_on}")
        item = next((r for r in self._schedule(draft, held_on).reviews if r.held_on == held_on), None)
        if item is None or item.clock.start != clock_start:
            self._refuse(f"review held {held_on} outside the period of care or short-break arrangement")
        problem = pn_code_fits_age(
            recorded["participation"], date_of_birth=draft.child.date_of_birth, review_on=held_on
        )
        if problem or not recorded["chair"].is_iro:
            self._refuse(problem or "chair not an IRO")
        for sent in (recorded["decisions_sent_on"], recorded["record_sent_on"]):
            if sent is not None and not held_on <= sent <= self.today:
                self._refuse(f"sent on {sent}")
        due = item.due
        if held_on > due.due_on and not recorded["late_reason"]:
            self._refuse(f"late review held {held_on} without a reason")
        review = Review(
            child=draft.child,
            **item.review_fields,
            **{**recorded, "late_reason": recorded["late_reason"] if held_on > due.due_on else ""},
        )
        self._clean(review, "child", "chair")
        draft.held.append(review)
        draft.audit.append(("review_recorded", review, {"fields": sorted(recorded)}))

    def book(self, draft: _Draft, period_start: date, planned_on: date) -> None:
        if planned_on < self.today:
            self._refuse(f"meeting on {planned_on}")
        draft.meeting = (period_start, planned_on)

    def finish(self) -> None:
        children = [d.child for d in self.drafts]
        Child.objects.bulk_create(children)
        Episode.objects.bulk_create([e for d in self.drafts for e in d.episodes])
        IROAllocation.objects.bulk_create([a for d in self.drafts for a in d.allocations])
        reviews, meetings = [], []
        for draft in self.drafts:
            reviews += draft.held
            waiting = {
                item.clock.start: Review(child=draft.child, **item.review_fields)
                for item in self._schedule(draft).waiting
            }
            reviews += waiting.values()
            if draft.meeting:
                meeting = Meeting(review=waiting[draft.meeting[0]], planned_on=draft.meeting[1])
                meetings.append(meeting)
                draft.audit.append(("meeting_booked", meeting, {"moved": False}))
        Review.objects.bulk_create(reviews)
        Meeting.objects.bulk_create(meetings)
        AuditEntry.objects.bulk_create(
            AuditEntry(actor=None, action=action, object_type=obj._meta.label_lower, object_id=obj.pk, detail=detail)
            for d in self.drafts
            for action, obj, detail in d.audit
        )
        # The service recomputes every due date: nothing may change.
        # It stores the short-break arrangements too.
        expected = sorted(
            (r.child_id, r.period_start, r.short_breaks, r.sequence, r.due_on, r.held_on) for r in reviews
        )
        for child in children:
            review_schedule_refresh(child=child, today=self.today)
        stored = sorted(
            Review.objects.filter(child__in=children).values_list(
                "child_id", "period_start", "short_breaks", "sequence", "due_on", "held_on"
            )
        )
        if stored != expected:
            raise CommandError("seed_demo's due dates differ from those the service computes (a bug in seed_demo).")


def write_child(plan: ChildPlan, writer: ServiceWriter | BulkWriter, rng: random.Random, today: date):
    child = writer.child(plan)
    for period in plan.periods:
        # Episodes and (re)allocations in the order they happened, then the end of the period.
        steps = [(e.start_on, 0, e) for e in period.episodes]
        steps += [(start, 1, (iro, reason)) for start, iro, reason in period.allocations]
        steps.sort(key=lambda s: (s[0], s[1]))
        episode = None
        for day, kind, what in steps:
            if kind == 0:
                episode = writer.start_episode(child, what)
            else:
                iro, reason = what
                writer.allocate(child, iro, day, reason, REALLOCATION_NOTES.get(reason, ""))
        if period.end is not None:
            writer.end_period(child, episode, period.end, period.reason_ceased)

    # Reviews on each clock the scheduler finds: periods of full-time care and short-break arrangements.
    clocks = writer.clocks(child)
    for clock in clocks:
        _hold_reviews(child, plan, clock, writer, rng, today)

    # A meeting booked for about a third of the reviews due in the next 30 days (or overdue).
    last = clocks[-1] if clocks else None
    due = writer.due_on(child, last.start) if last is not None and last.period.end is None else None
    if due is not None and due <= today + timedelta(days=30) and rng.random() < 1 / 3:
        if due < today:
            planned = add_working_days(today, rng.randint(1, 8))
        else:
            planned = working_day_on_or_before(due - timedelta(days=rng.randint(0, 10)))
            planned = max(planned, working_day_on_or_after(today))
        writer.book(child, last.start, planned)


def _hold_reviews(child, plan: ChildPlan, clock: Clock, writer: ServiceWriter | BulkWriter, rng: random.Random, today):
    """Walk the clock's reviews forward: each held shortly before the date the service says it is
    due, now and then late, never after today."""
    previous: date | None = None
    # A move of placement may bring a review forward (periods of full-time care only).
    episodes = next((p.episodes for p in plan.periods if p.start == clock.start and not p.short_break), [])
    due = writer.due_on(child, clock.start)
    while due is not None:
        if clock.period.end is None and today - timedelta(days=40) <= due < today and rng.random() < OVERDUE_NOW_SHARE:
            return  # overdue now: not held yet
        held, late_reason = _held_on(due, clock, episodes, previous, rng)
        if held > today:
            return
        chair = plan.iro_on(held)
        if chair is None:
            return
        writer.record(
            child,
            clock.start,
            held_on=held,
            chair=writer.iros[chair],
            late_reason=late_reason,
            # "Other" says why (reviews.services asks for it).
            late_reason_detail="The child was unwell on the day planned." if late_reason == "other" else "",
            **_recorded(plan, held, rng, today),
        )
        previous = held
        due = writer.due_on(child, clock.start)


def _held_on(
    due: date, clock: Clock, episodes: list[EpisodePlan], previous: date | None, rng: random.Random
) -> tuple[date, str]:
    end = clock.period.end
    if rng.random() < LATE_SHARE:
        late = working_day_on_or_after(due + timedelta(days=rng.choice((1, 2, 3, 4, 5, 7, 8, 10, 14, 21))))
        if end is None or late <= end:
            return late, pick(rng, LATE_REASONS)
    earliest = clock.start + timedelta(days=10) if previous is None else previous + timedelta(days=30)
    earliest = min(earliest, due)
    held = working_day_on_or_before(due - timedelta(days=pick(rng, HELD_DAYS_EARLY)))
    if held < earliest:
        held = min(working_day_on_or_after(earliest), due)
    if previous is not None:
        # A move since the last review: the IRO may bring the review forward.
        moved = [e.start_on for e in episodes if e.reason_new in ("P", "T") and previous + DAY * 14 < e.start_on]
        if moved and moved[0] < held and rng.random() < EVENT_REVIEW_SHARE:
            held = min(held, working_day_on_or_after(moved[0] + timedelta(days=rng.randint(10, 30))))
    return held, ""


def _recorded(plan: ChildPlan, held: date, rng: random.Random, today: date) -> dict:
    if held < plan.dob + relativedelta(years=4):
        participation, spoke_alone = "PN0", None
    else:
        age = age_on(plan.dob, held)
        band = "disabled" if plan.disabled else "4-7" if age < 8 else "8-13" if age < 14 else "14+"
        participation = pick(rng, PARTICIPATION[band])
        spoke_alone = pick(rng, {True: 88, False: 9, None: 3})
    decisions_sent = add_working_days(held, pick(rng, DECISIONS_WORKING_DAYS))
    record_days = rng.randint(*pick(rng, RECORD_WORKING_DAYS))
    record_sent = max(add_working_days(held, record_days), decisions_sent)
    return {
        "participation": participation,
        "spoke_alone": spoke_alone,
        "decisions_sent_on": decisions_sent if decisions_sent <= today else None,
        "record_sent_on": record_sent if record_sent <= today else None,
    }
