"""A believable, deterministic demo local authority: 18 IROs, about 550 children looked after, four
years of episodes, IRO allocations and reviews, under the services' own rules.

    python manage.py seed_demo [--seed 2014] [--children 550] [--today YYYY-MM-DD] [--reset | --if-empty]
                               [--through-services]

The proportions follow the seed report (/work/shared/seed/iro-annual-report-2013-14.txt): an inner
London borough's ethnic mix, 4 permanent and 14 sessional IROs with caseloads of about 14 to 76,
about 1.5% of reviews late (IRO sickness, late input of looked-after status, social worker
unavailable), participation mostly PN1. Everything random comes from one `random.Random(seed)`, so
the same seed and --today give the same authority.

Children already looked after when the four years begin keep their real start date, and their
earlier reviews are recorded too: without them the review clock (which counts from the start of the
period of care) would make their first review in the window years late.

The whole history is planned in memory first, then written by one of two writers that produce the
same rows. --through-services calls child_create, episode_start, episode_end, allocation_change,
review_record and meeting_book once per change, as a user would: exact, but about 30 queries per
review, minutes for the default size. The default BulkWriter applies the same rules with the same pure
functions (periods of care, due dates, participation codes by age, the models' field and 903 checks),
inserts each table at once (the database checks its constraints), and then has the service's
review_schedule_refresh recompute every child's due dates, which must change nothing: seconds.
tests/children/test_seed_demo.py checks that both writers write identical data.
"""

from __future__ import annotations

import random
import time
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from accounts.audit import audit_log_empty
from accounts.models import AuditEntry, StaffProfile, User
from children.codes import PLACEMENTS_WITHOUT_PROVIDER
from children.models import PLACEMENTS_WITHOUT_URN, Child, Episode, IROAllocation
from children.periods import CONTINUES, periods_of_care
from children.services import allocation_change, child_create, episode_end, episode_follows, episode_start
from reviews.models import Meeting, Review
from reviews.services import meeting_book, review_record, review_schedule_refresh
from reviews.timescales import (
    DueReview,
    PeriodOfCare,
    Policy,
    add_working_days,
    is_working_day,
    pn_code_fits_age,
    review_schedule,
)

DEMO_PASSWORD = "demo-password-1"
HISTORY_YEARS = 4
# Children looked after when the history begins may have started up to this many years earlier (so
# that the number looked after is as steady at the start of the four years as at the end).
LOOKBACK_YEARS = 14
LA_PREFIX = "SWK"
LA_NUMBER = "210"  # the DfE number of the borough, the first digits of its pupils' UPNs

DAY = timedelta(days=1)

# --- Weighted choices ------------------------------------------------------------------------------


def pick(rng: random.Random, weighted: dict):
    """One key of `weighted`, chosen with its weight (dicts keep their order, so this is deterministic)."""
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


# An inner-London borough's children in care (the seed, para 16: WBRI 29%, BAFR 18.5%, 35% white).
ETHNICITY = {
    "WBRI": 30,
    "BAFR": 18,
    "BCRB": 9,
    "MWBC": 8,
    "WOTH": 6,
    "BOTH": 5,
    "MOTH": 4,
    "MWBA": 3,
    "OOTH": 3,
    "MWAS": 2,
    "AOTH": 2,
    "ABAN": 2,
    "WIRI": 1.5,
    "AIND": 1,
    "APKN": 1,
    "CHNE": 0.5,
    "WROM": 1,
    "WIRT": 0.5,
    "REFU": 0.5,
    "NOBT": 1,
}
# No U (not known): the DfE queries every U (rule 232) for the local authority to confirm.
SEX = {"M": 55, "F": 45}
CATEGORY_OF_NEED = {"N1": 62, "N2": 3, "N3": 3, "N4": 8, "N5": 14, "N6": 1.5, "N7": 0.5, "N8": 8}

# Age on entering care, in years (DfE national figures, roughly): babies and teenagers the most.
AGE_AT_ENTRY = {
    0: 20,
    1: 5,
    2: 4,
    3: 4,
    4: 4,
    5: 4,
    6: 4,
    7: 3.5,
    8: 3.5,
    9: 3.5,
    10: 4,
    11: 4.5,
    12: 5.5,
    13: 6.5,
    14: 8,
    15: 8,
    16: 7,
    17: 3,
}

# What happens to a period of care, by age band on entry.
PATHS_BY_AGE = {
    "baby": {"adoption": 30, "home": 25, "sgo": 20, "long": 15, "other": 10},
    "young": {"adoption": 15, "home": 30, "sgo": 20, "long": 25, "other": 10},
    "child": {"home": 45, "sgo": 12, "long": 33, "other": 10},
    "teen": {"home": 50, "sgo": 4, "long": 28, "other": 12, "remand": 6},
    "older": {"home": 35, "long": 40, "other": 14, "remand": 11},
}

PLACEMENTS_BY_AGE = {
    "baby": {"U6": 50, "U3": 12, "U5": 8, "R3": 10, "U4": 5, "P1": 5, "U1": 5, "U2": 5},
    "young": {"U6": 55, "U3": 15, "U4": 10, "U1": 8, "P1": 7, "U5": 5},
    "child": {"U6": 50, "U4": 20, "U3": 10, "U1": 10, "P1": 5, "K2": 3, "S1": 2},
    "teen": {"U6": 40, "U4": 20, "U3": 7, "U1": 8, "K2": 15, "P1": 3, "R1": 2, "S1": 3, "Z11": 1, "K1": 1},
    "older": {"U6": 25, "U4": 12, "U3": 5, "U1": 5, "K3": 30, "K2": 15, "P1": 2, "R1": 2, "Z12": 1, "K1": 1},
}
REMAND_PLACEMENTS = {"U6": 40, "K2": 30, "R5": 20, "K1": 10}
# Supported accommodation (K3) and the "other placement" codes Z11-Z14 (no provider, DfE rule 178) are
# in the return from 2025-26: earlier episodes use the codes of their time (DfE rule 146).
NEW_PLACEMENTS = ("K3", "Z11", "Z12", "Z13", "Z14")
NEW_PLACEMENTS_FROM = date(2025, 4, 1)
FOSTER_PLACEMENTS = ("U1", "U2", "U3", "U4", "U5", "U6")
FOSTER_OR_ADOPTIVE = (*FOSTER_PLACEMENTS, "A3", "A4", "A5", "A6", "K3")
# A child may be placed with parents under a care order, not while accommodated under s.20 (DfE rule 378).
PLACED_WITH_PARENTS_LEGAL_STATUSES = ("C1", "C2")
KINSHIP_PLACEMENTS = ("U1", "U3")

PROVIDERS = {
    "P1": {"PR0": 1},
    "U1": {"PR1": 1},
    "U2": {"PR1": 1},
    "U3": {"PR1": 1},
    "U4": {"PR1": 55, "PR4": 40, "PR5": 5},
    "U5": {"PR1": 60, "PR2": 20, "PR5": 20},
    "U6": {"PR1": 55, "PR4": 40, "PR5": 5},
    "A5": {"PR1": 60, "PR2": 25, "PR5": 15},
    "A6": {"PR1": 60, "PR2": 25, "PR5": 15},
    "K1": {"PR2": 60, "PR4": 40},
    "K2": {"PR4": 70, "PR1": 15, "PR5": 15},
    "K3": {"PR4": 70, "PR5": 30},
    "R1": {"PR4": 1},
    "R3": {"PR4": 70, "PR1": 30},
    "R5": {"PR3": 1},
    "S1": {"PR4": 60, "PR5": 40},
}

PLACE_CHANGE_REASONS = {
    "CARPL": 35,
    "CREQB": 15,
    "CREQO": 10,
    "CHILD": 10,
    "LAREQ": 8,
    "STAND": 5,
    "ALLEG": 3,
    "CLOSE": 4,
    "APPRR": 2,
    "OTHER": 8,
}

# Reasons a period of care ends, by path.
ENDINGS = {
    "home": {"E4A": 75, "E4B": 8, "E13": 12, "E41": 5},
    "adoption": {"E11": 70, "E12": 30},
    "other": {"E8": 40, "E41": 20, "E13": 15, "E3": 12, "E16": 5, "E9": 4, "E15": 4},
    "remand": {"E14": 75, "E9": 25},
    "eighteen": {"E5": 35, "E17": 25, "E8": 18, "E6": 8, "E13": 8, "E7": 6},
}

# Participation (the seed, para 31: PN1 1013, PN2 23, PN3 0, PN4 5, PN5 56, PN6 96, PN7 36), by age.
PARTICIPATION = {
    "4-7": {"PN1": 70, "PN2": 10, "PN3": 4, "PN4": 2, "PN5": 6, "PN6": 6, "PN7": 2},
    "8-13": {"PN1": 85, "PN2": 2, "PN3": 0.5, "PN4": 0.5, "PN5": 4, "PN6": 6, "PN7": 2},
    "14+": {"PN1": 72, "PN2": 1, "PN3": 0.2, "PN4": 0.5, "PN5": 5, "PN6": 13, "PN7": 5},
    "disabled": {"PN1": 30, "PN2": 20, "PN3": 25, "PN4": 5, "PN5": 10, "PN6": 8, "PN7": 2},
}
# The seed, para 28: 6 of 21 late reviews for IRO error or sickness, the rest late input of
# looked-after status or a social worker unavailable.
LATE_REASONS = {"iro": 28, "late_cla_status": 32, "social_worker": 32, "other": 8}
LATE_SHARE = 0.015
# Reviews brought forward after a change of placement (the seed, para 11: "when significant events occur").
EVENT_REVIEW_SHARE = 0.6
OVERDUE_NOW_SHARE = 0.07  # of children whose review fell due in the last 40 days: about 2% of all
REALLOCATION_REASONS = {
    "caseload": 40,
    "iro_left": 20,
    "continuity": 10,
    "child_request": 10,
    "conflict": 5,
    "other": 15,
}
REALLOCATION_NOTES = {
    "caseload": "Caseload balancing across the team.",
    "iro_left": "Previous IRO on long-term leave.",
    "continuity": "Same IRO as a sibling.",
    "child_request": "The young person asked for a different IRO.",
    "conflict": "Previous IRO knew the family.",
}
# Unknown UPNs of school-age children (UN4, "not yet obtained", only fits children new to care: rule 210).
UPN_UNKNOWN = {"UN2": 40, "UN5": 60}
# Days before the due date a review is held (then moved back to a working day).
HELD_DAYS_EARLY = {0: 8, 1: 9, 2: 12, 3: 12, 4: 11, 5: 10, 6: 9, 7: 8, 9: 7, 11: 6, 14: 5, 18: 3}
# Working days from the review to the decisions going out (the seed, para 34: within 5 mostly) ...
DECISIONS_WORKING_DAYS = {0: 5, 1: 20, 2: 25, 3: 20, 4: 12, 5: 8, 7: 5, 9: 3, 14: 2}
# ... and to the full record (within 15 mostly): ranges of working days, weighted.
RECORD_WORKING_DAYS = {(5, 15): 82, (16, 25): 13, (26, 45): 5}

HOME_DISTRICTS = ("SE1", "SE5", "SE15", "SE16", "SE17", "SE21", "SE22")
LONDON_DISTRICTS = (
    "SE4",
    "SE6",
    "SE13",
    "SE18",
    "SE19",
    "SE25",
    "SW2",
    "SW9",
    "SW16",
    "E15",
    "E17",
    "N17",
    "CR0",
    "BR1",
    "DA1",
    "RM8",
)
NEAR_DISTRICTS = ("ME7", "TN1", "CT9", "RH1", "CM1", "SS1", "DA12", "GU1", "HP1", "LU1")
FAR_DISTRICTS = ("B23", "LS9", "M14", "BN2", "PO4", "NN1", "LN1", "BS5", "DE1", "NE6")
# Real full postcodes in each district (903 HOME_POST and PL_POST are full postcodes, which the DfE's
# validator looks up: rules 392c, 169, 179, 1015). Copied from the national postcode list the
# validator uses (tests/reports/test_ssda903_export.py checks each is there, and in the right LA):
# the home districts' postcodes are all in Southwark (E09000028), the other London districts' in
# other London boroughs, the rest outside London, in England.
POSTCODES = {
    "SE1": ("SE1 1WX", "SE1 3PB", "SE1 5FG", "SE1 7FD"),
    "SE5": ("SE5 0YE", "SE5 7AE", "SE5 7TT", "SE5 8QG"),
    "SE15": ("SE15 2QJ", "SE15 3WG", "SE15 5DR", "SE15 6HG"),
    "SE16": ("SE16 2DD", "SE16 3PZ", "SE16 4WE", "SE16 6YR"),
    "SE17": ("SE17 1RD", "SE17 2FL", "SE17 2XJ", "SE17 3QL"),
    "SE21": ("SE21 7HR", "SE21 7ZN", "SE21 8PY", "SE21 8XU"),
    "SE22": ("SE22 0SE", "SE22 8AP", "SE22 8RN", "SE22 9DW"),
    "SE4": ("SE4 1TL", "SE4 2NF"),
    "SE6": ("SE6 2RE", "SE6 4JY"),
    "SE13": ("SE13 6DS", "SE13 7FX"),
    "SE18": ("SE18 3UG", "SE18 6NB"),
    "SE19": ("SE19 2HQ", "SE19 3HS"),
    "SE25": ("SE25 5BG", "SE25 6HT"),
    "SW2": ("SW2 2YJ", "SW2 4UY"),
    "SW9": ("SW9 6ND", "SW9 8FQ"),
    "SW16": ("SW16 3BL", "SW16 5LW"),
    "E15": ("E15 2HS", "E15 3UY"),
    "E17": ("E17 4QT", "E17 7DL"),
    "N17": ("N17 6EZ", "N17 8AH"),
    "CR0": ("CR0 3AD", "CR0 6FN"),
    "BR1": ("BR1 3AZ", "BR1 5AA"),
    "DA1": ("DA1 4EB", "DA1 4NQ"),
    "RM8": ("RM8 1XR", "RM8 2TB"),
    "ME7": ("ME7 3LG",),
    "TN1": ("TN1 1ZX",),
    "CT9": ("CT9 3PL",),
    "RH1": ("RH1 4HR",),
    "CM1": ("CM1 4XR",),
    "SS1": ("SS1 3AY",),
    "DA12": ("DA12 4LN",),
    "GU1": ("GU1 3PJ",),
    "HP1": ("HP1 2YP",),
    "LU1": ("LU1 3TX",),
    "B23": ("B23 6BE",),
    "LS9": ("LS9 7DZ",),
    "M14": ("M14 5SR",),
    "BN2": ("BN2 4LF",),
    "PO4": ("PO4 8QF",),
    "NN1": ("NN1 4AG",),
    "LN1": ("LN1 2NJ",),
    "BS5": ("BS5 7EA",),
    "NE6": ("NE6 3PU",),
    "DE1": ("DE1 2HJ",),
}
# Southwark's own fostering and adoption services (Ofsted URNs: SC and 6 digits).
OWN_FOSTERING_URN = "SC048123"
OWN_ADOPTION_URN = "SC048124"

# --- Names (built in, small: British names of the borough's communities) --------------------------


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = {
    "white": {
        "M": _names("Jack Harry Charlie Thomas George Oliver Alfie Kai Tyler Callum Liam Connor Reece Jordan Ryan"),
        "F": _names("Olivia Amelia Lily Sophie Chloe Ellie Jessica Megan Grace Ruby Evie Holly Leah Jade Paige"),
    },
    "european": {
        "M": _names("Jakub Luca Mateusz Andrei Filip Tomas Marco Ionut"),
        "F": _names("Zofia Maja Elena Ana Julia Natalia Ioana Sara"),
    },
    "african": {
        "M": _names("Daniel David Samuel Emmanuel Joshua Tobi Kwame Chidi Tunde Femi Kofi Abdi"),
        "F": _names("Grace Esther Blessing Favour Precious Ruth Amara Adaeze Abena Tolu Zainab Hodan"),
    },
    "caribbean": {
        "M": _names("Jermaine Tyrone Marcus Dwayne Andre Jaden Kyle Nathan Malachi Isaiah"),
        "F": _names("Shanice Keisha Tianna Jada Aaliyah Chantelle Kiara Nia Imani Destiny"),
    },
    "asian": {
        "M": _names("Mohammed Aryan Rahul Imran Yusuf Ayaan Ibrahim Zain Arjun Rayyan"),
        "F": _names("Aisha Priya Fatima Maryam Anika Sana Nadia Amira Riya Safa"),
    },
    "chinese": {"M": _names("Wei Jun Kevin Ethan Ming"), "F": _names("Mei Lily Grace Jia Xin")},
    "other": {
        "M": _names("Omar Carlos Mateo Ali Yonas Tariq Diego Amir"),
        "F": _names("Sara Maria Layla Sofia Hana Yasmin Lucia Selam"),
    },
}
SURNAMES = {
    "white": _names(
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker White "
        "Roberts Green Hall Wood Jackson Clarke Murphy Kelly Ryan Lee Price Cooper Barnes Harris"
    ),
    "european": _names("Nowak Kowalski Popescu Silva Santos Rossi Horvat Novak"),
    "african": _names(
        "Okafor Adeyemi Mensah Owusu Okonkwo Adebayo Boateng Asante Eze Bello Nwosu Ogunleye Mohamed Hassan Osei"
    ),
    "caribbean": _names("Campbell Clarke Brown Williams Francis Thomas Grant Reid Henry Morgan Gordon Stewart"),
    "asian": _names("Ahmed Begum Khan Patel Hussain Islam Rahman Miah Shah Singh Uddin Chowdhury"),
    "chinese": _names("Chen Wong Li Zhang Lin Liu"),
    "other": _names("Silva Rodriguez Hassan Kaya Tesfaye Haddad Moreno Yilmaz"),
}
# Which name lists a child of each ethnicity draws on (first name and surname drawn separately).
NAME_GROUPS = {
    **dict.fromkeys(("WBRI", "WIRI", "WIRT", "WROM"), ("white",)),
    **dict.fromkeys(("AIND", "APKN", "ABAN", "AOTH"), ("asian",)),
    **dict.fromkeys(("MOTH", "REFU", "NOBT"), ("white", "other", "african", "caribbean")),
    "WOTH": ("european",),
    "BAFR": ("african",),
    "BCRB": ("caribbean",),
    "BOTH": ("caribbean", "african"),
    "MWBC": ("white", "caribbean"),
    "MWBA": ("white", "african"),
    "MWAS": ("white", "asian"),
    "CHNE": ("chinese",),
    "OOTH": ("other",),
}
STAFF_FIRST_NAMES = {
    "white": {
        "F": _names("Sarah Claire Helen Joanne Karen Amanda Nicola Rachel Fiona Julie Denise Siobhan Louise Alison"),
        "M": _names("Paul Mark David Andrew Michael Stephen Richard Patrick"),
    },
    "european": {"F": _names("Agnieszka Elena Monika"), "M": _names("Piotr Marco")},
    "african": {"F": _names("Funmilayo Abimbola Comfort Ngozi"), "M": _names("Tunde Kwame Olu")},
    "caribbean": {"F": _names("Marcia Beverley Paulette Yvonne"), "M": _names("Desmond Winston Errol")},
    "asian": {"F": _names("Priya Shabana Anjali Nasreen"), "M": _names("Sanjay Imran Raj")},
}
STAFF_NAME_GROUP = {"WOTH": "european", "BAFR": "african", "BCRB": "caribbean", "MWBC": "caribbean", "AIND": "asian"}
# The IRO team (the seed, para 23: 2 of 18 men, 2 black), a little more varied.
IRO_ETHNICITIES = ["WBRI"] * 11 + ["WIRI", "WIRI", "WOTH", "BCRB", "BAFR", "MWBC", "AIND"]
IRO_GENDERS = ["female"] * 15 + ["male"] * 3
PERMANENT_FTE = {"1.00": 1, "0.80": 1}
SESSIONAL_FTE = {"0.20": 1, "0.30": 2, "0.40": 3, "0.50": 2, "0.60": 1}


def _name_group(ethnicity: str, rng: random.Random) -> str:
    return rng.choice(NAME_GROUPS[ethnicity])


def _child_name(rng: random.Random, sex: str, ethnicity: str) -> tuple[str, str]:
    first_sex = sex if sex in ("M", "F") else rng.choice("MF")
    first = rng.choice(FIRST_NAMES[_name_group(ethnicity, rng)][first_sex])
    last = rng.choice(SURNAMES[_name_group(ethnicity, rng)])
    return first, last


def _upn(rng: random.Random, dob: date) -> str:
    """A UPN as schools allocate them: check letter, LA number, school number, year, serial (DfE rule 168;
    the check letter is the DfE's modulus-23 one)."""
    school = f"{rng.choice((2, 2, 2, 4, 3, 7))}{rng.randint(0, 999):03d}"
    year = f"{(dob.year + 5) % 100:02d}"
    body = f"{LA_NUMBER}{school}{year}{rng.randint(1, 999):03d}"
    check = sum(int(c) * weight for c, weight in zip(body, range(2, 14), strict=True)) % 23
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[check] + body


def _postcode(rng: random.Random, districts: tuple[str, ...]) -> str:
    choices = POSTCODES[rng.choice(districts)]
    return choices[rng.randint(0, 9) % len(choices)]


def _urn(place: str, provider: str, legal_status: str, postcode: str) -> str:
    """The placement's Ofsted URN (DfE rule 218): none for short breaks (214) or the placements that
    have none (222); the borough's own fostering or adoption service; otherwise the provider's, one
    per placement type, provider and postcode (so an unchanged placement keeps its URN)."""
    if legal_status in ("V3", "V4") or place in PLACEMENTS_WITHOUT_URN or not place:
        return ""
    if provider == "PR1" and place in FOSTER_PLACEMENTS:
        return OWN_FOSTERING_URN
    if provider == "PR1" and place in ("A3", "A4", "A5", "A6"):
        return OWN_ADOPTION_URN
    number = zlib.crc32(f"{place}/{provider}/{postcode}".encode()) % 1_000_000
    return f"SC{number:06d}" if number % 3 else f"{2_000_000 + number:07d}"


def _age(dob: date, day: date) -> int:
    return relativedelta(day, dob).years


def _age_band(age: int) -> str:
    if age < 1:
        return "baby"
    if age < 5:
        return "young"
    if age < 10:
        return "child"
    if age < 16:
        return "teen"
    return "older"


def _placement_allowed(place: str, on: date, legal_status: str) -> bool:
    if place == "P1" and legal_status not in PLACED_WITH_PARENTS_LEGAL_STATUSES:
        return False  # DfE rule 378
    return on >= NEW_PLACEMENTS_FROM or place not in NEW_PLACEMENTS  # DfE rule 146, earlier years


def _working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= DAY
    return day


def _working_day_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += DAY
    return day


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

    def fields(self) -> dict:
        return {
            "reason_new": self.reason_new,
            "legal_status": self.legal_status,
            "category_of_need": self.category_of_need,
            "placement": self.placement,
            "placement_provider": self.placement_provider,
            "reason_place_change": self.reason_place_change,
            "home_postcode": self.home_postcode,
            "placement_postcode": self.placement_postcode,
            "urn": _urn(self.placement, self.placement_provider, self.legal_status, self.placement_postcode),
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
            choices = PLACEMENTS_BY_AGE[_age_band(age)]
            if kinship is False:
                choices = {k: v for k, v in choices.items() if k in ("U4", "U6")}
            place = pick(rng, {k: v for k, v in choices.items() if _placement_allowed(k, on, legal_status)})
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
        postcode = _postcode(rng, districts[pick(rng, where)])
        while postcode == home:
            postcode = _postcode(rng, HOME_DISTRICTS)
        return postcode

    # -- one period of care

    def period(self, dob: date, start: date, home: str, *, disabled: bool, allow_adoption: bool) -> PeriodPlan:
        rng = self.rng
        age = _age(dob, start)
        band = _age_band(age)
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
                    place, provider = self.placement(day, _age(dob, day), prev.legal_status)
                elif not _placement_allowed(place, day, prev.legal_status):
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

    def short_breaks(self, dob: date, first: date, home: str) -> list[PeriodPlan]:
        rng = self.rng
        place, provider = rng.choice((("K2", "PR1"), ("U6", "PR1")))
        periods = []
        day = first
        while day <= self.today and _age(dob, day) < 18:
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
        if periods[0].short_break:
            return "", None  # blank where the DfE wants it blank: short breaks only (rules 393, 399)
        if latest <= earliest or rng.random() > 0.5:
            return "0", None
        # Born before she came into care: on or before every DEC in any year's return (DfE rule 625)
        # and before the years she is in, so no year shows her MOTHER 0 after 1 (rules 207, 626).
        return "1", earliest + timedelta(days=rng.randint(0, (latest - earliest).days))

    # -- one child

    def child(self, *, first_start: date | None = None, short_breaks: bool = False) -> ChildPlan | None:
        rng = self.rng
        start = first_start or self.earliest + timedelta(days=rng.randint(0, (self.today - self.earliest).days))
        age = rng.randint(6, 15) if short_breaks else int(pick(rng, AGE_AT_ENTRY))
        dob = start - relativedelta(years=age) - timedelta(days=rng.randint(0, 364))
        if age == 0:
            dob = start - timedelta(days=rng.choice((rng.randint(0, 14), rng.randint(0, 364))))
        sex = pick(rng, SEX)
        ethnicity = pick(rng, ETHNICITY)
        first_name, last_name = _child_name(rng, sex, ethnicity)
        home = _postcode(rng, HOME_DISTRICTS)
        disabled = short_breaks or rng.random() < 0.03

        if short_breaks:
            periods = self.short_breaks(dob, start, home)
        else:
            periods = [self.period(dob, start, home, disabled=disabled, allow_adoption=True)]
            # Some children who went home come back into care.
            while len(periods) < 3:
                last = periods[-1]
                if last.end is None or last.reason_ceased not in ("E4A", "E4B", "E13", "E14") or rng.random() > 0.18:
                    break
                again = last.end + timedelta(days=rng.randint(45, 700))
                if again > self.today or _age(dob, again) >= 18:
                    break
                periods.append(self.period(dob, again, home, disabled=disabled, allow_adoption=_age(dob, again) < 5))
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
            plan.upn = _upn(rng, dob)
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


# --- Writing: through the services one call at a time, or in bulk under the same rules -------------


class ServiceWriter:
    """Every change through the service that the web pages use, one call at a time: what an IRO
    service keying in four years of records would do. Exact, and slow (about 30 queries a review)."""

    def __init__(self, iros: list[User], today: date):
        self.iros, self.today = iros, today

    def child(self, plan: ChildPlan) -> Child:
        return child_create(
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

    def start_episode(self, child: Child, plan: EpisodePlan) -> Episode:
        return episode_start(actor=None, child=child, start_on=plan.start_on, **plan.fields())

    def end_period(self, child: Child, episode: Episode, end_on: date, reason_ceased: str) -> None:
        episode_end(actor=None, episode=episode, end_on=end_on, reason_ceased=reason_ceased)

    def allocate(self, child: Child, iro: int, start_on: date, reason: str, note: str) -> None:
        allocation_change(
            actor=None, child=child, iro=self.iros[iro], start_on=start_on, reason=reason, note=note, today=self.today
        )

    def _waiting(self, child: Child, period_start: date) -> Review | None:
        return child.reviews.filter(held_on__isnull=True, period_start=period_start).first()

    def due_on(self, child: Child, period_start: date) -> date | None:
        waiting = self._waiting(child, period_start)
        return waiting.due_on if waiting else None

    def record(self, child: Child, period_start: date, **recorded) -> None:
        review_record(actor=None, child=child, today=self.today, **recorded)

    def book(self, child: Child, period_start: date, planned_on: date) -> None:
        meeting_book(actor=None, review=self._waiting(child, period_start), planned_on=planned_on, today=self.today)

    def finish(self) -> None:
        pass


@dataclass
class _Draft:
    """One child's records, built in memory by BulkWriter."""

    child: Child
    episodes: list[Episode] = field(default_factory=list)
    allocations: list[IROAllocation] = field(default_factory=list)
    held: list[Review] = field(default_factory=list)
    meeting: tuple[date, date] | None = None  # (period start, planned on)
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
        self.policy = Policy(settings.REVIEW_TIMESCALE_POLICY)
        self.nation = settings.BANK_HOLIDAY_NATION
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
        episode_follows(
            last,
            date_of_birth=draft.child.date_of_birth,
            start_on=plan.start_on,
            reason_new=plan.reason_new,
            placement=plan.placement,
            reason_place_change=fields.pop("reason_place_change"),
        )
        if last is not None:
            self._clean(last, "child")
        episode = Episode(child=draft.child, start_on=plan.start_on, **fields)
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

    def _schedule(self, draft: _Draft, period_start: date) -> tuple[PeriodOfCare, list[date], list[DueReview]]:
        # As reviews.services.review_schedule_refresh, for one period of care.
        period = next(p for p in periods_of_care(draft.episodes) if p.start == period_start)
        held = [r.held_on for r in draft.held if r.period_start == period_start]
        return period, held, review_schedule(period, held, policy=self.policy, nation=self.nation)

    def due_on(self, draft: _Draft, period_start: date) -> date | None:
        _period, held, schedule = self._schedule(draft, period_start)
        return schedule[len(held)].due_on if len(schedule) > len(held) else None

    def record(self, draft: _Draft, period_start: date, **recorded) -> None:
        # As reviews.services.review_record (its _check_held and _check_late_reason).
        period, held, schedule = self._schedule(draft, period_start)
        held_on = recorded["held_on"]
        if len(schedule) <= len(held) or held_on > self.today or held_on in held:
            self._refuse(f"review held {held_on}")
        if not (period.start <= held_on and (period.end is None or held_on <= period.end)):
            self._refuse(f"review held {held_on} outside the period of care")
        problem = pn_code_fits_age(
            recorded["participation"], date_of_birth=draft.child.date_of_birth, review_on=held_on
        )
        if problem or not recorded["chair"].is_iro:
            self._refuse(problem or "chair not an IRO")
        for sent in (recorded["decisions_sent_on"], recorded["record_sent_on"]):
            if sent is not None and not held_on <= sent <= self.today:
                self._refuse(f"sent on {sent}")
        due = schedule[len(held)]
        if held_on > due.due_on and not recorded["late_reason"]:
            self._refuse(f"late review held {held_on} without a reason")
        review = Review(
            child=draft.child,
            period_start=period_start,
            sequence=due.sequence,
            due_on=due.due_on,
            policy=str(due.policy),
            due_explanation=due.explanation,
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
            waiting = {}
            for period in periods_of_care(draft.episodes):
                _period, held, schedule = self._schedule(draft, period.start)
                if len(schedule) > len(held):
                    due = schedule[-1]
                    waiting[period.start] = Review(
                        child=draft.child,
                        period_start=period.start,
                        sequence=due.sequence,
                        due_on=due.due_on,
                        policy=str(due.policy),
                        due_explanation=due.explanation,
                    )
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
        expected = sorted((r.child_id, r.period_start, r.sequence, r.due_on, r.held_on) for r in reviews)
        for child in children:
            review_schedule_refresh(child=child)
        stored = sorted(
            Review.objects.filter(child__in=children).values_list(
                "child_id", "period_start", "sequence", "due_on", "held_on"
            )
        )
        if stored != expected:
            raise CommandError("seed_demo's due dates differ from those the service computes (a bug in seed_demo).")


# --- The command -----------------------------------------------------------------------------------


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
        started = time.perf_counter()

        with transaction.atomic():
            existing = Child.objects.count()
            if existing and options["if_empty"]:
                self.stdout.write(f"The database already has {existing} children: the demo data was not loaded.")
                self._logins(existing_only=True)
                return
            if existing and not options["reset"]:
                raise CommandError(
                    f"The database already has {existing} children: seed_demo only fills an empty database. "
                    "Run it with --reset to delete every child, review, allocation, the audit log and every "
                    "user who is not a superuser first."
                )
            if options["reset"]:
                self._reset()

            rng = random.Random(options["seed"])
            iros, weights = self._create_staff(rng)
            planner = Planner(rng, today)
            plans = self._plan_children(planner, rng, n)
            self._allocate(plans, weights, rng)
            writer = (ServiceWriter if options["through_services"] else BulkWriter)(iros, today)
            for plan in plans:
                self._write_child(plan, writer, rng, today)
            writer.finish()

        self._summary(today, time.perf_counter() - started)
        self._logins()

    # -- arguments and reset

    @staticmethod
    def _today(value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from None

    def _reset(self) -> None:
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
        self.stdout.write("Deleted the existing children, reviews, allocations, audit log and non-superusers.")

    # -- users

    def _create_staff(self, rng: random.Random) -> tuple[list[User], list[float]]:
        """The IROs (with the share of the caseload each should carry), QA manager, Director and admin."""
        password = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow on purpose
        genders, ethnicities = IRO_GENDERS[:], IRO_ETHNICITIES[:]
        rng.shuffle(genders)
        rng.shuffle(ethnicities)
        names: set[tuple[str, str]] = set()
        plans = []
        for i in range(18):
            group = STAFF_NAME_GROUP.get(ethnicities[i], "white")
            first_names = STAFF_FIRST_NAMES[group]["F" if genders[i] == "female" else "M"]
            name = (rng.choice(first_names), rng.choice(SURNAMES[group]))
            while name in names:
                name = (rng.choice(first_names), rng.choice(SURNAMES[group]))
            names.add(name)
            # The first IRO (the demo login "iro") is full time; the other permanent staff 1.0 or 0.8 FTE.
            permanent = i < 4
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

    # -- children

    def _plan_children(self, planner: Planner, rng: random.Random, n: int) -> list[ChildPlan]:
        today = planner.today
        plans: list[ChildPlan] = []
        # A few children arrived in the last week and have no IRO yet.
        for _ in range(min(rng.randint(3, 5), max(1, n // 10))):
            plan = planner.child(first_start=today - timedelta(days=rng.randint(0, 6)))
            plan.periods = plan.periods[:1]
            plan.periods[0].end, plan.periods[0].reason_ceased = None, ""
            plan.unallocated = True
            plans.append(plan)
        # A handful of disabled children on a series of short breaks.
        for _ in range(max(1, round(n / 110))):
            start = planner.history_from + timedelta(days=rng.randint(0, 700))
            plans.append(planner.child(first_start=start, short_breaks=True))
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

        plans.sort(key=lambda p: (p.periods[0].start, p.dob, p.last_name, p.first_name))
        numbers = sorted(rng.sample(range(100000, 1000000), len(plans)))
        for plan, number in zip(plans, numbers, strict=True):
            plan.la_child_id = f"{LA_PREFIX}{number}"
        return plans

    def _allocate(self, plans: list[ChildPlan], weights: list[float], rng: random.Random) -> None:
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
                if period.end is not None:
                    events.append((period.end, 0, c, p, "end"))
                events += [(day, 1, c, p, "move") for day in period.reallocate_on]
        events.sort()
        last_iro: dict[int, int] = {}
        for day, _order, c, p, kind in events:
            period = plans[c].periods[p]
            if kind == "start":
                keep = last_iro.get(c)
                iro = keep if keep is not None and (period.short_break or rng.random() < 0.5) else choose()
                period.allocations.append((day, iro, "new_to_care"))
                load[iro] += 1
            elif kind == "end":
                load[period.allocations[-1][1]] -= 1
            else:
                current = period.allocations[-1][1]
                iro = choose(exclude=current)
                period.allocations.append((day, iro, pick(rng, REALLOCATION_REASONS)))
                load[current] -= 1
                load[iro] += 1
            last_iro[c] = period.allocations[-1][1]

    def _write_child(self, plan: ChildPlan, writer: ServiceWriter | BulkWriter, rng: random.Random, today: date):
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
            self._hold_reviews(child, plan, period, writer, rng, today)

        # A meeting booked for about a third of the reviews due in the next 30 days (or overdue).
        last = plan.periods[-1]
        due = writer.due_on(child, last.start) if last.end is None else None
        if due is not None and due <= today + timedelta(days=30) and rng.random() < 1 / 3:
            if due < today:
                planned = add_working_days(today, rng.randint(1, 8))
            else:
                planned = _working_day_on_or_before(due - timedelta(days=rng.randint(0, 10)))
                planned = max(planned, _working_day_on_or_after(today))
            writer.book(child, last.start, planned)

    def _hold_reviews(
        self, child, plan: ChildPlan, period: PeriodPlan, writer: ServiceWriter | BulkWriter, rng: random.Random, today
    ):
        """Walk the period's reviews forward: each held shortly before the date the service says it is
        due, now and then late, never after today."""
        previous: date | None = None
        due = writer.due_on(child, period.start)
        while due is not None:
            if period.end is None and today - timedelta(days=40) <= due < today and rng.random() < OVERDUE_NOW_SHARE:
                return  # overdue now: not held yet
            held, late_reason = self._held_on(due, period, previous, rng)
            if held > today:
                return
            chair = period.iro_on(held)
            if chair is None:
                return
            writer.record(
                child,
                period.start,
                held_on=held,
                chair=writer.iros[chair],
                late_reason=late_reason,
                **self._recorded(plan, held, rng, today),
            )
            previous = held
            due = writer.due_on(child, period.start)

    @staticmethod
    def _held_on(due: date, period: PeriodPlan, previous: date | None, rng: random.Random) -> tuple[date, str]:
        if rng.random() < LATE_SHARE:
            late = _working_day_on_or_after(due + timedelta(days=rng.choice((1, 2, 3, 4, 5, 7, 8, 10, 14, 21))))
            if period.end is None or late <= period.end:
                return late, pick(rng, LATE_REASONS)
        earliest = period.start + timedelta(days=10) if previous is None else previous + timedelta(days=30)
        earliest = min(earliest, due)
        held = _working_day_on_or_before(due - timedelta(days=pick(rng, HELD_DAYS_EARLY)))
        if held < earliest:
            held = min(_working_day_on_or_after(earliest), due)
        if previous is not None:
            # A move since the last review: the IRO may bring the review forward.
            moved = [
                e.start_on for e in period.episodes if e.reason_new in ("P", "T") and previous + DAY * 14 < e.start_on
            ]
            if moved and moved[0] < held and rng.random() < EVENT_REVIEW_SHARE:
                held = min(held, _working_day_on_or_after(moved[0] + timedelta(days=rng.randint(10, 30))))
        return held, ""

    @staticmethod
    def _recorded(plan: ChildPlan, held: date, rng: random.Random, today: date) -> dict:
        if held < plan.dob + relativedelta(years=4):
            participation, spoke_alone = "PN0", None
        else:
            age = _age(plan.dob, held)
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

    # -- output

    def _summary(self, today: date, seconds: float) -> None:
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
        rows = [
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
        ]
        self.stdout.write(self.style.SUCCESS(f"Demo local authority ready in {seconds:.1f} s."))
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            self.stdout.write(f"  {label.ljust(width)}  {value}")

    def _logins(self, *, existing_only: bool = False) -> None:
        logins = [
            ("iro", "IRO (permanent)"),
            ("qa", "QA manager"),
            ("director", "Director"),
            ("admin", "Administrator (admin site)"),
        ]
        users = {u.username: u for u in User.objects.filter(username__in=[u for u, _ in logins])}
        if existing_only and not users:
            return
        self.stdout.write("")
        self.stdout.write(f"Demo logins (the password of every account is {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<10}  {'role':<28}  name")
        for username, role in logins:
            if username in users:
                self.stdout.write(f"  {username:<10}  {role:<28}  {users[username].get_full_name()}")
        self.stdout.write("  iro02 to iro18 are the other IROs.")
