"""The demo authority's proportions, names, places and the small helpers that draw from them."""

from __future__ import annotations

import random
import zlib
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from children.models import PLACEMENTS_WITHOUT_URN
from core.calendar import is_working_day

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
# The retired code one placement of the history uses (planner.use_a_retired_code).
RETIRED_PLACEMENT = "Z1"
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
# validator uses (tests/ssda903/test_export.py checks each is there, and in the right LA):
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
DEFAULT_IROS = len(IRO_GENDERS)
PERMANENT_IROS = 4  # of the 18 (the seed, para 23); a larger demo team keeps the share
PERMANENT_FTE = {"1.00": 1, "0.80": 1}
SESSIONAL_FTE = {"0.20": 1, "0.30": 2, "0.40": 3, "0.50": 2, "0.60": 1}


def _name_group(ethnicity: str, rng: random.Random) -> str:
    return rng.choice(NAME_GROUPS[ethnicity])


def child_name(rng: random.Random, sex: str, ethnicity: str) -> tuple[str, str]:
    first_sex = sex if sex in ("M", "F") else rng.choice("MF")
    first = rng.choice(FIRST_NAMES[_name_group(ethnicity, rng)][first_sex])
    last = rng.choice(SURNAMES[_name_group(ethnicity, rng)])
    return first, last


def upn_for(rng: random.Random, dob: date) -> str:
    """A UPN as schools allocate them: check letter, LA number, school number, year, serial (DfE rule 168;
    the check letter is the DfE's modulus-23 one)."""
    school = f"{rng.choice((2, 2, 2, 4, 3, 7))}{rng.randint(0, 999):03d}"
    year = f"{(dob.year + 5) % 100:02d}"
    body = f"{LA_NUMBER}{school}{year}{rng.randint(1, 999):03d}"
    check = sum(int(c) * weight for c, weight in zip(body, range(2, 14), strict=True)) % 23
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[check] + body


def postcode_in(rng: random.Random, districts: tuple[str, ...]) -> str:
    choices = POSTCODES[rng.choice(districts)]
    return choices[rng.randint(0, 9) % len(choices)]


def urn_for(place: str, provider: str, legal_status: str, postcode: str) -> str:
    """The placement's Ofsted URN (DfE rule 218): none for short breaks (214) or the placements that
    have none (222); the borough's own fostering or adoption service; otherwise the provider's, one
    per placement type, provider and postcode (so an unchanged placement keeps its URN)."""
    if legal_status in ("V3", "V4") or place in PLACEMENTS_WITHOUT_URN or place == RETIRED_PLACEMENT or not place:
        return ""
    if provider == "PR1" and place in FOSTER_PLACEMENTS:
        return OWN_FOSTERING_URN
    if provider == "PR1" and place in ("A3", "A4", "A5", "A6"):
        return OWN_ADOPTION_URN
    number = zlib.crc32(f"{place}/{provider}/{postcode}".encode()) % 1_000_000
    return f"SC{number:06d}" if number % 3 else f"{2_000_000 + number:07d}"


def age_on(dob: date, day: date) -> int:
    return relativedelta(day, dob).years


def age_band(age: int) -> str:
    if age < 1:
        return "baby"
    if age < 5:
        return "young"
    if age < 10:
        return "child"
    if age < 16:
        return "teen"
    return "older"


def placement_allowed(place: str, on: date, legal_status: str) -> bool:
    if place == "P1" and legal_status not in PLACED_WITH_PARENTS_LEGAL_STATUSES:
        return False  # DfE rule 378
    return on >= NEW_PLACEMENTS_FROM or place not in NEW_PLACEMENTS  # DfE rule 146, earlier years


def working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= DAY
    return day


def working_day_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += DAY
    return day
