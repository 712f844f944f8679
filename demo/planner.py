"""Every child's history planned in memory before anything is written: periods of care, episodes, IRO
allocations. One module, a little over 500 lines: it is one pass over each child's history in which
each step feeds the next (a period's episodes decide its allocations and reviews), read top to bottom.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.management.base import CommandError

from children.codes import PLACEMENTS_WITHOUT_PROVIDER, used_until
from core.collection_years import CollectionYear

from .data import (
    AGE_AT_ENTRY,
    CATEGORY_OF_NEED,
    ENDINGS,
    ETHNICITY,
    FAR_DISTRICTS,
    FOSTER_OR_ADOPTIVE,
    FOSTER_PLACEMENTS,
    HISTORY_YEARS,
    HOME_DISTRICTS,
    KINSHIP_PLACEMENTS,
    LA_PREFIX,
    LONDON_DISTRICTS,
    LOOKBACK_YEARS,
    NEAR_DISTRICTS,
    PATHS_BY_AGE,
    PLACE_CHANGE_REASONS,
    PLACEMENTS_BY_AGE,
    PROVIDERS,
    REALLOCATION_REASONS,
    REMAND_PLACEMENTS,
    RETIRED_PLACEMENT,
    SEX,
    UPN_UNKNOWN,
    age_band,
    age_on,
    child_name,
    pick,
    placement_allowed,
    postcode_in,
    upn_for,
    urn_for,
)

# --- The plan: every child's history, in memory, before anything is written -----------------------


@dataclass
class EpisodePlan:
    start_on: date
    reason_new: str
    legal_status: str
    category_of_need: str
    placement: str
    placement_provider: str
    home_postcode: str
    placement_postcode: str
    reason_place_change: str = ""
    # An episode with a code not valid today is written already ended (X1: the next starts that day),
    # so that it is checked with the code lists of its own years (children.services.episode_start).
    ends_on: date | None = None

    def fields(self) -> dict:
        ended = {"end_on": self.ends_on, "reason_ceased": "X1"} if self.ends_on else {}
        return {
            **ended,
            "reason_new": self.reason_new,
            "legal_status": self.legal_status,
            "category_of_need": self.category_of_need,
            "placement": self.placement,
            "placement_provider": self.placement_provider,
            "reason_place_change": self.reason_place_change,
            "home_postcode": self.home_postcode,
            "placement_postcode": self.placement_postcode,
            "urn": urn_for(self.placement, self.placement_provider, self.legal_status, self.placement_postcode),
        }


@dataclass
class PeriodPlan:
    start: date
    episodes: list[EpisodePlan]
    end: date | None  # None: still looked after on --today
    reason_ceased: str
    short_break: bool = False
    # (from, IRO index, reason); filled in by the allocation sweep.
    allocations: list[tuple[date, int, str]] = field(default_factory=list)
    reallocate_on: list[date] = field(default_factory=list)

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def iro_on(self, day: date) -> int | None:
        current = None
        for start, iro, _reason in self.allocations:
            if start <= day:
                current = iro
        return current


@dataclass
class ChildPlan:
    dob: date
    sex: str
    ethnicity: str
    first_name: str
    last_name: str
    home_postcode: str
    disabled: bool
    periods: list[PeriodPlan]
    upn: str = ""
    # 903 MOTHER and MC_DOB: every girl's MOTHER is given (DfE rule 393), blank for boys.
    mother: str = ""
    first_child_born_on: date | None = None
    la_child_id: str = ""
    unallocated: bool = False  # recently arrived, not yet given an IRO

    def looked_after_on(self, day: date) -> bool:
        return any(p.covers(day) for p in self.periods)

    def iro_on(self, day: date) -> int | None:
        """The IRO allocated on `day` (between short breaks too: the allocation carries on)."""
        allocations = sorted(a for p in self.periods for a in p.allocations)
        return next((iro for start, iro, _reason in reversed(allocations) if start <= day), None)


class Planner:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.history_from = today - relativedelta(years=HISTORY_YEARS)
        self.earliest = self.history_from - relativedelta(years=LOOKBACK_YEARS)
        # Mothers are drawn apart from the rest of the plan, so that the rest stays as it was.
        self.mothers_rng = random.Random(f"mothers/{today}")

    # -- one episode's placement

    def placement(
        self, on: date, age: int, legal_status: str, *, remand: bool = False, kinship: bool | None = None
    ) -> tuple[str, str]:
        rng = self.rng
        if remand:
            place = pick(rng, REMAND_PLACEMENTS)
        elif kinship is True:
            place = rng.choice(KINSHIP_PLACEMENTS)
        else:
            choices = PLACEMENTS_BY_AGE[age_band(age)]
            if kinship is False:
                choices = {k: v for k, v in choices.items() if k in ("U4", "U6")}
            place = pick(rng, {k: v for k, v in choices.items() if placement_allowed(k, on, legal_status)})
        provider = "" if place in PLACEMENTS_WITHOUT_PROVIDER else pick(rng, PROVIDERS[place])
        return place, provider

    def placement_postcode(self, place: str, provider: str, home: str) -> str:
        rng = self.rng
        if place == "P1":
            return home  # the only placement at the home address (DfE rule 392d)
        if provider == "PR1" and place not in FOSTER_OR_ADOPTIVE or place == "K3":
            # The borough's own homes are in the borough (DfE rule 1015), and so are the supported
            # lodgings of a provider with a URN (rule 241).
            where = {"home": 1}
        elif place in ("K1", "K2", "R1", "S1", "R5"):
            where = {"home": 10, "london": 30, "near": 35, "far": 25}
        else:
            where = {"home": 40, "london": 35, "near": 18, "far": 7}
        districts = {"home": HOME_DISTRICTS, "london": LONDON_DISTRICTS, "near": NEAR_DISTRICTS, "far": FAR_DISTRICTS}
        postcode = postcode_in(rng, districts[pick(rng, where)])
        while postcode == home:
            postcode = postcode_in(rng, HOME_DISTRICTS)
        return postcode

    # -- one period of care

    def period(self, dob: date, start: date, home: str, *, disabled: bool, allow_adoption: bool) -> PeriodPlan:
        rng = self.rng
        age = age_on(dob, start)
        band = age_band(age)
        paths = dict(PATHS_BY_AGE[band])
        if not allow_adoption:
            paths.pop("adoption", None)
        if age < 12:
            paths.pop("remand", None)
        path = pick(rng, paths)
        eighteen = dob + relativedelta(years=18)
        cin = "N6" if path == "remand" else ("N2" if disabled else pick(rng, CATEGORY_OF_NEED))

        # Legal status at the start, and its planned changes.
        if path == "remand":
            legal = "J1"
        elif age >= 16:
            legal = pick(rng, {"V2": 80, "C1": 15, "L1": 5})
        elif path == "adoption":
            legal = pick(rng, {"C1": 85, "L2": 10, "V2": 5})
        else:
            legal = pick(rng, {"C1": 42, "V2": 45, "L1": 5, "L2": 3, "C2": 5})

        kinship = None
        if path == "sgo":
            kinship = rng.random() < 0.6
        place, provider = self.placement(start, age, legal, remand=path == "remand", kinship=kinship)
        first = EpisodePlan(
            start, "S", legal, cin, place, provider, home, self.placement_postcode(place, provider, home)
        )

        # How long the period lasts.
        if path == "home":
            days = rng.choice((rng.randint(7, 90), rng.randint(30, 270), rng.randint(150, 1000)))
        elif path == "adoption":
            days = rng.randint(480, 1100)
        elif path == "sgo":
            days = rng.randint(300, 1100)
        elif path == "remand":
            days = rng.randint(14, 120)
        elif path == "other":
            days = rng.randint(20, 600)
        else:  # long: until the 18th birthday for most, some leave earlier
            days = (eighteen - start).days if rng.random() < 0.8 else rng.randint(400, 2500)
        end = start + timedelta(days=max(days, 1))
        if path == "long" or end >= eighteen:
            end, ending = eighteen, "eighteen"
        else:
            ending = path if path in ENDINGS else "other"

        # Changes within the period: (day, kind, payload).
        changes: list[tuple[date, str, dict]] = []
        if legal in ("L1", "L2"):
            # Police protection lasts at most 72 hours (DfE rule 361), an EPO 8 days, renewable once (rule 362).
            days = rng.randint(1, 3) if legal == "L1" else rng.randint(1, 8)
            changes.append((start + timedelta(days=days), "legal", {"to": "C1", "urgent": True}))
        if legal in ("C1", "L1", "L2") and path != "adoption":
            changes.append((start + timedelta(days=rng.randint(150, 400)), "legal", {"to": "C2"}))
        if legal == "V2" and path in ("long", "sgo") and rng.random() < 0.25:
            changes.append((start + timedelta(days=rng.randint(40, 300)), "legal", {"to": "C1"}))
        adoption_placed = None
        if path == "adoption":
            order = start + timedelta(days=rng.randint(180, 330))
            adoption_placed = order + timedelta(days=rng.randint(60, 240))
            end = max(end, adoption_placed + timedelta(days=rng.randint(150, 400)))
            changes.append((order, "legal", {"to": "E1"}))
            changes.append((adoption_placed, "adoption", {}))
        if path == "home" and (end - start).days > 150 and rng.random() < 0.3:
            changes.append((end - timedelta(days=rng.randint(30, 120)), "move", {"to": "P1", "reason": "CARPL"}))
        if ending == "eighteen" and age < 16 and rng.random() < 0.4:
            sixteen = dob + relativedelta(years=16, days=rng.randint(0, 300))
            changes.append((sixteen, "move", {"to": "K3", "reason": "CARPL"}))
        # Unplanned placement moves, more often for teenagers; none for remands and special
        # guardianship with the carers who take the order (DfE rule 516 wants a foster placement last).
        if path not in ("remand", "sgo"):
            rate = 0.25 if age < 10 else 0.45
            day = start + timedelta(days=int(rng.expovariate(rate / 365)) + 14)
            stop = end if adoption_placed is None else adoption_placed - timedelta(days=10)
            while day < stop:
                changes.append((day, "move", {}))
                day += timedelta(days=int(rng.expovariate(rate / 365)) + 30)

        episodes = [first]
        taken = {start}
        for day, kind, payload in sorted(changes, key=lambda c: c[0]):
            gap = 1 if payload.get("urgent") else 3  # planned changes keep a few days apart
            if day >= end or day > self.today or any(abs((day - t).days) < gap for t in taken):
                continue
            prev = episodes[-1]
            ep = EpisodePlan(
                day, "L", prev.legal_status, cin, prev.placement, prev.placement_provider, home, prev.placement_postcode
            )
            if kind == "legal":
                if prev.legal_status == payload["to"] or prev.legal_status == "C2" and payload["to"] == "C1":
                    continue
                ep.legal_status = payload["to"]
            elif kind == "adoption":
                with_carer = prev.placement in ("U2", "U5")
                ep.placement = "A5" if with_carer else "A6"
                ep.reason_new = "T" if with_carer else "P"
                ep.placement_provider = pick(rng, PROVIDERS[ep.placement])
                if not with_carer:
                    ep.placement_postcode = self.placement_postcode(ep.placement, ep.placement_provider, home)
                ep.reason_place_change = "CARPL"
            else:
                place = payload.get("to")
                if place is None:
                    place, provider = self.placement(day, age_on(dob, day), prev.legal_status)
                elif not placement_allowed(place, day, prev.legal_status):
                    continue
                else:
                    provider = pick(rng, PROVIDERS[place])
                if place == prev.placement:
                    continue
                ep.placement, ep.placement_provider = place, provider
                ep.placement_postcode = self.placement_postcode(place, provider, home)
                ep.reason_new = "P"
                ep.reason_place_change = payload.get("reason") or pick(rng, PLACE_CHANGE_REASONS)
            episodes.append(ep)
            taken.add(day)

        last_place = episodes[-1].placement
        if ending == "eighteen":
            reason = pick(rng, ENDINGS["eighteen"])
            if reason == "E17" and last_place not in FOSTER_PLACEMENTS:
                reason = "E5"  # staying put is with foster carers
        elif path == "sgo":
            # E45/E46: the former foster carers take the order (kinship or not); E47/E48: other carers.
            reason = pick(rng, {"E45": 80, "E47": 20} if kinship else {"E46": 60, "E48": 25, "E47": 15})
        else:
            reason = pick(rng, ENDINGS[ending])
            if reason == "E9" and age < 12 or reason == "E15" and age < 15:
                reason = "E8"
        if end > self.today:
            end, reason = None, ""
        return PeriodPlan(start, episodes, end, reason)

    # -- short breaks: a disabled child's series of individual short-break episodes (LS V3)

    def short_breaks(self, dob: date, first: date, home: str, until: date | None = None) -> list[PeriodPlan]:
        rng = self.rng
        place, provider = rng.choice((("K2", "PR1"), ("U6", "PR1")))
        periods = []
        day = first
        while day <= min(self.today, until or self.today) and age_on(dob, day) < 18:
            end = day + timedelta(days=rng.randint(1, 3))
            # No postcodes for short breaks (DfE rules 398 and 214).
            ep = EpisodePlan(day, "S", "V3", "N2", place, provider, "", "")
            periods.append(
                PeriodPlan(
                    day, [ep], end if end <= self.today else None, "E4A" if end <= self.today else "", short_break=True
                )
            )
            day = end + timedelta(days=rng.randint(21, 56))
        return periods

    # -- motherhood: a few girls who came into care at 15 or older already have a child

    def motherhood(self, dob: date, periods: list[PeriodPlan]) -> tuple[str, date | None]:
        rng = self.mothers_rng
        first = periods[0].start
        earliest = dob + relativedelta(years=14, months=6)
        latest = first - timedelta(days=30)
        if all(p.short_break for p in periods):
            return "", None  # blank where the DfE wants it blank: short breaks only (rules 393, 399)
        if latest <= earliest or rng.random() > 0.5:
            return "0", None
        # Born before she came into care: on or before every DEC in any year's return (DfE rule 625)
        # and before the years she is in, so no year shows her MOTHER 0 after 1 (rules 207, 626).
        return "1", earliest + timedelta(days=rng.randint(0, (latest - earliest).days))

    # -- one child

    def child(
        self, *, first_start: date | None = None, short_breaks: bool = False, into_care: bool = False
    ) -> ChildPlan | None:
        """One child's history. `short_breaks`: a series of short breaks; `into_care` as well: after a
        year or so of breaks the child comes into full-time care."""
        rng = self.rng
        start = first_start or self.earliest + timedelta(days=rng.randint(0, (self.today - self.earliest).days))
        age = rng.randint(6, 15) if short_breaks else int(pick(rng, AGE_AT_ENTRY))
        dob = start - relativedelta(years=age) - timedelta(days=rng.randint(0, 364))
        if age == 0:
            dob = start - timedelta(days=rng.choice((rng.randint(0, 14), rng.randint(0, 364))))
        sex = pick(rng, SEX)
        ethnicity = pick(rng, ETHNICITY)
        first_name, last_name = child_name(rng, sex, ethnicity)
        home = postcode_in(rng, HOME_DISTRICTS)
        disabled = short_breaks or rng.random() < 0.03

        if short_breaks:
            until = start + timedelta(days=rng.randint(300, 600)) if into_care else None
            periods = self.short_breaks(dob, start, home, until)
            if into_care and periods[-1].end is not None:
                again = periods[-1].end + timedelta(days=rng.randint(7, 40))
                if again <= self.today and age_on(dob, again) < 17:
                    periods.append(self.period(dob, again, home, disabled=True, allow_adoption=False))
        else:
            periods = [self.period(dob, start, home, disabled=disabled, allow_adoption=True)]
            # Some children who went home come back into care.
            while len(periods) < 3:
                last = periods[-1]
                if last.end is None or last.reason_ceased not in ("E4A", "E4B", "E13", "E14") or rng.random() > 0.18:
                    break
                again = last.end + timedelta(days=rng.randint(45, 700))
                if again > self.today or age_on(dob, again) >= 18:
                    break
                periods.append(self.period(dob, again, home, disabled=disabled, allow_adoption=age_on(dob, again) < 5))
        # Only what falls inside the history window is kept.
        periods = [p for p in periods if p.end is None or p.end >= self.history_from]
        if not periods:
            return None

        plan = ChildPlan(dob, sex, ethnicity, first_name, last_name, home, disabled, periods)
        if sex == "F":
            plan.mother, plan.first_child_born_on = self.motherhood(dob, periods)
        last_day = min(self.today, periods[-1].end or self.today)
        year_start = date(last_day.year if last_day.month >= 4 else last_day.year - 1, 4, 1)
        if dob + relativedelta(years=4) > date(year_start.year - 1, 8, 31):
            plan.upn = "UN1"  # not yet at school (DfE rule 209)
        elif rng.random() < 0.9:
            plan.upn = upn_for(rng, dob)
        else:
            plan.upn = pick(rng, UPN_UNKNOWN)
        # Reallocations during long periods (caseload balancing, absence, the child's wish...).
        for period in periods:
            if period.short_break:
                continue
            stop = period.end or self.today
            day = period.start + timedelta(days=int(rng.expovariate(1 / 900)) + 60)
            while day < stop:
                period.reallocate_on.append(day)
                day += timedelta(days=int(rng.expovariate(1 / 900)) + 60)
        return plan


@dataclass
class IROPlan:
    username: str
    first_name: str
    last_name: str
    gender: str
    ethnicity: str
    permanent: bool
    fte: str
    weight: float


def plan_children(planner: Planner, rng: random.Random, n: int) -> list[ChildPlan]:
    today = planner.today
    plans: list[ChildPlan] = []
    # A few children arrived in the last week and have no IRO yet.
    for _ in range(min(rng.randint(3, 5), max(1, n // 10))):
        plan = planner.child(first_start=today - timedelta(days=rng.randint(0, 6)))
        plan.periods = plan.periods[:1]
        plan.periods[0].end, plan.periods[0].reason_ceased = None, ""
        plan.unallocated = True
        plans.append(plan)
    # A handful of disabled children on a series of short breaks; the first later comes into full-time care.
    for i in range(max(2, round(n / 110))):
        start = planner.history_from + timedelta(days=rng.randint(0, 700))
        plans.append(planner.child(first_start=start, short_breaks=True, into_care=i == 0))
    # Children whose care began at random times: as many as it takes for n looked after today.
    looked_after = sum(p.looked_after_on(today) for p in plans)
    attempts = 0
    while looked_after < n:
        attempts += 1
        if attempts > 200 * n:
            raise CommandError("Could not plan enough children looked after today.")
        plan = planner.child()
        if plan is not None:
            plans.append(plan)
            looked_after += plan.looked_after_on(today)

    use_a_retired_code(plans)
    plans.sort(key=lambda p: (p.periods[0].start, p.dob, p.last_name, p.first_name))
    numbers = sorted(rng.sample(range(100000, 1000000), len(plans)))
    for plan, number in zip(plans, numbers, strict=True):
        plan.la_child_id = f"{LA_PREFIX}{number}"
    return plans


def use_a_retired_code(plans: list[ChildPlan]) -> None:
    """Place one child, for one foster placement of a period of care that ended while it was still a
    code, in Z1 ("other placement", 903 code until 2024-25), so that the history holds a retired code
    as an authority's does. Z1 has no placement provider or Ofsted URN in any year (DfE rules 178, 222)."""
    until = CollectionYear(used_until("PLACE", RETIRED_PLACEMENT)).end
    for plan in plans:
        for period in plan.periods:
            if period.short_break or period.end is None or period.end > until:
                continue
            for i, episode in enumerate(period.episodes[:-1]):
                after = period.episodes[i + 1]
                # A change of placement into it and out of it, so that each RNE still says what changed.
                moved = episode.reason_new in ("S", "P") and after.reason_new == "P"
                if moved and episode.placement in FOSTER_PLACEMENTS:
                    episode.placement, episode.placement_provider = RETIRED_PLACEMENT, ""
                    episode.ends_on = after.start_on
                    return


def allocate_iros(plans: list[ChildPlan], weights: list[float], rng: random.Random) -> None:
    """Give each period of care an IRO from its first day, sweeping through time so that each
    choice sees that day's caseloads."""
    load = [0] * len(weights)

    def choose(exclude: int | None = None) -> int:
        scores = [(load[i] + 1) / weights[i] * rng.uniform(0.9, 1.1) for i in range(len(weights))]
        return min((i for i in range(len(weights)) if i != exclude), key=lambda i: (scores[i], i))

    events = []  # (day, order, child, period, kind): ends before reallocations before starts
    for c, plan in enumerate(plans):
        for p, period in enumerate(plan.periods):
            if plan.unallocated:
                continue
            events.append((period.start, 2, c, p, "start"))
            # The IRO stays allocated between short breaks (children.services.episode_end).
            if period.end is not None and not period.short_break:
                events.append((period.end, 0, c, p, "end"))
            events += [(day, 1, c, p, "move") for day in period.reallocate_on]
    events.sort()
    last_iro: dict[int, int] = {}
    current: dict[int, int] = {}
    for day, _order, c, p, kind in events:
        period = plans[c].periods[p]
        now = current.get(c)
        if kind == "start":
            if now is not None and period.short_break:
                continue
            keep = last_iro.get(c)
            iro = keep if keep is not None and (period.short_break or rng.random() < 0.5) else choose()
            if iro == now:
                continue
            period.allocations.append((day, iro, "new_to_care"))
            if now is not None:
                load[now] -= 1
            load[iro] += 1
            current[c] = iro
        elif kind == "end":
            load[now] -= 1
            del current[c]
        else:
            iro = choose(exclude=now)
            period.allocations.append((day, iro, pick(rng, REALLOCATION_REASONS)))
            load[now] -= 1
            load[iro] += 1
            current[c] = iro
        if c in current:
            last_iro[c] = current[c]
