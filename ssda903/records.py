"""Each child's record as the import will leave it: the rows read as values, a record given in
several files (a history is one return per year) taken once, and what the service already holds
merged in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from children.models import Child, Episode, MissingEpisode
from reviews.models import Review

from .layout import parse_date
from .problems import Report, Source

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
# The fields a year's return leaves blank where that year's rules say the placement has none (DfE rules
# 178, 222) though another year's has one: a blank there never undoes a value known from another year.
YEAR_BLANK_FIELDS = ("placement_provider", "urn")
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


@dataclass
class ChildRecord:
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


def child_records(
    parsed: dict[str, list], unreadable: set[str], header_children: set[str], report: Report
) -> dict[str, ChildRecord]:
    """Each child's records from the rows read, repeated records merged (a history is one return per year).
    `header_children` are the children of every header row, read or not."""
    records: dict[str, ChildRecord] = {}
    for header in parsed["Header"]:
        record = records.get(header.child_id)
        if record is None:
            records[header.child_id] = ChildRecord(header)
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


def _add_repeated(records: dict[date, object], row, report: Report, table: str) -> None:
    """Add a row to the child's records of one table; a row that repeats a record (the same start or
    review date) must agree with it, except that a closed record wins over an open one."""
    key = _key(row)
    earlier = records.get(key)
    if earlier is None:
        records[key] = row
        return
    if isinstance(row, EpisodeRecord):
        _fill_year_blanks(earlier, row)
        _fill_year_blanks(row, earlier)
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


def _fill_year_blanks(known: EpisodeRecord, record: EpisodeRecord) -> None:
    for name in YEAR_BLANK_FIELDS:
        if not getattr(record, name):
            setattr(record, name, getattr(known, name))


def load_stored(records: dict[str, ChildRecord]) -> None:
    """What the service already holds for the children in the files, locked until the import ends."""
    ids = list(records)
    children: dict[int, ChildRecord] = {}
    for chunk in chunks(ids):
        for child in Child.objects.select_for_update().filter(la_child_id__in=chunk):
            records[child.la_child_id].child = child
            children[child.pk] = records[child.la_child_id]
    pks = list(children)
    for chunk in chunks(pks):
        for episode in Episode.objects.filter(child_id__in=chunk):
            children[episode.child_id].stored_episodes[episode.start_on] = episode
        for review in Review.objects.filter(child_id__in=chunk):
            children[review.child_id].stored_reviews.append(review)
        for missing in MissingEpisode.objects.filter(child_id__in=chunk):
            children[missing.child_id].stored_missing[missing.start_on] = missing


def merge_stored(records: dict[str, ChildRecord]) -> None:
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
                _fill_year_blanks(held, incoming)
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


def chunks(items: list, size: int = 2000) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
