"""SSDA903 codes: every code the service holds, with its meaning (the models' choices), and which
codes each collection year's return allows (children/code_lists.json, generated from the DfE's own
validator package by ssda903/code_lists.py).

A record is checked against the lists of every collection year whose return holds it: an episode is
in the return of each year it overlaps, so a closed 2012 episode is checked with that year's lists
and an episode still open today with today's. The package has rule sets from 2022-23; earlier years
use the earliest set's lists, and years after the last the last's. tests/ssda903/test_codes.py
checks that the choices hold every code of every year.
"""

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.db import models

from core.collection_years import CollectionYear
from core.ethnicity import Ethnicity  # noqa: F401 (the 903 code list is also the staff profile's)

_TABLES = json.loads(Path(__file__).with_name("code_lists.json").read_text(encoding="utf-8"))
FIRST_YEAR: int = _TABLES["first_year"]
LAST_YEAR: int = _TABLES["last_year"]


def _table_year(year: int) -> int:
    return min(max(year, FIRST_YEAR), LAST_YEAR)


@cache
def codes_in(field: str, year: int) -> frozenset[str]:
    """The codes of a 903 field (PLACE, LS, ...) that the return of collection `year` allows."""
    return frozenset(_TABLES["codes"][field]["years"][str(_table_year(year))])


def code_rule(field: str) -> str:
    """The DfE rule that checks the field's codes."""
    return _TABLES["codes"][field]["rule"]


@cache
def placement_list(name: str, year: int) -> frozenset[str] | None:
    """A list of placements a DfE rule treats apart (PLACEMENTS_WITHOUT_PROVIDER, ...) in collection
    `year`; None if that year's rule set has no such rule."""
    codes = _TABLES["lists"][name]["years"][str(_table_year(year))]
    return None if codes is None else frozenset(codes)


@cache
def ever_valid(field: str) -> frozenset[str]:
    """Every code the field has had in any year."""
    return frozenset(code for codes in _TABLES["codes"][field]["years"].values() for code in codes)


@cache
def years_valid(field: str, code: str) -> tuple[int, int] | None:
    """The first and last collection years whose lists hold the code (FIRST_YEAR: that year and
    every year before; LAST_YEAR: still valid), or None if none does."""
    years = [int(y) for y, codes in _TABLES["codes"][field]["years"].items() if code in codes]
    return (min(years), max(years)) if years else None


def used_until(field: str, code: str) -> int | None:
    """The year (as the year it ends) of the last return that allowed a retired code; None for a
    code still in use (or never valid)."""
    years = years_valid(field, code)
    return years[1] if years and years[1] < LAST_YEAR else None


def validity(field: str, code: str) -> str:
    """When the code was valid, as a phrase: "used until 2023-24", "used from 2025-26", ..."""
    years = years_valid(field, code)
    if years is None:
        return f"{code} is not a {field} code in any year"
    first, last = years
    if first == FIRST_YEAR and last == LAST_YEAR:
        return f"{code} is valid in every year"
    if first == FIRST_YEAR:
        return f"{code} was used until {CollectionYear(last).label}"
    if last == LAST_YEAR:
        return f"{code} is used from {CollectionYear(first).label}"
    return f"{code} was used from {CollectionYear(first).label} to {CollectionYear(last).label}"


def years_text(years: Iterable[int]) -> str:
    """Collection years as a short phrase: "2024-25", "2024-25 to 2026-27", "2019-20 and 2024-25"."""
    years = sorted(set(years))
    runs: list[list[int]] = []
    for year in years:
        if runs and runs[-1][-1] == year - 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    labels = [[CollectionYear(y).label for y in r] for r in runs]
    parts = [r[0] if len(r) == 1 else f"{r[0]} to {r[-1]}" for r in labels]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def code_break(field: str, code: str, years: Iterable[int]) -> str:
    """Why `code` cannot be given for a 903 field in a record in the returns of `years`, naming the
    years it is not valid in and when it was; "" if it is valid in each."""
    outside = [y for y in years if code not in codes_in(field, y)]
    if not code or not outside:
        return ""
    return (
        f"{code} is not a valid {field} code in {years_text(outside)}, whose return holds this record: "
        f"{validity(field, code)} (DfE rule {code_rule(field)})"
    )


def code_label(label: str, field: str, code: str) -> str:
    """A code's meaning, saying so when the code is retired."""
    until = used_until(field, code)
    return f"{label} (code used until {until})" if until else label


class Sex(models.TextChoices):
    # From 2024-25 the return uses M/F/U; earlier years used 1 (male) and 2 (female).
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class ReasonNewEpisode(models.TextChoices):
    S = "S", "Started to be looked after"
    L = "L", "Change of legal status only"
    P = "P", "Change of placement and carer(s) only"
    T = "T", "Change of placement (but same carer(s)) only"
    B = "B", "Change in legal status and placement and carer(s) at the same time"
    U = "U", "Change in legal status and change of placement (but same carer(s)) at the same time"


class LegalStatus(models.TextChoices):
    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    V2 = "V2", "Single period of accommodation under section 20"
    V3 = "V3", "Accommodated under an agreed series of short-term breaks, when individual episodes are recorded"
    V4 = "V4", "Accommodated under an agreed series of short-term breaks, when agreements are recorded"
    L1 = "L1", "Under police protection and in local authority accommodation"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Under child assessment order and in local authority accommodation"
    J1 = "J1", "Remanded to local authority accommodation or to youth detention accommodation"
    J2 = "J2", "Placed in local authority accommodation under PACE"
    J3 = "J3", "Sentenced to a youth rehabilitation order with residence or fostering requirement"


class CategoryOfNeed(models.TextChoices):
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"


class Placement(models.TextChoices):
    A3 = "A3", "Placed for adoption with consent with current foster carer(s)"
    A4 = "A4", "Placed for adoption with consent not with current foster carer(s)"
    A5 = "A5", "Placed for adoption with placement order with current foster carer(s)"
    A6 = "A6", "Placed for adoption with placement order not with current foster carer(s)"
    H5 = "H5", "Semi-independent living accommodation not subject to children's homes regulations"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home"
    K3 = "K3", "Supported accommodation"
    P1 = "P1", "Placed with own parent(s) or other person(s) with parental responsibility"
    P2 = "P2", "Independent living, for example in a flat, lodgings, bedsit, bed and breakfast or with friends"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS or health trust or other establishment providing medical or nursing care"
    R3 = "R3", "Family centre or mother and baby unit"
    R5 = "R5", "Young offender institution or prison"
    S1 = "S1", "Residential school"
    T0 = "T0", "Temporary move of any type"
    T1 = "T1", "Temporary period in hospital"
    T2 = "T2", "Temporary absence on holiday"
    T3 = "T3", "Temporary accommodation while the usual foster carer is on holiday"
    T4 = "T4", "Temporary accommodation of seven days or less"
    U1 = "U1", "Foster placement with relative or friend: long-term fostering"
    U2 = "U2", "Foster placement with relative or friend who is also an approved adopter (FFA)"
    U3 = "U3", "Foster placement with relative or friend: not long-term or FFA"
    U4 = "U4", "Foster placement with other foster carer: long-term fostering"
    U5 = "U5", "Foster placement with other foster carer who is also an approved adopter (FFA)"
    U6 = "U6", "Foster placement with other foster carer: not long-term or FFA"
    Z1 = "Z1", "Other placement"
    Z11 = "Z11", "Other placement (Z11)"
    Z12 = "Z12", "Other placement (Z12)"
    Z13 = "Z13", "Other placement (Z13)"
    Z14 = "Z14", "Other placement (Z14)"


# Placements for which today's return records no provider (DfE rule 178); other years: placement_list().
PLACEMENTS_WITHOUT_PROVIDER = placement_list("PLACEMENTS_WITHOUT_PROVIDER", LAST_YEAR)


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", "Parent(s) or other person(s) with parental responsibility"
    PR1 = "PR1", "Own provision (by the local authority)"
    PR2 = "PR2", "Other local authority provision"
    PR3 = "PR3", "Other public provision"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary or third sector provision"


class ReasonCeased(models.TextChoices):
    E11 = "E11", "Adopted: application unopposed"
    E12 = "E12", "Adopted: consent dispensed with by the court"
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another local authority"
    E4A = "E4A", "Returned home to live with parents or relatives as part of the care plan"
    E4B = "E4B", "Returned home to live with parents or relatives not as part of the care plan"
    E13 = "E13", "Left care to live with a parent, relative or other person with no parental responsibility"
    E41 = "E41", "Residence order or child arrangements order granted"
    E45 = "E45", "Special guardianship order made to former foster carer(s) who were relatives or friends"
    E46 = "E46", "Special guardianship order made to former foster carer(s) other than relatives or friends"
    E47 = "E47", "Special guardianship order made to carer(s), not former foster carers, who are relatives"
    E48 = "E48", "Special guardianship order made to carer(s), not former foster carers, other than relatives"
    E5 = "E5", "Moved into independent living arrangement with formalised support"
    E6 = "E6", "Moved into independent living arrangement without formalised support"
    E7 = "E7", "Transferred to residential care funded by adult social care"
    E8 = "E8", "Period of being looked after ceased for any other reason"
    E9 = "E9", "Sentenced to custody"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment determined child is aged 18 or over"
    E16 = "E16", "Child moved abroad"
    E17 = "E17", "Aged 18 (or over) and remained with current carers (staying put)"
    X1 = "X1", "Episode ceases and new episode begins on the same day"


class ReasonPlaceChange(models.TextChoices):
    CARPL = "CARPL", "Change to or implementation of the care plan"
    CLOSE = "CLOSE", "Resignation or closure of provision"
    ALLEG = "ALLEG", "Allegation (section 47)"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Approval removed"
    CREQB = "CREQB", "Carer requests placement end due to the child's behaviour"
    CREQO = "CREQO", "Carer requests placement end, other than due to the child's behaviour"
    CHILD = "CHILD", "Child requests placement end"
    LAREQ = "LAREQ", "Responsible or area authority requests placement end"
    PLACE = "PLACE", "Change in the status of the placement only"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"
