"""The SSDA903 return of a collection year: the rows the DfE's rules put in the year, in its layout,
accepted by the DfE's own validator; and import then export gives back the same rows."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from children.models import Child, MissingEpisode, ShortBreakArrangement
from children.services import episode_end, episode_start, missing_episode_record
from reviews.models import Review
from reviews.services import review_record
from ssda903.export import ssda903_history, ssda903_return
from ssda903.importer import ssda903_import
from ssda903.layout import COLUMNS, sex_to_903
from ssda903.reading import files_from_directory
from tests.children.kept import kept_unlike_rows
from tests.factories import FACTORY_URN, make_child

from . import dfe_validator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ssda903"
HISTORY = FIXTURES / "history"
YEARS = {2024: "2023-24", 2025: "2024-25", 2026: "2025-26"}
TODAY = date(2026, 11, 25)


def rows_of(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def import_history() -> None:
    files = {
        f"{label}/{name}": content
        for label in YEARS.values()
        for name, content in files_from_directory(HISTORY / label).items()
    }
    result = ssda903_import(actor=None, files=files, today=TODAY)
    assert result.ok, [str(p) for p in result.problems]


# --- Which rows belong to a year ------------------------------------------------------------------


@pytest.fixture
def child(iro):
    """Looked after from 03/03/2013: a move on 10/03/2014 (X1, with its reason), home on 15/04/2014."""
    child = make_child(
        iro=iro, la_child_id="A1", looked_after_from=date(2013, 3, 3), date_of_birth=date(2011, 5, 17), upn="UN2"
    )
    episode = episode_start(
        actor=None,
        child=child,
        start_on=date(2014, 3, 10),
        reason_place_change="CHILD",
        reason_new="P",
        legal_status="C2",
        category_of_need="N1",
        placement="U6",
        placement_provider="PR4",
        placement_postcode="CR0 3AD",
        urn="SC654321",
    )
    episode_end(actor=None, episode=episode, end_on=date(2014, 4, 15), reason_ceased="E4A")
    for held_on, code in ((date(2013, 3, 28), "PN0"), (date(2013, 6, 20), "PN0"), (date(2013, 12, 10), "PN0")):
        review_record(actor=iro, child=child, today=TODAY, held_on=held_on, chair=iro, participation=code)
    missing_episode_record(actor=iro, child=child, kind="M", start_on=date(2013, 3, 20), end_on=date(2013, 3, 21))
    missing_episode_record(actor=iro, child=child, kind="A", start_on=date(2014, 3, 30), end_on=date(2014, 4, 2))
    return child


@pytest.mark.django_db
def test_the_year_has_the_episodes_open_in_it_as_they_stood_on_31_march(child):
    ret = ssda903_return(year=2014)
    assert ret.tables["Episodes"] == [
        {
            "CHILD": "A1",
            "DECOM": "03/03/2013",
            "RNE": "S",
            "LS": "C2",
            "CIN": "N1",
            "PLACE": "U4",
            "PLACE_PROVIDER": "PR1",
            "DEC": "10/03/2014",
            "REC": "X1",
            "REASON_PLACE_CHANGE": "CHILD",
            "HOME_POST": "",
            "PL_POST": "",
            "URN": FACTORY_URN,
        },
        # Ended on 15/04/2014, after the year: open in the 2013-14 return.
        {
            "CHILD": "A1",
            "DECOM": "10/03/2014",
            "RNE": "P",
            "LS": "C2",
            "CIN": "N1",
            "PLACE": "U6",
            "PLACE_PROVIDER": "PR4",
            "DEC": "",
            "REC": "",
            "REASON_PLACE_CHANGE": "",
            "HOME_POST": "",
            "PL_POST": "CR0 3AD",
            "URN": "SC654321",
        },
    ]
    # 2014-15 has the second episode only, ended; 2012-13 the first, open.
    assert [(r["DECOM"], r["DEC"], r["REC"]) for r in ssda903_return(year=2015).tables["Episodes"]] == [
        ("10/03/2014", "15/04/2014", "E4A")
    ]
    assert [(r["DECOM"], r["DEC"], r["REASON_PLACE_CHANGE"]) for r in ssda903_return(year=2013).tables["Episodes"]] == [
        ("03/03/2013", "", "")
    ]
    assert ssda903_return(year=2016).tables == {"Header": [], "Episodes": [], "Reviews": [], "Missing": []}


@pytest.mark.django_db
def test_the_year_has_the_reviews_held_in_it_and_the_missing_episodes_open_in_it(child):
    ret = ssda903_return(year=2014)
    assert ret.tables["Reviews"] == [
        {"CHILD": "A1", "DOB": "17/05/2011", "REVIEW": "20/06/2013", "REVIEW_CODE": "PN0"},
        {"CHILD": "A1", "DOB": "17/05/2011", "REVIEW": "10/12/2013", "REVIEW_CODE": "PN0"},
    ]
    assert ret.tables["Missing"] == [
        {"CHILD": "A1", "DOB": "17/05/2011", "MISSING": "A", "MIS_START": "30/03/2014", "MIS_END": ""},
    ]
    assert ssda903_return(year=2015).tables["Missing"] == [
        {"CHILD": "A1", "DOB": "17/05/2011", "MISSING": "A", "MIS_START": "30/03/2014", "MIS_END": "02/04/2014"},
    ]
    assert [r["REVIEW"] for r in ssda903_return(year=2013).tables["Reviews"]] == ["28/03/2013"]


@pytest.mark.django_db
def test_sex_is_1_or_2_before_2024_25_and_m_f_or_u_after(child, iro):
    make_child(
        iro=iro,
        la_child_id="A2",
        sex="U",
        looked_after_from=date(2023, 5, 1),
        date_of_birth=date(2010, 1, 1),
        upn="UN2",
    )
    child.sex = "M"
    child.save()
    old = ssda903_return(year=2024)
    assert [(r["CHILD"], r["SEX"]) for r in old.tables["Header"]] == [("A2", "")]
    assert old.warnings == [
        "SEX is left blank for 1 child (A2): their sex is recorded as not known (U), which returns before "
        "2024-25 have no code for (DfE rule 101)."
    ]
    assert [r["SEX"] for r in ssda903_return(year=2014).tables["Header"]] == ["1"]
    assert [(r["CHILD"], r["SEX"]) for r in ssda903_return(year=2025).tables["Header"]] == [("A2", "U")]
    assert ssda903_return(year=2025).warnings == []


@pytest.mark.django_db
def test_children_looked_after_only_under_short_breaks_have_no_reviews_in_the_return(iro):
    short = make_child(
        iro=iro,
        la_child_id="V1",
        legal_status="V3",
        looked_after_from=date(2013, 5, 1),
        upn="UN2",
        date_of_birth=date(2006, 1, 1),
    )
    review_record(actor=iro, child=short, today=TODAY, held_on=date(2013, 5, 20), chair=iro, participation="PN1")
    ret = ssda903_return(year=2014)
    assert [r["CHILD"] for r in ret.tables["Header"]] == ["V1"]
    assert ret.tables["Reviews"] == []
    # The review is held all the same, on the short-break arrangement's clock: the service keeps it, and
    # no return holds it, the whole history's included (DfE rule 399).
    assert list(short.reviews.filter(held_on__isnull=False).values_list("short_breaks", flat=True)) == [True]
    assert ssda903_history().tables["Reviews"] == []


@pytest.mark.django_db
def test_a_child_without_a_upn_is_listed_for_someone_to_put_right(iro):
    make_child(iro=iro, la_child_id="N1", looked_after_from=date(2013, 5, 1))
    assert ssda903_return(year=2014).warnings == [
        "UPN is left blank for 1 child (N1): record each child's UPN, or UN1 to UN5 if it is not known (DfE rule 442)."
    ]


@pytest.mark.django_db
def test_the_command_writes_the_four_files(child, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_ssda903", year=2014, out=str(tmp_path / "2014"), stdout=out, stderr=err)
    assert out.getvalue().splitlines() == [
        f"The 2013-14 return is in {tmp_path / '2014'}:",
        "  header.csv: 1 row",
        "  episodes.csv: 2 rows",
        "  reviews.csv: 2 rows",
        "  missing.csv: 1 row",
    ]
    assert err.getvalue() == ""
    for name, columns in zip(("header", "episodes", "reviews", "missing"), COLUMNS.values(), strict=True):
        text = (tmp_path / "2014" / f"{name}.csv").read_text()
        assert text.splitlines()[0] == ",".join(columns)
    assert (tmp_path / "2014" / "reviews.csv").read_bytes().endswith(b"10/12/2013,PN0\r\n")


# --- Round trips ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("year", YEARS)
def test_importing_a_history_then_exporting_each_year_gives_back_the_same_rows(year, tmp_path):
    import_history()
    ssda903_return(year=year).write(tmp_path)
    for name in ("header.csv", "episodes.csv", "reviews.csv", "missing.csv"):
        assert rows_of(tmp_path / name) == rows_of(HISTORY / YEARS[year] / name), name
        assert (tmp_path / name).read_bytes() == (HISTORY / YEARS[year] / name).read_bytes()


@pytest.mark.django_db
def test_the_whole_history_imports_back_into_an_empty_service_unchanged(child, tmp_path):
    ssda903_history().write(tmp_path)
    before = {year: ssda903_return(year=year).tables for year in (2013, 2014, 2015)}
    schedule = list(Review.objects.values_list("period_start", "sequence", "due_on", "held_on", "participation"))
    Child.objects.all().delete()

    result = ssda903_import(actor=None, files=files_from_directory(tmp_path), today=TODAY)

    assert result.ok, [str(p) for p in result.problems]
    assert {year: ssda903_return(year=year).tables for year in (2013, 2014, 2015)} == before
    assert (
        list(Review.objects.values_list("period_start", "sequence", "due_on", "held_on", "participation")) == schedule
    )
    assert MissingEpisode.objects.count() == 2


# --- The DfE's validator --------------------------------------------------------------------------


def _check(validation: dfe_validator.Validation, allowed: set[str]) -> None:
    assert validation.unexpected(allowed) == {}
    assert set(validation.failed_to_run) <= set(dfe_validator.CRASH_ON_CSV)


def _allowed_for_fixtures(year: int) -> set[str]:
    # 202: 2024-25 compared with 2023-24's SEX 1/2 as text (a validator artefact, CROSS_YEAR_ARTEFACTS).
    # 232: the fixtures hold one child of SEX U on purpose, to check that U imports and exports; the
    # DfE asks the local authority to confirm each U (a query, QUERIES). The demo has no U.
    return ({"202"} if year == 2025 else set()) | ({"232"} if year >= 2025 else set())


@pytest.mark.slow
@pytest.mark.django_db
def test_the_export_of_the_fixtures_passes_the_dfe_validator(tmp_path):
    """Each year of the hand-built history, imported and exported again, with the year before it:
    full postcodes, URNs and MOTHER as held, so every rule runs, the postcode lookups included."""
    import_history()
    for year in YEARS:
        ssda903_return(year=year).write(tmp_path / str(year))
    for year in YEARS:
        previous = tmp_path / str(year - 1) if year - 1 in YEARS else None
        _check(dfe_validator.validate(year, tmp_path / str(year), previous), _allowed_for_fixtures(year))


@pytest.mark.slow
@pytest.mark.django_db
def test_the_fixtures_themselves_pass_the_dfe_validator():
    """The hand-built returns are what a local authority's system would send (a check on the test data)."""
    for year, label in YEARS.items():
        previous = HISTORY / YEARS[year - 1] if year - 1 in YEARS else None
        _check(dfe_validator.validate(year, HISTORY / label, previous), _allowed_for_fixtures(year))


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_authority_round_trips_and_its_export_passes_the_dfe_validator(tmp_path):
    """The demo authority (seed_demo) on 25/11/2026: its last complete year is 2025-26. Its export, as
    the service holds it (full postcodes, Ofsted URNs, MOTHER and MC_DOB), has no error at all in the
    four tables: no rule is excused but those that cannot run on CSV (CRASH_ON_CSV, failed to run) and
    218 on short-break rows, where the package's 218 contradicts its 214 (CONTRADICTED)."""
    call_command("seed_demo", children=150, seed=7, today="2026-11-25", not_production=True, stdout=io.StringIO())
    for year in (2025, 2026):
        ssda903_return(year=year).write(tmp_path / str(year))

    validation = dfe_validator.validate(2026, tmp_path / "2026", tmp_path / "2025")
    header = rows_of(tmp_path / "2026" / "header.csv")
    episodes = rows_of(tmp_path / "2026" / "episodes.csv")
    # 218 contradicts 214 on short breaks (dfe_validator.CONTRADICTED): allowed there, and nowhere else.
    short_breaks = {i for i, r in enumerate(episodes) if r["LS"] in ("V3", "V4")}
    assert validation.rows["Episodes"].get("218", set()) <= short_breaks
    assert validation.unexpected({"218"}) == {}
    assert set(validation.failed_to_run) <= set(dfe_validator.CRASH_ON_CSV)
    assert ssda903_return(year=2026).warnings == []
    # The rules that matter here had something to check: girls' MOTHER, mothers' MC_DOB, URNs, and
    # placements in and out of the authority and more than 20 miles away.
    short_breaks_only = {r["CHILD"] for r in episodes} - {r["CHILD"] for r in episodes if r["LS"] not in ("V3", "V4")}
    assert {r["MOTHER"] for r in header if r["SEX"] == "F" and r["CHILD"] not in short_breaks_only} == {"0", "1"}
    assert {r["MOTHER"] for r in header if r["CHILD"] in short_breaks_only} <= {""}  # DfE rule 399
    assert all(r["MC_DOB"] for r in header if r["MOTHER"] == "1")
    assert {r["SEX"] for r in header} == {"M", "F"}
    assert all(r["URN"] for r in episodes if r["LS"] not in ("V3", "V4") and r["PLACE"] not in ("P1", "R1", "R5"))
    districts = {r["PL_POST"].split(" ")[0] for r in episodes if r["PL_POST"]}
    assert districts & {"SE1", "SE5", "SE15"} and districts & {"ME7", "CT9", "GU1", "B23", "LS9", "M14", "NE6"}

    # Round trip: the whole history into an empty service gives the same returns and due dates (but
    # for the reviews of short-break arrangements, which no return holds: DfE rule 399), and the same
    # short-break arrangements.
    ssda903_history().write(tmp_path / "history")
    schedule = sorted(
        Review.objects.filter(short_breaks=False).values_list(
            "child__la_child_id", "period_start", "sequence", "due_on", "held_on", "participation"
        )
    )
    arrangements = sorted(
        ShortBreakArrangement.objects.values_list("child__la_child_id", "start_on", "end_on", "ended_by", "breaks")
    )
    assert arrangements and Review.objects.filter(short_breaks=True, held_on__isnull=False).exists()
    mothers = sorted(Child.objects.values_list("la_child_id", "mother", "first_child_born_on"))
    Child.objects.all().delete()
    result = ssda903_import(actor=None, files=files_from_directory(tmp_path / "history"), today=TODAY)
    assert result.ok, [str(p) for p in result.problems[:10]]
    assert sorted(Child.objects.values_list("la_child_id", "mother", "first_child_born_on")) == mothers
    for year in (2025, 2026):
        ssda903_return(year=year).write(tmp_path / f"{year}-again")
        for name in ("header.csv", "episodes.csv", "reviews.csv", "missing.csv"):
            assert (tmp_path / f"{year}-again" / name).read_bytes() == (tmp_path / str(year) / name).read_bytes()
    assert (
        sorted(
            Review.objects.filter(short_breaks=False).values_list(
                "child__la_child_id", "period_start", "sequence", "due_on", "held_on", "participation"
            )
        )
        == schedule
    )
    assert (
        sorted(
            ShortBreakArrangement.objects.values_list("child__la_child_id", "start_on", "end_on", "ended_by", "breaks")
        )
        == arrangements
    )
    # Each child's kept columns, put off while the import wrote, worked out at the end of each batch.
    assert kept_unlike_rows(Child.objects.all()) == []
    some = Child.objects.filter
    assert some(next_review_due_on__isnull=False).exists() and some(midway_from__isnull=False).exists()


@pytest.mark.slow
def test_the_demos_postcodes_are_real_and_where_the_seed_says():
    """Every postcode built into seed_demo is in the national postcode list the validator uses; the
    home districts' in Southwark, the other London districts' in other London boroughs, the rest in
    England outside London."""
    from lac_validator.datastore import postcodes

    from demo import data as seed_demo

    postcodes.load_postcodes(sorted({d[0] for d in seed_demo.POSTCODES}))
    la_of = dict(zip(postcodes.dataframe["pcd_abbr"], postcodes.dataframe["laua"], strict=True))
    for district, listed in seed_demo.POSTCODES.items():
        for postcode in listed:
            la = la_of.get(postcode.replace(" ", ""))
            assert la, postcode
            if district in seed_demo.HOME_DISTRICTS:
                assert la == dfe_validator.LOCAL_AUTHORITY, postcode
            elif district in seed_demo.LONDON_DISTRICTS:
                assert la.startswith("E09") and la != dfe_validator.LOCAL_AUTHORITY, postcode
            else:
                assert la.startswith("E0") and not la.startswith("E09"), postcode


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026, 2027])
def test_sex_is_written_as_each_years_rules_want_it(year):
    import pandas as pd
    from lac_validator.rules.ruleset_utils import get_year_ruleset

    header = pd.DataFrame({"SEX": [sex_to_903(sex, year) for sex in ("M", "F")]})
    assert get_year_ruleset(str(year))["101"].func({"Header": header}) == {"Header": []}


def test_every_rule_left_out_is_one_of_the_years_rules_with_a_reason():
    from lac_validator.rules.ruleset_utils import get_year_ruleset

    rules = get_year_ruleset("2026")
    for listed in (
        dfe_validator.CROSS_YEAR_ARTEFACTS,
        dfe_validator.QUERIES,
        dfe_validator.CONTRADICTED,
        dfe_validator.CRASH_ON_CSV,
    ):
        for code, reason in listed.items():
            assert code in rules and reason
