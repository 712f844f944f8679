"""The demo authority's review records and the IROs' work between reviews: for the reviews held
since the last complete collection year began (so the dashboard and the last annual report show
them), who took part, the views gathered, the plan, the actions (in every status, some
open past their date) and, between reviews, case notes and midway checks.

Written after the history (by either writer), from the reviews the service stored, in a fixed
order and from its own seed: the same authority every time. Written in bulk under the models' own
rules (`full_clean`), with an audit entry for each case note and midway check, as their services
write."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts.models import AuditEntry, User
from children.models import IROAllocation
from core.midway import midway_due
from reviews.models import CaseNote, MidwayCheck, Review, ReviewAction, ReviewParticipant, ReviewViews
from reviews.services import PLAN_FIELDS

from .data import FIRST_NAMES, STAFF_FIRST_NAMES, SURNAMES, age_on, pick


def records_since(today: date) -> date:
    """1 April of the last complete collection year: reviews held since get a full record; older
    history keeps what it had."""
    return date(today.year - 1 if today.month >= 4 else today.year - 2, 4, 1)


CHILD_VIEWS = (
    "I like living with my carers and want to stay.",
    "I want to see my mum more often, and my brother at weekends.",
    "School is going better. I don't like having to change social workers.",
    "I want to go home but I know it isn't safe yet.",
    "I'd like to do football after school and to have my own phone.",
    "I feel settled here. I don't want to move again.",
    "I want to know what is happening about my passport.",
    "I want to have a say in where I live when I'm 18.",
)
CARER_VIEWS = (
    "Settled well; sleeping better. Would like support with contact arrangements.",
    "Attendance has improved this term. Needs a dentist appointment.",
    "Some difficult behaviour after family time; the school is aware.",
    "Doing well. We would be happy for the placement to be long term.",
)
PARENT_VIEWS = (
    "I want more family time and to be told about school meetings.",
    "I agree with the plan but want contact on Saturdays.",
    "I don't agree with the care order and want a parenting assessment.",
)
SCHOOL_VIEWS = ("Attendance 94%; making good progress in English.", "Needs a PEP target on maths; doing well socially.")
ACTIONS = {
    "social_worker": (
        "Arrange the next PEP meeting with the virtual school",
        "Complete the life-story work with the child",
        "Confirm the family time plan in writing to the parents",
        "Apply for the child's passport",
        "Refer to CAMHS for an assessment",
        "Start the pathway plan with the child",
        "Share the updated care plan with the child and carers",
    ),
    "carer": ("Book a dental check", "Register the child with a local GP", "Support the child to join a club"),
    "health": ("Complete the review health assessment",),
    "school": ("Put in place a PEP target for maths and reading",),
    "team_manager": ("Present the permanence plan to the permanence panel",),
    "iro": ("Visit the child at the placement before the next review",),
}
OUTCOMES = {
    "done": ("Done as agreed.", "Completed; copy on the file.", "Done, a little later than planned."),
    "not_done": ("Not done: the social worker changed.", "Not done: waiting for the health team."),
    "no_longer_needed": ("No longer needed: the child moved placement.", "No longer needed: the plan changed."),
    "left_care": ("No longer needed: the child is no longer looked after.",),
}
CARE_PLANS = (
    "Remain in the current foster placement, with support from the fostering team.",
    "Rehabilitation home to mother, with a graduated increase in family time.",
    "Long-term fostering with the current carers, to be matched at panel.",
    "Move to a semi-independent placement at 17 with a pathway plan.",
    "Placement with the maternal aunt under a special guardianship order.",
)
FAMILY_TIME = (
    "Supervised family time with mother fortnightly; telephone contact weekly.",
    "Sibling contact monthly; father by letter twice a year.",
    "Unsupervised weekend stays with grandparents.",
)
CASE_NOTES = {
    ("child", "visit"): "Saw the child alone at the placement; they said they feel safe and talked about school.",
    ("child", "video"): "Video call with the child ahead of the review; explained what the review is for.",
    ("social_worker", "phone"): "Call with the social worker: progress on the review's actions; PEP date confirmed.",
    ("social_worker", "email"): "Asked the social worker for the updated care plan and the health assessment.",
    ("carer", "phone"): "Spoke to the carer: placement stable, some worries about family time.",
    ("team_manager", "meeting"): "Met the team manager about drift in the permanence plan; timescales agreed.",
    ("parent", "phone"): "Mother called about family time; explained the plan and the review date.",
}
CONCERNS = (
    "The PEP has not been held and the school place is not confirmed.",
    "The health assessment is overdue and no date has been set.",
    "Family time has not started as the review agreed.",
    "No permanence planning meeting has been held.",
)
PLAN_NOT_MEETING_NEEDS = (
    "The plan does not yet address the child's emotional health needs.",
    "Permanence has drifted: no parallel plan has been agreed.",
)


def _person(rng: random.Random, sex: str | None = None) -> str:
    group = rng.choice(("white", "white", "european")) if rng.random() < 0.6 else "white"
    first = rng.choice(FIRST_NAMES[group][sex or rng.choice("MF")])
    return f"{first} {rng.choice(SURNAMES[group])}"


def _worker(rng: random.Random) -> str:
    names = STAFF_FIRST_NAMES["white"]
    return f"{rng.choice(names[rng.choice('FM')])} {rng.choice(SURNAMES['white'])}"


def _clean(obj) -> None:
    # Field choices and validators; the relations, uniqueness and constraints are the database's job
    # on insert (checking them here would cost a query each).
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    try:
        obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as error:  # a bug in the demo, not bad input: say which record
        raise CommandError(f"the demo's review records broke a rule ({obj!r}): {error.message_dict}") from None


def _permanence(age: int, rng: random.Random) -> str:
    if age < 5:
        return pick(rng, {"adoption": 40, "return_home": 30, "special_guardianship": 20, "long_term_fostering": 10})
    if age < 14:
        return pick(
            rng, {"long_term_fostering": 55, "return_home": 20, "special_guardianship": 20, "residential_care": 5}
        )
    return pick(
        rng, {"long_term_fostering": 45, "supported_independence": 40, "residential_care": 10, "return_home": 5}
    )


class _Records:
    def __init__(self, today: date, rng: random.Random):
        self.today, self.rng = today, rng
        self.participants: list[ReviewParticipant] = []
        self.views: list[ReviewViews] = []
        self.actions: list[ReviewAction] = []
        self.notes: list[CaseNote] = []
        self.checks: list[MidwayCheck] = []
        self.reviews: list[Review] = []

    def review(self, review: Review, following: Review | None, people: dict) -> None:
        """The record of one review held; `following` is the next review on its clock (held or not)."""
        rng, held, child = self.rng, review.held_on, review.child
        age = age_on(child.date_of_birth, held)
        contributes = review.participation in ("PN1", "PN2", "PN3", "PN5", "PN6")
        attends = review.participation in ("PN1", "PN2", "PN3", "PN4")
        advocate_used = age >= 8 and rng.random() < 0.2

        def took_part(role, name, *, invited=True, attended=False, sent_views=False, sent_report=False):
            self.participants.append(
                ReviewParticipant(
                    review=review,
                    role=role,
                    name=name,
                    invited=invited,
                    attended=attended,
                    sent_views=sent_views,
                    sent_report=sent_report,
                )
            )

        def gave_views(role, name, text):
            day = held - timedelta(days=rng.randint(1, 12))
            method = pick(rng, {"form": 35, "app": 25, "phone": 20, "in_person": 15, "written": 5})
            self.views.append(
                ReviewViews(review=review, role=role, name=name, method=method, gathered_on=day, text=text)
            )

        if review.participation != "PN0":
            took_part("child", child.first_name, attended=attends, sent_views=contributes)
            if contributes and rng.random() < 0.85:
                gave_views("child", child.first_name, rng.choice(CHILD_VIEWS))
        took_part("carer", people["carer"], attended=rng.random() < 0.9, sent_views=rng.random() < 0.6)
        if rng.random() < 0.6:
            gave_views("carer", people["carer"], rng.choice(CARER_VIEWS))
        if rng.random() < 0.75:
            parent_views = rng.random() < 0.4
            took_part("parent", people["mother"], attended=rng.random() < 0.5, sent_views=parent_views)
            if parent_views:
                gave_views("parent", people["mother"], rng.choice(PARENT_VIEWS))
        took_part("social_worker", people["social_worker"], attended=rng.random() < 0.95, sent_report=True)
        if rng.random() < 0.3:
            took_part("team_manager", people["team_manager"], attended=rng.random() < 0.5)
        if 5 <= age <= 15:
            school_views = rng.random() < 0.5
            took_part("school", people["school"], attended=rng.random() < 0.4, sent_views=school_views)
            if school_views:
                gave_views("school", people["school"], rng.choice(SCHOOL_VIEWS))
        if rng.random() < 0.2:
            took_part("health", people["health"], attended=False, sent_report=True)
        if advocate_used:
            took_part("advocate", people["advocate"], attended=True)

        # The plan, as the review considered it.
        review.advocate_offered = age >= 4 and rng.random() < 0.92
        review.advocate_used = advocate_used if review.advocate_offered else None
        review.report_shared_on = held - timedelta(days=pick(rng, {5: 40, 4: 25, 3: 20, 1: 10, 0: 5}))
        review.wishes_and_feelings = rng.choice(CHILD_VIEWS) if contributes else ""
        review.care_plan = rng.choice(CARE_PLANS)
        review.permanence_plan = people["permanence"]
        review.permanence_target_on = held + timedelta(days=rng.randint(90, 400))
        review.permanence_progress = pick(rng, {"on_track": 84, "drifting": 16})
        review.health_assessment_on = held - timedelta(days=rng.randint(20, 330))
        review.dental_check_on = held - timedelta(days=rng.randint(30, 400)) if age >= 1 else None
        if 5 <= age <= 15:
            review.pep_on = held - timedelta(days=rng.randint(10, 150))
            review.pep_reviewed = rng.random() < 0.88
        review.family_time = rng.choice(FAMILY_TIME)
        review.plan_meets_needs = pick(rng, {"yes": 76, "in_part": 19, "no": 5})
        if review.plan_meets_needs != "yes":
            review.plan_meets_needs_why = rng.choice(PLAN_NOT_MEETING_NEEDS)
        if not review.summary:
            review.summary = f"{review.care_plan} {review.family_time}"
        self.reviews.append(review)

        # Its decisions, as actions, and what became of them.
        for _ in range(rng.randint(2, 4)):
            role = pick(rng, {"social_worker": 55, "carer": 15, "health": 8, "school": 8, "team_manager": 6, "iro": 8})
            due_on = held + timedelta(days=rng.choice((14, 21, 28, 42, 56, 70, 90)))
            action = ReviewAction(
                review=review,
                what=rng.choice(ACTIONS[role]),
                responsible_role=role,
                responsible_name="" if role == "iro" else people.get(role, _worker(rng)),
                responsible_user=review.chair if role == "iro" else None,
                due_on=due_on,
            )
            if following is None:
                # No review follows on this clock: the child left care (or the short breaks ended).
                status, outcome_on = "no_longer_needed", min(due_on, self.today)
            elif following.held_on is not None:
                status = pick(rng, {"done": 72, "not_done": 14, "no_longer_needed": 14})
                # Most done by their date; some late.
                late = timedelta(days=rng.randint(1, 25) if rng.random() < 0.25 else -rng.randint(0, 14))
                outcome_on = min(due_on + late, following.held_on)
                action.outcome_review = following
            elif due_on < self.today:
                status = pick(rng, {"done": 70, "open": 22, "not_done": 8})  # open: past its date
                late = timedelta(days=rng.randint(1, 20) if rng.random() < 0.25 else -rng.randint(0, 14))
                outcome_on = min(due_on + late, self.today)
            else:
                status = pick(rng, {"open": 80, "done": 20})
                outcome_on = min(held + timedelta(days=rng.randint(3, 20)), self.today)
            if status != "open":
                action.status, action.outcome_on = status, max(outcome_on, held)
                action.outcome = rng.choice(OUTCOMES["left_care" if following is None else status])
            self.actions.append(action)

        # Between this review and the next: case notes and the midway check.
        # Up to the next review, or a month on where the child left care after this one.
        until = min(following.held_on or following.due_on if following else held + timedelta(days=30), self.today)
        # The IRO who chaired it, or in the interval going on now the child's IRO today.
        now = following is not None and following.held_on is None
        iro = (people["iro"] if now else None) or review.chair
        for _ in range(pick(rng, {0: 20, 1: 35, 2: 30, 3: 15})):
            if until <= held:
                break
            (contact_with, method), summary = rng.choice(list(CASE_NOTES.items()))
            self.notes.append(
                CaseNote(
                    child=child,
                    contact_on=held + timedelta(days=rng.randint(1, (until - held).days)),
                    contact_with=contact_with,
                    contact_name={"child": "", "parent": people["mother"]}.get(
                        contact_with, people.get(contact_with, "")
                    ),
                    method=method,
                    summary=summary,
                    recorded_by=iro,
                )
            )
        self.midway_check(review, following, iro)

    def midway_check(self, review: Review, following: Review | None, iro: User) -> None:
        """The midway check between `review` and the next on its clock, if it was due and done."""
        rng, held, child = self.rng, review.held_on, review.child
        if following is None:
            return
        due_on = midway_due(held, following.due_on)
        if due_on > self.today or rng.random() > (0.78 if following.held_on else 0.6):
            return  # not due yet, or not done
        checked_on = min(due_on + timedelta(days=rng.randint(-7, 10)), self.today)
        if following.held_on:
            checked_on = min(checked_on, following.held_on)
        on_track = pick(rng, {"yes": 62, "some": 28, "no": 6, "no_actions": 4})
        escalate = on_track != "yes" and rng.random() < 0.12
        self.checks.append(
            MidwayCheck(
                child=child,
                after_review=review,
                due_on=due_on,
                checked_on=max(checked_on, held),
                actions_on_track=on_track,
                concerns=rng.choice(CONCERNS) if on_track in ("some", "no") or escalate else "",
                escalate=escalate,
                recorded_by=iro,
            )
        )

    def save(self) -> None:
        for obj in (*self.participants, *self.views, *self.actions, *self.notes, *self.checks):
            _clean(obj)
        fields = ["advocate_offered", "advocate_used", "report_shared_on", *PLAN_FIELDS, "summary"]
        # One UPDATE a review: bulk_update's CASE expressions cost far more to build for this many fields.
        for review in self.reviews:
            Review.objects.filter(pk=review.pk).update(**{name: getattr(review, name) for name in fields})
        for model, rows in (
            (ReviewParticipant, self.participants),
            (ReviewViews, self.views),
            (ReviewAction, self.actions),
            (CaseNote, self.notes),
            (MidwayCheck, self.checks),
        ):
            model.objects.bulk_create(rows, batch_size=1000)
        AuditEntry.objects.bulk_create(
            [
                *(AuditEntry(actor=n.recorded_by, action="case_note_recorded", object_type="reviews.casenote",
                             object_id=n.pk) for n in self.notes),
                *(AuditEntry(actor=c.recorded_by, action="midway_check_recorded", object_type="reviews.midwaycheck",
                             object_id=c.pk, detail={"escalate": c.escalate}) for c in self.checks),
            ],
            batch_size=1000,
        )  # fmt: skip


def write(*, today: date, seed: int) -> None:
    """The review records of the reviews held since `records_since`, and the work between them."""
    rng = random.Random(f"review records {seed}")
    since = records_since(today)
    reviews = list(
        Review.objects.filter(child__reviews__held_on__gte=since)
        .distinct()
        .select_related("child", "chair")
        .order_by("child__la_child_id", "period_start", "sequence")
    )
    clocks: dict[tuple, list[Review]] = defaultdict(list)
    for review in reviews:
        clocks[(review.child.la_child_id, review.period_start)].append(review)
    current_iro: dict[int, User] = {
        a.child_id: a.iro for a in IROAllocation.objects.filter(end_on__isnull=True).select_related("iro")
    }
    records = _Records(today, rng)
    people_of: dict[int, dict] = {}
    for (_, _), on_clock in clocks.items():
        for review, following in zip(on_clock, [*on_clock[1:], None], strict=True):
            if review.held_on is None:
                continue
            if review.held_on < since:
                # Only the midway check before the first review with a record.
                if following is not None and (following.held_on is None or following.held_on >= since):
                    records.midway_check(review, following, review.chair)
                continue
            child = review.child
            if child.pk not in people_of:
                age = age_on(child.date_of_birth, review.held_on)
                people_of[child.pk] = {
                    "carer": _person(rng),
                    "mother": _person(rng, "F"),
                    "social_worker": _worker(rng),
                    "team_manager": _worker(rng),
                    "school": f"{_worker(rng)} (designated teacher)",
                    "health": f"{_worker(rng)} (LAC nurse)",
                    "advocate": f"{_worker(rng)} (Coram Voice)",
                    "permanence": _permanence(age, rng),
                    "iro": current_iro.get(child.pk),
                }
            records.review(review, following, people_of[child.pk])
    records.save()


def summary_lines(today: date) -> list[tuple[str, object]]:
    actions = ReviewAction.objects.all()
    return [
        (
            "Review actions (open past their date)",
            f"{actions.count()} ({actions.filter(status='open', due_on__lt=today).count()})",
        ),
        ("Case notes", CaseNote.objects.count()),
        ("Midway checks", MidwayCheck.objects.count()),
    ]
