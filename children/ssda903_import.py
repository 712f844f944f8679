"""Import an SSDA903 return: how a local authority moves onto the service with its children's history.

    ssda903_import(actor=user, files={"header.csv": b"...", "episodes.csv": b"...", ...})

The files are the DfE's CSV layout (children/ssda903.py), each recognised by its columns, so a full
return can be given as it is: the tables the service does not hold (UASC, OC2, AD1, ...) are left
out and said so. Several files of one table are read as one (a history as one return per year): a
child's header row, an episode open at one year's end and closed in the next, or a missing episode
carried over, may appear once in each year and are taken as one record; rows that repeat a record
with different values are refused. Each child's episodes must go back to the start of their period
of care (RNE S, DfE rule 357 "first episode ever"): the due dates of their reviews count from it, so
one year's return alone is refused for children who were already looked after before it began.

Everything is checked before anything is written: each value against the DfE's code lists and
formats, each child's whole record (the file's rows merged with what the service already holds)
against the DfE's rules on episodes, reviews and missing episodes (children/ssda903_rules.py) and
ours. One problem anywhere refuses the whole import, with every problem found listed by file, row,
column and value. Otherwise the import writes in one transaction, in bulk: children, episodes,
reviews held (with their participation code; no chair, late reason or distribution dates, which the
return does not hold) and missing episodes are created or updated, the due date of every review is
computed by the service's timescale policy (and confirmed by reviews.services.review_schedule_refresh),
and each child created or changed gets one audit entry. Nothing is ever deleted, and importing the
same files again changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path, PurePosixPath

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEntry, User
from reviews.models import ParticipationCode, Review
from reviews.services import review_schedule_refresh
from reviews.timescales import Policy, pn_code_fits_age, review_schedule

from .codes import (
    PLACEMENTS_WITHOUT_PROVIDER,
    CategoryOfNeed,
    Ethnicity,
    LegalStatus,
    Placement,
    PlacementProvider,
    ReasonCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)
from .models import (
    POSTCODE_PATTERN,
    URN_PATTERN,
    Child,
    Episode,
    MissingEpisode,
    la_child_id_validator,
    mother_breaks,
    normalise_postcode,
    upn_validator,
    urn_break,
)
from .periods import SHORT_BREAK_LEGAL_STATUSES, STARTED_TO_BE_LOOKED_AFTER, periods_of_care
from .ssda903 import COLUMNS, FILE_NAMES, OTHER_TABLES, REQUIRED_TABLES, SEX_FROM_903, parse_date
from .ssda903_rules import RuleBreak, episode_sequence_breaks, missing_episode_breaks

# Names for a child created by the import: the return carries no names. They show where the service
# would show a name until the child's details are completed.
PLACEHOLDER_FIRST_NAME = "Child"

EPISODE_COLUMNS = {
    "start_on": "DECOM",
    "reason_new": "RNE",
    "legal_status": "LS",
    "category_of_need": "CIN",
    "placement": "PLACE",
    "placement_provider": "PLACE_PROVIDER",
    "end_on": "DEC",
    "reason_ceased": "REC",
    "reason_place_change": "REASON_PLACE_CHANGE",
    "home_postcode": "HOME_POST",
    "placement_postcode": "PL_POST",
    "urn": "URN",
}
EPISODE_FIELDS = tuple(EPISODE_COLUMNS)
# The fields that record how an episode ended: a return shows them blank for an episode that ended
# after the year it covers, so a blank there never undoes an end already known.
ENDING_FIELDS = ("end_on", "reason_ceased", "reason_place_change")
MISSING_COLUMNS = {"kind": "MISSING", "start_on": "MIS_START", "end_on": "MIS_END"}
HEADER_COLUMNS = {
    "sex": "SEX",
    "date_of_birth": "DOB",
    "ethnicity": "ETHNIC",
    "upn": "UPN",
    "mother": "MOTHER",
    "first_child_born_on": "MC_DOB",
}
MOTHER_FIELDS = {"mother": "MOTHER", "first_child_born_on": "MC_DOB"}
CHILD_FIELDS = tuple(HEADER_COLUMNS)

_BATCH = 1000
_POSTCODE = re.compile(POSTCODE_PATTERN)
_URN = re.compile(URN_PATTERN)


# --- What the import reports -----------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the files. `row` counts the heading as row 1, as a spreadsheet shows it."""

    file: str
    row: int
    column: str
    value: str
    message: str
    rule: str = ""  # the DfE rule's number; "" for the service's own rules
    position: int = field(default=99, compare=False, repr=False)  # of the column in its file

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.file, f"row {self.row}" if self.row else "", self.column) if part)
        value = f" {self.value!r}" if self.value else " (blank)" if self.column and self.row > 1 else ""
        rule = f" (DfE rule {self.rule})" if self.rule else ""
        return f"{where}{value}: {self.message}{rule}"


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    children_in_files: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(self.counts.values())

    def summary(self) -> list[tuple[str, int, int]]:
        """(what, created, updated) for each kind of record."""
        c = self.counts
        return [
            ("Children", c["children_created"], c["children_updated"]),
            ("Episodes", c["episodes_created"], c["episodes_updated"]),
            ("Reviews held", c["reviews_created"], c["reviews_updated"]),
            ("Missing episodes", c["missing_created"], c["missing_updated"]),
        ]


# --- Reading the files -----------------------------------------------------------------------------


def files_from_directory(directory: str | Path) -> dict[str, bytes]:
    """Every CSV file in the directory (not its subdirectories), by name."""
    directory = Path(directory)
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file() and p.suffix.lower() == ".csv"}


def files_from_zip(data: bytes, *, max_bytes: int = 500 * 1024 * 1024) -> dict[str, bytes]:
    """Every CSV file in a zip, by its path in the zip. Raises zipfile.BadZipFile if it is not one,
    and ValueError if its files would unpack to more than `max_bytes`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(".csv")
            and not PurePosixPath(info.filename).name.startswith(".")
            and "__MACOSX" not in info.filename
        ]
        if sum(info.file_size for info in members) > max_bytes:
            raise ValueError(f"its files come to more than {max_bytes // 1024 // 1024} MB")
        return {info.filename: archive.read(info) for info in members}


def _decode(data: bytes) -> str:
    # UTF-8 (with or without Excel's byte-order mark); else Windows' own encoding, which is what
    # Excel writes "CSV" in. The return's values are codes and digits, so nothing is lost either way.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@dataclass(frozen=True)
class Source:
    file: str
    row: int


@dataclass
class _Table:
    rows: list[tuple[Source, dict[str, str]]] = field(default_factory=list)


def _identify(name: str, heading: list[str]) -> str | None:
    columns = set(heading)
    for table, expected in {**COLUMNS, **OTHER_TABLES}.items():
        if columns == set(expected):
            return table
    stem = PurePosixPath(name).stem.lower()
    for table, file_name in FILE_NAMES.items():
        if stem == file_name.removesuffix(".csv"):
            return table
    # The columns that tell the tables apart (every table has CHILD, most have DOB).
    scores = {t: len(columns & (set(c) - {"CHILD", "DOB"})) for t, c in COLUMNS.items()}
    best = max(scores.values())
    winners = [t for t, s in scores.items() if s == best]
    return winners[0] if best and len(winners) == 1 else None


def _read(files: Mapping[str, bytes], report: _Report) -> dict[str, _Table]:
    tables: dict[str, _Table] = defaultdict(_Table)
    for name in sorted(files):
        text = _decode(files[name])
        reader = csv.reader(io.StringIO(text, newline=""))
        heading = next(reader, None)
        if heading is None or not any(h.strip() for h in heading):
            report.problems.append(Problem(name, 0, "", "", "The file is empty: it has no heading row"))
            continue
        heading = [h.strip().upper() for h in heading]
        table = _identify(name, heading)
        if table is None:
            expected = "; ".join(f"{FILE_NAMES[t]}: {', '.join(c)}" for t, c in COLUMNS.items())
            report.problems.append(
                Problem(name, 1, "", "", f"The columns are not those of a 903 file this service imports ({expected})")
            )
            continue
        if table in OTHER_TABLES:
            report.notes.append(f"{name} is the return's {table} table, which this service does not hold: left out.")
            continue
        tables[table]  # seen, even if its rows cannot be read
        expected = COLUMNS[table]
        missing = [c for c in expected if c not in heading]
        for column in missing:
            report.problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "",
                    f"The column {column} is missing (the {table} file's columns are {', '.join(expected)})",
                )
            )
        for column in sorted({c for c in heading if c not in expected}):
            report.problems.append(Problem(name, 1, column, "", f"{column} is not a column of the DfE's {table} file"))
        duplicated = sorted({c for c in heading if heading.count(c) > 1 and c in expected})
        for column in duplicated:
            report.problems.append(Problem(name, 1, column, "", f"The column {column} appears more than once"))
        if missing or duplicated:
            continue
        for values in reader:
            row = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(heading):
                report.problems.append(
                    Problem(
                        name,
                        row,
                        "",
                        "",
                        f"The row has {len(values)} values but the heading has {len(heading)} columns",
                    )
                )
                continue
            cells = {c: v.strip() for c, v in zip(heading, values, strict=True) if c in expected}
            tables[table].rows.append((Source(name, row), cells))
    for table in REQUIRED_TABLES:
        if table not in tables:
            report.problems.append(
                Problem(
                    FILE_NAMES[table],
                    0,
                    "",
                    "",
                    f"No {table.lower()} file was given ({FILE_NAMES[table]}, columns {', '.join(COLUMNS[table])})",
                )
            )
    return tables


# --- Records: the rows as values, and what the service already holds ---------------------------------


@dataclass
class HeaderRecord:
    src: Source | None
    cells: dict[str, str]
    child_id: str
    sex: str
    date_of_birth: date
    ethnicity: str
    upn: str
    mother: str = ""
    first_child_born_on: date | None = None


@dataclass
class EpisodeRecord:
    src: Source | None  # None: already recorded by the service
    cells: dict[str, str]
    start_on: date
    reason_new: str
    legal_status: str
    category_of_need: str
    placement: str
    placement_provider: str
    end_on: date | None
    reason_ceased: str
    reason_place_change: str
    home_postcode: str
    placement_postcode: str
    urn: str
    pk: int | None = None
    child_id: str = ""

    def values(self) -> tuple:
        return tuple(getattr(self, f) for f in EPISODE_FIELDS)


@dataclass
class ReviewRecord:
    src: Source | None
    cells: dict[str, str]
    held_on: date
    participation: str
    pk: int | None = None
    child_id: str = ""
    dob_cell: str = ""


@dataclass
class MissingRecord:
    src: Source | None
    cells: dict[str, str]
    kind: str
    start_on: date
    end_on: date | None
    pk: int | None = None
    child_id: str = ""
    dob_cell: str = ""

    def values(self) -> tuple:
        return (self.kind, self.start_on, self.end_on)


class _Report:
    def __init__(self):
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    @property
    def files_unreadable(self) -> bool:
        """A file could not be read as a table (rows 0 and 1 are the file and its heading)."""
        return any(p.row <= 1 for p in self.problems)

    def add(self, src: Source, cells: Mapping[str, str], column: str, message: str, rule: str = "") -> None:
        position = list(cells).index(column) if column in cells else 99
        self.problems.append(Problem(src.file, src.row, column, cells.get(column, ""), message, rule, position))


@cache
def _codes(choices) -> frozenset[str]:
    # TextChoices.values builds a new list on every call: too slow for every cell of a whole history.
    return frozenset(choices.values)


class _RowReader:
    """Turns one row's cells into values, recording a problem for each cell that is not valid."""

    def __init__(self, report: _Report, src: Source, cells: dict[str, str], today: date):
        self.report, self.src, self.cells, self.today = report, src, cells, today
        self.ok = True

    def problem(self, column: str, message: str, rule: str = "") -> None:
        self.report.add(self.src, self.cells, column, message, rule)
        self.ok = False

    def child_id(self) -> str:
        value = self.cells["CHILD"]
        if not la_child_id_validator.regex.search(value):
            self.problem(
                "CHILD", "The child's id must be 1 to 10 letters or digits" if value else "Enter the child's id"
            )
        return value

    def code(self, column: str, choices, rule: str, *, required: bool = True) -> str:
        value = self.cells[column]
        if not value:
            if required:
                self.problem(column, f"Enter the {column} code", rule)
        elif value not in _codes(choices):
            self.problem(column, f"Not a valid {column} code", rule)
        return value

    def date(self, column: str, rule: str, *, required: bool = True, what: str = "date") -> date | None:
        value = self.cells[column]
        if not value:
            if required:
                self.problem(column, f"Enter the {what}, as dd/mm/yyyy", rule)
            return None
        day = parse_date(value)
        if day is None:
            self.problem(column, "Not a real date as dd/mm/yyyy", rule)
        elif day > self.today:
            self.problem(column, f"The {what} cannot be in the future")
        return day


def _header_record(reader: _RowReader) -> HeaderRecord:
    cells = reader.cells
    sex = SEX_FROM_903.get(cells["SEX"], "")
    if not sex:
        reader.problem("SEX", "SEX must be M, F or U (1 or 2 in returns before 2024-25)", "101")
    dob = reader.date("DOB", "102", what="date of birth")
    ethnicity = reader.code("ETHNIC", Ethnicity, "103")
    upn = cells["UPN"]
    if upn and not upn_validator.regex.search(upn):
        reader.problem(
            "UPN",
            "A UPN is a letter (not I, O or S), 11 digits and a digit or letter, or UN1 to UN5 if not known",
            "168",
        )
    mother = cells["MOTHER"]
    if mother not in ("", "0", "1"):
        reader.problem("MOTHER", "MOTHER is 1 (the child is a mother) or 0 (not)", "165")
    first_child = reader.date("MC_DOB", "171", required=False, what="date of birth of her first child")
    if reader.ok:
        breaks = mother_breaks(sex=sex, date_of_birth=dob, mother=mother, first_child_born_on=first_child)
        for name, text in breaks.items():
            message, _, rule = text.rstrip(".)").rpartition(" (DfE rule ")
            reader.problem(MOTHER_FIELDS[name], message, rule.split(",")[0])
    return HeaderRecord(reader.src, cells, cells["CHILD"], sex, dob, ethnicity, upn, mother, first_child)


def _episode_record(reader: _RowReader) -> EpisodeRecord:
    cells = reader.cells
    start_on = reader.date("DECOM", "141", what="date the episode began")
    reason_new = reader.code("RNE", ReasonNewEpisode, "143")
    legal_status = reader.code("LS", LegalStatus, "144")
    category_of_need = reader.code("CIN", CategoryOfNeed, "145")
    placement = reader.code("PLACE", Placement, "146")
    provider = reader.code("PLACE_PROVIDER", PlacementProvider, "178", required=False)
    if placement in PLACEMENTS_WITHOUT_PROVIDER and provider:
        reader.problem("PLACE_PROVIDER", f"Placement {placement} has no placement provider", "178")
    elif placement in _codes(Placement) and placement not in PLACEMENTS_WITHOUT_PROVIDER and not provider:
        reader.problem("PLACE_PROVIDER", f"Placement {placement} needs its placement provider", "178")
    end_on = reader.date("DEC", "147", required=False, what="date the episode ceased")
    reason_ceased = reader.code("REC", ReasonCeased, "149", required=False)
    if bool(cells["DEC"]) != bool(reason_ceased):
        column = "REC" if cells["DEC"] else "DEC"
        reader.problem(column, "DEC and REC are both given when the episode has ended, or both left blank", "148")
    if start_on and end_on:
        if end_on < start_on:
            reader.problem("DEC", "The episode cannot end before it began", "356")
        elif end_on == start_on:
            reader.problem("DEC", "The episode ends the day it began: an episode lasts at least a day", "355")
    reason_place_change = reader.code("REASON_PLACE_CHANGE", ReasonPlaceChange, "1009", required=False)
    if reason_place_change and not cells["DEC"]:
        reader.problem("REASON_PLACE_CHANGE", "An episode that has not ended has no reason for placement change", "233")
    postcodes = {}
    for column in ("HOME_POST", "PL_POST"):
        postcodes[column] = value = normalise_postcode(cells[column])
        if value and not _POSTCODE.match(value):
            reader.problem(column, "Give the full postcode, such as SE1 2QH", "392c")
    urn = cells["URN"].upper()
    if urn and not _URN.match(urn):
        reader.problem("URN", "An Ofsted URN is SC and 6 digits, or 7 digits (XXXXXXX for a regional adoption agency)")
    if legal_status in SHORT_BREAK_LEGAL_STATUSES:
        for column in ("PL_POST", "URN"):
            if cells[column]:
                reader.problem(column, f"A short break (LS {legal_status}) has no {column}", "214")
    elif reader.ok:
        text = urn_break(placement=placement, urn=urn, end_on=end_on, placement_postcode=postcodes["PL_POST"])
        if text:
            message, _, rule = text.rstrip(".)").rpartition(" (DfE rule ")
            reader.problem("URN", message, rule)
    return EpisodeRecord(
        reader.src,
        cells,
        start_on,
        reason_new,
        legal_status,
        category_of_need,
        placement,
        provider,
        end_on,
        reason_ceased,
        reason_place_change,
        postcodes["HOME_POST"],
        postcodes["PL_POST"],
        urn,
    )


def _review_record(reader: _RowReader) -> ReviewRecord:
    held_on = reader.date("REVIEW", "166", what="date of the review")
    code = reader.cells["REVIEW_CODE"]
    if code not in _codes(ParticipationCode):
        reader.problem("REVIEW_CODE", "The participation code must be PN0 to PN7", "167")
    return ReviewRecord(reader.src, reader.cells, held_on, code)


def _missing_record(reader: _RowReader) -> MissingRecord:
    kind = reader.cells["MISSING"]
    if not kind:
        reader.problem("MISSING", "Say whether the child was missing (M) or away without authorisation (A)", "565")
    elif kind not in _codes(MissingEpisode.Kind):
        reader.problem("MISSING", "MISSING must be M (missing) or A (away without authorisation)", "1006")
    start_on = reader.date("MIS_START", "564", what="date the child went missing")
    end_on = reader.date("MIS_END", "1005", required=False, what="date the child came back")
    if start_on and end_on and end_on < start_on:
        reader.problem("MIS_END", "The child cannot come back before they went missing", "567")
    return MissingRecord(reader.src, reader.cells, kind, start_on, end_on)


# --- Checking each child's whole record -------------------------------------------------------------


@dataclass
class _ChildRecord:
    header: HeaderRecord
    child: Child | None = None  # already held by the service
    episodes: dict[date, EpisodeRecord] = field(default_factory=dict)
    reviews: dict[date, ReviewRecord] = field(default_factory=dict)
    missing: dict[date, MissingRecord] = field(default_factory=dict)
    stored_episodes: dict[date, Episode] = field(default_factory=dict)
    stored_reviews: list[Review] = field(default_factory=list)
    stored_missing: dict[date, MissingEpisode] = field(default_factory=dict)
    readable: bool = True  # every row of the child's could be read


def _is_unknown_upn(upn: str) -> bool:
    return not upn or upn.startswith("UN")


def _merge_upn(earlier: str, later: str) -> str | None:
    """The UPN to keep when a child's UPN differs between two records, or None if they contradict:
    a real UPN replaces an unknown one (UN1-UN5) and is never replaced by one (DfE rule 208)."""
    if earlier == later or _is_unknown_upn(later):
        return earlier if not _is_unknown_upn(earlier) or not later else later
    if _is_unknown_upn(earlier):
        return later
    return None


def _merge_mother(earlier: HeaderRecord, later: HeaderRecord):
    """MOTHER and MC_DOB to keep when a child's header appears in several years: a girl becomes a
    mother (a year before her first child's birth shows MOTHER 0, the years after it 1) and her first
    child's date of birth never changes (rule 624: False)."""
    if (
        earlier.first_child_born_on
        and later.first_child_born_on
        and earlier.first_child_born_on != later.first_child_born_on
    ):
        return False
    if "1" in (earlier.mother, later.mother):
        return "1", earlier.first_child_born_on or later.first_child_born_on
    return earlier.mother or later.mother, None


def _merge_ending(earlier, later):
    """A record that repeats `earlier` and shows it still open keeps the end `earlier` records: the
    return shows an episode (or missing episode) open when it ended after the year it covers."""
    if later.end_on is None and earlier.end_on is not None:
        for name in ENDING_FIELDS:
            if hasattr(later, name):
                setattr(later, name, getattr(earlier, name))
    return later


class _Checker:
    def __init__(self, report: _Report, today: date):
        self.report, self.today = report, today

    def on(self, record, column: str, message: str, rule: str = "", *, header: HeaderRecord) -> None:
        """A problem with `record`; one already held by the service is reported on the child's header row."""
        if record is not None and record.src is not None:
            self.report.add(record.src, record.cells, column, message, rule)
        else:
            self.report.add(header.src, header.cells, "CHILD", f"In the records already held: {message}", rule)

    def child(self, record: _ChildRecord) -> None:
        header = record.header
        episodes = sorted(record.episodes.values(), key=lambda e: e.start_on)
        if not episodes:
            self.on(
                header,
                "CHILD",
                "The child has no episodes: give their episodes in the episodes file",
                "EPI",
                header=header,
            )
            return
        if not header.upn and any(e.legal_status not in SHORT_BREAK_LEGAL_STATUSES for e in episodes):
            self.on(header, "UPN", "Give the child's UPN, or UN1 to UN5 if it is not known", "442", header=header)
        if (
            header.sex == "F"
            and not header.mother
            and any(e.legal_status not in SHORT_BREAK_LEGAL_STATUSES for e in episodes)
        ):
            self.on(
                header,
                "MOTHER",
                "Say whether the girl is a mother: MOTHER 1 or 0 (blank only for short breaks)",
                "393",
                header=header,
            )
        if episodes[0].start_on < header.date_of_birth:
            self.on(
                episodes[0], "DECOM", "The first episode starts before the child's date of birth", "302", header=header
            )
        eighteen = header.date_of_birth + relativedelta(years=18)
        for episode in episodes:
            if episode.reason_new == STARTED_TO_BE_LOOKED_AFTER and episode.start_on >= eighteen:
                self.on(episode, "DECOM", "A child cannot start to be looked after at 18 or over", "352", header=header)
        for i, rule_break in episode_sequence_breaks(episodes):
            self._episode_break(episodes, i, rule_break, header)

        periods = periods_of_care(episodes)
        for review in sorted(record.reviews.values(), key=lambda r: r.held_on):
            self._review(review, header, periods)
        missing = sorted(record.missing.values(), key=lambda m: m.start_on)
        for m in missing:
            others = [o for o in missing if o.start_on < m.start_on]  # each overlap once, on the later
            for b in missing_episode_breaks(
                m,
                date_of_birth=header.date_of_birth,
                episodes=episodes,
                periods=periods,
                others=others,
                today=self.today,
            ):
                self.on(m, MISSING_COLUMNS[b.field], b.message, b.rule, header=header)

    def _episode_break(self, episodes: list[EpisodeRecord], i: int, rule_break: RuleBreak, header) -> None:
        episode = episodes[i]
        if episode.src is None:
            # A rule about a pair: say it on the neighbour that comes from the files, if one does.
            neighbours = [
                e
                for e in (episodes[i + 1] if i + 1 < len(episodes) else None, episodes[i - 1] if i else None)
                if e is not None and e.src
            ]
            if neighbours:
                message = f"With the episode from {episode.start_on:%d/%m/%Y} already held: {rule_break.message}"
                self.on(neighbours[0], "DECOM", message, rule_break.rule, header=header)
                return
        self.on(episode, EPISODE_COLUMNS[rule_break.field], rule_break.message, rule_break.rule, header=header)

    def _review(self, review: ReviewRecord, header: HeaderRecord, periods) -> None:
        held_on = review.held_on
        if held_on < header.date_of_birth:
            self.on(review, "REVIEW", "The review is before the child's date of birth", "", header=header)
            return
        if not any(p.start <= held_on and (p.end is None or held_on <= p.end) for p in periods):
            self.on(
                review,
                "REVIEW",
                f"The child was not looked after on {held_on:%d/%m/%Y}: a review is held within a period of care",
                header=header,
            )
            return
        problem = pn_code_fits_age(review.participation, date_of_birth=header.date_of_birth, review_on=held_on)
        if problem:
            # The message names its rule already ("... (DfE rule 440)"); the table shows it apart.
            head, found, tail = problem.rpartition(" (DfE rule ")
            message, rule = (head, tail.rstrip(")")) if found else (problem, "")
            self.on(review, "REVIEW_CODE", message, rule, header=header)


# --- The import ------------------------------------------------------------------------------------


def ssda903_import(*, actor: User | None, files: Mapping[str, bytes], today: date | None = None) -> ImportResult:
    """Check the files whole and, if nothing is wrong, write them (see the module's docstring)."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    report = _Report()
    result = ImportResult()
    if not files:
        report.problems.append(Problem("", 0, "", "", "No CSV files were given"))
    tables = _read(files, report)
    with transaction.atomic():
        records = _records(tables, report, today)
        result.children_in_files = len(records)
        # Each child's whole record is checked once every file could be read as its table, so that a
        # missing file or column does not show as a problem with every child.
        if not report.files_unreadable:
            _load_stored(records)
            _merge(records)
            checker = _Checker(report, today)
            for record in records.values():
                if record.readable:
                    checker.child(record)
            unchecked = sum(not r.readable for r in records.values())
            if unchecked:
                report.notes.append(
                    f"The records of {unchecked} child{'ren' if unchecked != 1 else ''} could not be checked as a "
                    "whole (the order of their episodes, their reviews and missing episodes within their care) "
                    "because some of their rows cannot be read: correct those rows and upload the files again."
                )
        if not report.problems:
            _write(records, actor, result)
    result.problems = sorted(set(report.problems), key=_problem_order)
    result.notes = report.notes
    result.seconds = time.perf_counter() - started
    return result


def _problem_order(p: Problem):
    return (p.file, p.row, p.position, p.message)


def _records(tables: dict[str, _Table], report: _Report, today: date) -> dict[str, _ChildRecord]:
    """Each child's records from the files, repeated records merged (a history is one return per year)."""
    readers = {
        "Header": _header_record,
        "Episodes": _episode_record,
        "Reviews": _review_record,
        "Missing": _missing_record,
    }
    parsed: dict[str, list] = {}
    unreadable: set[str] = set()
    for table, read in readers.items():
        parsed[table] = []
        for src, cells in tables.get(table, _Table()).rows:
            reader = _RowReader(report, src, cells, today)
            child_id = reader.child_id()
            record = read(reader)
            record.child_id = child_id
            if "DOB" in cells and table != "Header":
                record.dob_cell = cells["DOB"]
            if reader.ok:
                parsed[table].append(record)
            else:
                unreadable.add(cells["CHILD"])

    records: dict[str, _ChildRecord] = {}
    for header in parsed["Header"]:
        record = records.get(header.child_id)
        if record is None:
            records[header.child_id] = _ChildRecord(header)
            continue
        earlier = record.header
        for name, column, rule in (
            ("date_of_birth", "DOB", "203"),
            ("sex", "SEX", "202"),
            ("ethnicity", "ETHNIC", "204"),
        ):
            if getattr(earlier, name) != getattr(header, name):
                report.add(
                    header.src,
                    header.cells,
                    column,
                    f"The child appears in {earlier.src.file} row {earlier.src.row} with a different {column}",
                    rule,
                )
        mother = _merge_mother(earlier, header)
        if mother is False:
            report.add(
                header.src,
                header.cells,
                "MC_DOB",
                f"The child appears in {earlier.src.file} row {earlier.src.row} with a different date of birth "
                "of her first child",
                "624",
            )
        else:
            earlier.mother, earlier.first_child_born_on = mother
        upn = _merge_upn(earlier.upn, header.upn)
        if upn is None:
            report.add(
                header.src,
                header.cells,
                "UPN",
                f"The child appears in {earlier.src.file} row {earlier.src.row} with a different UPN",
                "208",
            )
        else:
            earlier.upn = upn
    header_children = {cells["CHILD"] for _src, cells in tables.get("Header", _Table()).rows}

    for table, rule, attach in (
        ("Episodes", "INT03", "episodes"),
        ("Reviews", "INT08", "reviews"),
        ("Missing", "INT04", "missing"),
    ):
        for row in parsed[table]:
            record = records.get(row.child_id)
            if record is None:
                if row.child_id not in header_children:
                    report.add(row.src, row.cells, "CHILD", "The child is not in the header file", rule)
                continue
            if table != "Episodes" and parse_date(row.dob_cell) != record.header.date_of_birth:
                report.add(
                    row.src,
                    row.cells,
                    "DOB",
                    "The date of birth differs from the header file's",
                    "INT17" if table == "Reviews" else "INT13",
                )
                continue
            _add_repeated(getattr(record, attach), row, report, table)
    for child_id in unreadable:
        if child_id in records:
            records[child_id].readable = False
    return records


def _key(row) -> date:
    return row.held_on if isinstance(row, ReviewRecord) else row.start_on


def _add_repeated(records: dict[date, object], row, report: _Report, table: str) -> None:
    """Add a row to the child's records of one table; a row that repeats a record (the same start or
    review date) must agree with it, except that a closed record wins over an open one."""
    key = _key(row)
    earlier = records.get(key)
    if earlier is None:
        records[key] = row
        return
    if isinstance(row, ReviewRecord):
        same = earlier.participation == row.participation
    elif earlier.end_on is None and row.end_on is not None:
        same = _merge_ending(row, replace(earlier)).values() == row.values()
        if same:
            records[key] = row
    elif row.end_on is None and earlier.end_on is not None:
        same = _merge_ending(earlier, replace(row)).values() == earlier.values()
    else:
        same = earlier.values() == row.values()
    if not same:
        column = {"Episodes": "DECOM", "Reviews": "REVIEW", "Missing": "MIS_START"}[table]
        report.add(
            row.src,
            row.cells,
            column,
            f"{earlier.src.file} row {earlier.src.row} has the same child and {column} with different values",
        )


def _load_stored(records: dict[str, _ChildRecord]) -> None:
    """What the service already holds for the children in the files, locked until the import ends."""
    ids = list(records)
    children: dict[int, _ChildRecord] = {}
    for chunk in _chunks(ids):
        for child in Child.objects.select_for_update().filter(la_child_id__in=chunk):
            records[child.la_child_id].child = child
            children[child.pk] = records[child.la_child_id]
    pks = list(children)
    for chunk in _chunks(pks):
        for episode in Episode.objects.filter(child_id__in=chunk):
            children[episode.child_id].stored_episodes[episode.start_on] = episode
        for review in Review.objects.filter(child_id__in=chunk):
            children[review.child_id].stored_reviews.append(review)
        for missing in MissingEpisode.objects.filter(child_id__in=chunk):
            children[missing.child_id].stored_missing[missing.start_on] = missing


def _merge(records: dict[str, _ChildRecord]) -> None:
    """Each child's records as they will be: what the service holds, updated by the files."""
    for record in records.values():
        if record.child is not None:
            upn = _merge_upn(record.child.upn, record.header.upn)
            # A return from before her first child was born (MOTHER 0) does not undo what is known.
            if record.child.mother == "1" and record.header.mother != "1":
                record.header.mother = "1"
                record.header.first_child_born_on = record.child.first_child_born_on
            record.header.upn = record.header.upn if upn is None else upn
        for start_on, stored in record.stored_episodes.items():
            held = EpisodeRecord(None, {}, *(getattr(stored, f) for f in EPISODE_FIELDS), pk=stored.pk)
            incoming = record.episodes.get(start_on)
            if incoming is None:
                record.episodes[start_on] = held
            else:
                incoming.pk = stored.pk
                _merge_ending(held, incoming)
        for stored in record.stored_reviews:
            if stored.held_on is None:
                continue
            incoming = record.reviews.get(stored.held_on)
            if incoming is None:
                record.reviews[stored.held_on] = ReviewRecord(
                    None, {}, stored.held_on, stored.participation, pk=stored.pk
                )
            else:
                incoming.pk = stored.pk
        for start_on, stored in record.stored_missing.items():
            held = MissingRecord(None, {}, stored.kind, stored.start_on, stored.end_on, pk=stored.pk)
            incoming = record.missing.get(start_on)
            if incoming is None:
                record.missing[start_on] = held
            else:
                incoming.pk = stored.pk
                _merge_ending(held, incoming)


def _chunks(items: list, size: int = 2000) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- Writing ---------------------------------------------------------------------------------------


def _write(records: dict[str, _ChildRecord], actor: User | None, result: ImportResult) -> None:
    counts = result.counts
    changes: dict[str, dict[str, int]] = {}  # la_child_id -> what changed, for the audit entry

    def changed(record: _ChildRecord, what: str) -> None:
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
    policy = Policy(settings.REVIEW_TIMESCALE_POLICY)
    plan = _ReviewPlan(timezone.now())
    for record in records.values():
        created, updated, waiting = plan.child(record, policy)
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
        ["period_start", "sequence", "due_on", "policy", "due_explanation", "participation", "updated_at"],
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

    # The service's own recomputation of the due dates is the authority; with each child's episodes
    # and reviews fetched in bulk beforehand, it costs no query when (as it should) nothing changes.
    touched = [records[child_id].child.pk for child_id in changes]
    for chunk in _chunks(touched, 500):
        for child in Child.objects.filter(pk__in=chunk).prefetch_related("episodes", "reviews"):
            review_schedule_refresh(child=child)


class _ReviewPlan:
    """As reviews.services.review_schedule_refresh, for the children's records as the import leaves
    them: the due date of each review held, and the one review waiting in each period of care that
    has one due; collected for writing in bulk."""

    def __init__(self, now):
        self.now = now
        self.new: list[Review] = []
        self.updated: list[Review] = []
        self.obsolete: list[int] = []

    def child(self, record: _ChildRecord, policy: Policy) -> tuple[int, int, int]:
        """(reviews held created, reviews held updated, waiting reviews created, changed or deleted)."""
        child = record.child
        stored = {r.pk: r for r in record.stored_reviews}
        held: list[Review] = []
        participation_changed: set[int] = set()
        for row in record.reviews.values():
            if row.pk is None:
                held.append(Review(child=child, held_on=row.held_on, participation=row.participation))
                continue
            review = stored[row.pk]
            if review.participation != row.participation:
                review.participation = row.participation
                participation_changed.add(review.pk)
            held.append(review)
        held.sort(key=lambda r: r.held_on)
        waiting = {r.period_start: r for r in record.stored_reviews if r.held_on is None}

        counts = {"created": 0, "updated": 0, "waiting": 0}
        nation = settings.BANK_HOLIDAY_NATION
        for period in periods_of_care(record.episodes.values()):
            in_period = [
                r for r in held if r.held_on >= period.start and (period.end is None or r.held_on <= period.end)
            ]
            schedule = review_schedule(period, [r.held_on for r in in_period], policy=policy, nation=nation)
            pairs = list(zip(in_period, schedule, strict=False))
            if len(schedule) > len(in_period):
                pairs.append((waiting.pop(period.start, None) or Review(child=child), schedule[-1]))
            for review, due in pairs:
                kind = "waiting" if review.held_on is None else None
                values = {
                    "period_start": period.start,
                    "sequence": due.sequence,
                    "due_on": due.due_on,
                    "policy": str(due.policy),
                    "due_explanation": due.explanation,
                }
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
