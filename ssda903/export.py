"""The SSDA903 return for one collection year: the header, episodes, reviews and missing files, as the
DfE lays them out (ssda903/layout.py) and with the rows its rules say belong to the year.

- Episodes: every episode open at any point in the year (begun by 31 March, not ended before
  1 April). One that ended after 31 March is shown open: DEC, REC and REASON_PLACE_CHANGE blank
  (DfE rules 354/385, 233), as it stood at the end of the year.
- Header: every child with an episode in the year (rule EPI). SEX as 1/2 in returns before 2024-25
  (rule 101), M/F/U from then. MOTHER and MC_DOB as they stood at the end of the year: a girl whose
  first child was born after 31 March shows MOTHER 0 and no MC_DOB (rules 625, 626); blank for
  children looked after only under short breaks in the year (rule 399).
- Reviews: the reviews held in the year, except for children looked after only under short breaks
  (LS V3/V4) in the year (rule 399).
- Missing: the missing and away-without-authorisation episodes open at any point in the year; one
  that ended after 31 March is shown open (rule 571).

- Codes: the service accepts each record only with codes valid in every year whose return holds it
  (children/codes.py), so a year's return holds that year's codes; it leaves out the placement
  provider and Ofsted URN where that year's rules say the placement has none (DfE rules 178, 222),
  which the service holds where another year of the episode wants them.

A year's return leaves out nothing the DfE asks for of these tables that the service holds, and
writes nothing for the tables it does not hold (UASC, OC2, OC3, AD1, ...).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from children.codes import placement_list
from children.models import Child, Episode, MissingEpisode, urn_break
from children.rules import short_breaks_only_in_year
from core.collection_years import CollectionYear, years_between
from core.periods import SHORT_BREAK_LEGAL_STATUSES
from reviews.models import Review

from .layout import COLUMNS, FILE_NAMES, format_date, sex_to_903


@dataclass
class Ssda903Return:
    year: int | None  # None: the whole history
    # Rows of each table (the DfE's table names), each a dict by column.
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # What the DfE will query that the service cannot put right by itself: a person has to.
    warnings: list[str] = field(default_factory=list)
    # The children in it (by id), in the order of its rows.
    child_ids: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return CollectionYear(self.year).label if self.year else "history"

    def csv_text(self, table: str) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS[table])
        # Each row's values in the columns' order by itemgetter: half the time of csv.DictWriter,
        # which checks each row's keys. _build gives every row every column of its table and no
        # other (a missing one raises KeyError), and every table has several (itemgetter of one
        # column would give a bare string, not a row).
        writer.writerows(map(itemgetter(*COLUMNS[table]), self.tables[table]))
        return out.getvalue()

    def write(self, directory: str | Path) -> list[Path]:
        """Write the four files into `directory` (created if need be); returns their paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for table in COLUMNS:
            path = directory / FILE_NAMES[table]
            path.write_text(self.csv_text(table), encoding="utf-8", newline="")
            paths.append(path)
        return paths

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        # The fastest compression: a large authority's return is a few hundred kilobytes either way,
        # and level 1 makes it in a fifth of the default's time for a third more bytes.
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for table in COLUMNS:
                archive.writestr(FILE_NAMES[table], self.csv_text(table))
        return buffer.getvalue()

    @property
    def file_name(self) -> str:
        return f"ssda903-{self.label}.zip"


_EPISODE_FIELDS = (
    "child_id",
    "start_on",
    "end_on",
    "reason_new",
    "legal_status",
    "category_of_need",
    "placement",
    "placement_provider",
    "reason_ceased",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "urn",
)


def _open_in(start_field: str, end_field: str, year: int) -> Q:
    return Q(**{f"{start_field}__lte": CollectionYear(year).end}) & (
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": CollectionYear(year).start})
    )


def ssda903_return(*, year: int) -> Ssda903Return:
    """The year's return (year = the year the collection ends: 2014 is 1 April 2013 to 31 March 2014)."""
    return _build(year)


def ssda903_history() -> Ssda903Return:
    """Every child's whole record in the same layout: every episode, review held and missing episode,
    with every end date known and SEX as M/F/U. Not a return: a copy that import_ssda903 reads back
    (moving the service, or checking an import), and the shape of a full history to onboard from."""
    return _build(None)


def _build(year: int | None) -> Ssda903Return:
    result = Ssda903Return(year)
    end = CollectionYear(year).end if year else None

    def shown_end(day):
        # A return shows what it knew at the end of its year: a later end is not known yet.
        return day if day is not None and (end is None or day <= end) else None

    episodes = Episode.objects.order_by("child_id", "start_on")
    if year:
        episodes = episodes.filter(_open_in("start_on", "end_on", year))
    episodes_by_child: dict[int, list] = {}
    # Rows as named tuples of the fields written, not model instances: a return has thousands.
    for episode in episodes.values_list(*_EPISODE_FIELDS, named=True):
        episodes_by_child.setdefault(episode.child_id, []).append(episode)
    # The children, their reviews and missing episodes are chosen in the database by the same episodes
    # (a subquery), not by a list of thousands of ids sent back to it.
    in_return = episodes.order_by().values("child_id")
    children = {
        c.pk: c
        for c in Child.objects.filter(pk__in=in_return)
        .order_by()
        .values_list(
            "pk", "la_child_id", "sex", "date_of_birth", "ethnicity", "upn", "mother", "first_child_born_on", named=True
        )
    }
    order = sorted(children, key=lambda pk: children[pk].la_child_id)
    result.child_ids = order
    # Children looked after only under short breaks in the year have no reviews in the return (rule 399).
    short_breaks_only = {pk for pk in order if year and short_breaks_only_in_year(episodes_by_child[pk], year)}

    header, unknown_sex, no_upn, no_mother, no_urn = [], [], [], [], set()
    for pk in order:
        child = children[pk]
        sex = sex_to_903(child.sex, year) if year else child.sex
        if not sex:
            unknown_sex.append(child.la_child_id)
        if not child.upn and pk not in short_breaks_only:
            no_upn.append(child.la_child_id)
        if child.sex == "F" and not child.mother and pk not in short_breaks_only:
            no_mother.append(child.la_child_id)
        mother, first_child = child.mother, child.first_child_born_on
        if pk in short_breaks_only:
            mother, first_child = "", None  # no MOTHER for children on short breaks only (rule 399)
        elif mother == "1" and end is not None and first_child > end:
            mother, first_child = "0", None
        header.append(
            {
                "CHILD": child.la_child_id,
                "SEX": sex,
                "DOB": format_date(child.date_of_birth),
                "ETHNIC": child.ethnicity,
                "UPN": child.upn,
                "MOTHER": mother,
                "MC_DOB": format_date(first_child),
            }
        )
    result.tables["Header"] = header

    rows = []
    for pk in order:
        for e in episodes_by_child[pk]:
            ended = shown_end(e.end_on) is not None
            years = [year] if year else years_between(e.start_on, e.end_on or timezone.localdate())
            if e.legal_status not in SHORT_BREAK_LEGAL_STATUSES and urn_break(
                placement=e.placement, urn=e.urn, end_on=e.end_on, placement_postcode=e.placement_postcode, years=years
            ):
                no_urn.add(children[pk].la_child_id)
            # The service holds a provider and a URN where any year of the episode needs one; a
            # year's return leaves them out where its rules say the placement has none.
            provider, urn = e.placement_provider, e.urn
            if year and e.placement in placement_list("PLACEMENTS_WITHOUT_PROVIDER", year):
                provider = ""
            if year and urn != "XXXXXXX" and e.placement in placement_list("PLACEMENTS_WITHOUT_URN", year):
                urn = ""
            rows.append(
                {
                    "CHILD": children[pk].la_child_id,
                    "DECOM": format_date(e.start_on),
                    "RNE": e.reason_new,
                    "LS": e.legal_status,
                    "CIN": e.category_of_need,
                    "PLACE": e.placement,
                    "PLACE_PROVIDER": provider,
                    "DEC": format_date(e.end_on) if ended else "",
                    "REC": e.reason_ceased if ended else "",
                    "REASON_PLACE_CHANGE": e.reason_place_change if ended else "",
                    "HOME_POST": e.home_postcode,
                    "PL_POST": e.placement_postcode,
                    "URN": urn,
                }
            )
    result.tables["Episodes"] = rows

    # Reviews of short-break arrangements are not in the return (DfE rule 399).
    reviews = Review.objects.filter(child__in=in_return, held_on__isnull=False, short_breaks=False)
    if year:
        reviews = reviews.filter(held_on__gte=CollectionYear(year).start, held_on__lte=end)
    result.tables["Reviews"] = [
        {
            "CHILD": children[child_id].la_child_id,
            "DOB": format_date(children[child_id].date_of_birth),
            "REVIEW": format_date(held_on),
            "REVIEW_CODE": participation,
        }
        for child_id, held_on, participation in sorted(
            reviews.values_list("child_id", "held_on", "participation"),
            key=lambda r: (children[r[0]].la_child_id, r[1]),
        )
        if child_id not in short_breaks_only
    ]

    missing = MissingEpisode.objects.filter(child__in=in_return)
    if year:
        missing = missing.filter(_open_in("start_on", "end_on", year))
    result.tables["Missing"] = [
        {
            "CHILD": children[m.child_id].la_child_id,
            "DOB": format_date(children[m.child_id].date_of_birth),
            "MISSING": m.kind,
            "MIS_START": format_date(m.start_on),
            "MIS_END": format_date(shown_end(m.end_on)),
        }
        for m in sorted(
            missing.values_list("child_id", "kind", "start_on", "end_on", named=True),
            key=lambda m: (children[m.child_id].la_child_id, m.start_on),
        )
    ]

    if unknown_sex:
        result.warnings.append(
            f"SEX is left blank for {_children(unknown_sex)}: their sex is recorded as not known (U), which "
            f"returns before 2024-25 have no code for (DfE rule 101)."
        )
    if no_upn:
        result.warnings.append(
            f"UPN is left blank for {_children(no_upn)}: record each child's UPN, or UN1 to UN5 if it is not "
            "known (DfE rule 442)."
        )
    if no_mother:
        result.warnings.append(
            f"MOTHER is left blank for {_children(no_mother)}: record whether each girl is a mother (DfE rule 393)."
        )
    if no_urn:
        result.warnings.append(
            f"The Ofsted URN is missing or wrong for a placement of {_children(sorted(no_urn))}: record the "
            "provider's URN (DfE rule 218)."
        )
    return result


def _children(ids: list[str]) -> str:
    shown = ", ".join(ids[:10])
    more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
    return f"{len(ids)} child{'ren' if len(ids) != 1 else ''} ({shown}{more})"
