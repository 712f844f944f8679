"""Checking an SSDA903 import: each cell against the DfE's code lists and formats, and each child's
whole record against the DfE's rules on episodes, reviews and missing episodes (children/rules.py)
and the service's own."""

from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import relativedelta

from children.codes import FIRST_YEAR, LAST_YEAR, code_break, code_rule, ever_valid, placement_list
from children.models import (
    POSTCODE_PATTERN,
    URN_PATTERN,
    episode_year_breaks,
    la_child_id_validator,
    mother_breaks,
    normalise_postcode,
    upn_validator,
)
from children.rules import RuleBreak, episode_sequence_breaks, missing_episode_breaks
from core.collection_years import CollectionYear, years_between
from core.periods import SHORT_BREAK_LEGAL_STATUSES, STARTED_TO_BE_LOOKED_AFTER, periods_of_care
from reviews.timescales import pn_code_fits_age

from .layout import SEX_FROM_903, parse_date
from .problems import Report, Source
from .reading import Table
from .records import (
    EPISODE_COLUMNS,
    MISSING_COLUMNS,
    MOTHER_FIELDS,
    ChildRecord,
    EpisodeRecord,
    HeaderRecord,
    MissingRecord,
    ReviewRecord,
)

_POSTCODE = re.compile(POSTCODE_PATTERN)
_URN = re.compile(URN_PATTERN)


class _RowReader:
    """Turns one row's cells into values, recording a problem for each cell that is not valid."""

    def __init__(self, report: Report, src: Source, cells: dict[str, str], today: date):
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

    def code(self, column: str, *, required: bool = True) -> str:
        """A code of any year's list; whether it is valid in the years of its record is checked with
        the child's whole record, once an episode's end is known from every file."""
        value = self.cells[column]
        if not value:
            if required:
                self.problem(column, f"Enter the {column} code", code_rule(column))
        elif value not in ever_valid(column):
            self.problem(column, f"Not a valid {column} code in any year", code_rule(column))
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
    ethnicity = reader.code("ETHNIC")
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
            reader.problem(MOTHER_FIELDS[name], *_rule_apart(text))
    return HeaderRecord(reader.src, cells, cells["CHILD"], sex, dob, ethnicity, upn, mother, first_child)


def _episode_record(reader: _RowReader) -> EpisodeRecord:
    cells = reader.cells
    start_on = reader.date("DECOM", "141", what="date the episode began")
    reason_new = reader.code("RNE")
    legal_status = reader.code("LS")
    category_of_need = reader.code("CIN")
    placement = reader.code("PLACE")
    provider = reader.code("PLACE_PROVIDER", required=False)
    end_on = reader.date("DEC", "147", required=False, what="date the episode ceased")
    reason_ceased = reader.code("REC", required=False)
    if bool(cells["DEC"]) != bool(reason_ceased):
        column = "REC" if cells["DEC"] else "DEC"
        reader.problem(column, "DEC and REC are both given when the episode has ended, or both left blank", "148")
    if start_on and end_on:
        if end_on < start_on:
            reader.problem("DEC", "The episode cannot end before it began", "356")
        elif end_on == start_on:
            reader.problem("DEC", "The episode ends the day it began: an episode lasts at least a day", "355")
    reason_place_change = reader.code("REASON_PLACE_CHANGE", required=False)
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
    record = EpisodeRecord(
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
    if placement in ever_valid("PLACE"):
        # What no year allows is wrong whatever the episode's years (DfE rule 178).
        years = range(FIRST_YEAR, LAST_YEAR + 1)
        without = [placement in placement_list("PLACEMENTS_WITHOUT_PROVIDER", y) for y in years]
        if provider and all(without):
            reader.problem("PLACE_PROVIDER", f"Placement {placement} has no placement provider", "178")
        elif not provider and not any(without):
            reader.problem("PLACE_PROVIDER", f"Select the placement provider for placement {placement}", "178")
    if reader.ok and end_on:
        # An episode's end is its last: the years of its returns are known from this row alone.
        for name, text in episode_year_breaks(record, today=reader.today).items():
            reader.problem(EPISODE_COLUMNS[name], *_rule_apart(text))
    return record


def _review_record(reader: _RowReader) -> ReviewRecord:
    held_on = reader.date("REVIEW", "166", what="date of the review")
    code = reader.cells["REVIEW_CODE"]
    if code not in ever_valid("REVIEW_CODE"):
        reader.problem("REVIEW_CODE", "The participation code must be PN0 to PN7", "167")
    return ReviewRecord(reader.src, reader.cells, held_on, code)


def _missing_record(reader: _RowReader) -> MissingRecord:
    kind = reader.cells["MISSING"]
    if not kind:
        reader.problem("MISSING", "Say whether the child was missing (M) or away without authorisation (A)", "565")
    elif kind not in ever_valid("MISSING"):
        reader.problem("MISSING", "MISSING must be M (missing) or A (away without authorisation)", "1006")
    start_on = reader.date("MIS_START", "564", what="date the child went missing")
    end_on = reader.date("MIS_END", "1005", required=False, what="date the child came back")
    if start_on and end_on and end_on < start_on:
        reader.problem("MIS_END", "The child cannot come back before they went missing", "567")
    return MissingRecord(reader.src, reader.cells, kind, start_on, end_on)


def read_rows(tables: dict[str, Table], report: Report, today: date) -> tuple[dict[str, list], set[str]]:
    """Each row of the files as a record, by table, with every cell checked; and the children with a
    row that cannot be read."""
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
        for src, cells in tables.get(table, Table()).rows:
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
    return parsed, unreadable


def _rule_apart(text: str) -> tuple[str, str]:
    """A message that names its DfE rule ("... (DfE rule 146).") as the message and the rule."""
    head, found, tail = text.rstrip(".").rpartition(" (DfE rule ")
    return (head, tail.rstrip(")").split(",")[0]) if found else (text, "")


class Checker:
    def __init__(self, report: Report, today: date):
        self.report, self.today = report, today

    def on(self, record, column: str, message: str, rule: str = "", *, header: HeaderRecord) -> None:
        """A problem with `record`; one already held by the service is reported on the child's header row."""
        if record is not None and record.src is not None:
            self.report.add(record.src, record.cells, column, message, rule)
        else:
            self.report.add(header.src, header.cells, "CHILD", f"In the records already held: {message}", rule)

    def child(self, record: ChildRecord) -> None:
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
        # Codes by the lists of each year whose return holds the record, now that each episode's end
        # is known from every file.
        for episode in episodes:
            if episode.src is not None and episode.cells["DEC"] == "":
                for name, text in episode_year_breaks(episode, today=self.today).items():
                    self.on(episode, EPISODE_COLUMNS[name], *_rule_apart(text), header=header)
        years = set().union(*(years_between(e.start_on, e.end_on or self.today) for e in episodes))
        if header.src is not None and (text := code_break("ETHNIC", header.ethnicity, years)):
            self.on(header, "ETHNIC", *_rule_apart(text), header=header)
        for review in record.reviews.values():
            text = code_break("REVIEW_CODE", review.participation, [CollectionYear.containing(review.held_on).year])
            if review.src is not None and text:
                self.on(review, "REVIEW_CODE", *_rule_apart(text), header=header)
        for m in record.missing.values():
            text = code_break("MISSING", m.kind, years_between(m.start_on, m.end_on or self.today))
            if m.src is not None and text:
                self.on(m, "MISSING", *_rule_apart(text), header=header)

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
            self.on(review, "REVIEW_CODE", *_rule_apart(problem), header=header)
