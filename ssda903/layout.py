"""The SSDA903 return's CSV layout, shared by the import (ssda903/importer.py) and the export
(ssda903/export.py).

The column sets are the DfE's, as its validator package (`lac_validator.config.column_names`) lists
them; tests/ssda903/test_import.py checks that they agree. The validator recognises each
file by its exact set of columns, so the export writes exactly these, in this order.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

# The tables this service holds, by the DfE's name for each, with their columns in the DfE's order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
}
# The file each table is written to and, by default, read from.
FILE_NAMES = {"Header": "header.csv", "Episodes": "episodes.csv", "Reviews": "reviews.csv", "Missing": "missing.csv"}
REQUIRED_TABLES = ("Header", "Episodes", "Reviews")

# The other tables of the return, recognised so that a full return can be given to the import as it
# is: the service holds none of their data, so they are left out rather than refused.
OTHER_TABLES: dict[str, tuple[str, ...]] = {
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}

FIRST_YEAR_WITH_SEX_MFU = 2025  # 2024-25: SEX became M/F/U; earlier returns used 1 (male) and 2 (female)


# --- Values ----------------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: str) -> date | None:
    """A dd/mm/yyyy date, or None if the text is not one."""
    match = _DATE.match(value)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


# Kept for each date: a return writes a date in most of its cells, the same dates again and again (a
# child's date of birth on each of their rows), tens of thousands a year's return.
@cache
def format_date(day: date | None) -> str:
    return "" if day is None else f"{day.day:02}/{day.month:02}/{day.year}"


# SEX as the file may give it: M/F/U from 2024-25, 1/2 before.
SEX_FROM_903 = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}
_SEX_BEFORE_2025 = {"M": "1", "F": "2"}


def sex_to_903(sex: str, year: int) -> str:
    """SEX as the return for `year` records it; "" where that year has no code for it (U before 2024-25)."""
    if year >= FIRST_YEAR_WITH_SEX_MFU:
        return sex
    return _SEX_BEFORE_2025.get(sex, "")
