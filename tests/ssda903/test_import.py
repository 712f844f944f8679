"""Importing SSDA903 files: checked whole before anything is written, every problem listed, written in
bulk, and the same records (and due dates) as keying the history in through the services."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lac_validator.config import column_names

from accounts.models import AuditEntry
from children.models import Child, Episode, MissingEpisode
from children.services import episode_end, episode_start, missing_episode_record
from reviews.models import Review
from reviews.services import review_record
from ssda903.importer import ssda903_import
from ssda903.layout import COLUMNS, parse_date
from ssda903.problems import Problem
from ssda903.reading import files_from_directory
from tests.factories import make_child

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ssda903"
HISTORY = FIXTURES / "history"
YEARS = ("2023-24", "2024-25", "2025-26")
TODAY = date(2026, 11, 25)


def history_files(*years: str) -> dict[str, bytes]:
    """The fixture's yearly returns, as a local authority would give its history: one return a year."""
    return {
        f"{year}/{name}": content
        for year in years or YEARS
        for name, content in files_from_directory(HISTORY / year).items()
    }


def csv_bytes(*rows: str) -> bytes:
    return ("\r\n".join(rows) + "\r\n").encode()


HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE"
MISSING = "CHILD,DOB,MISSING,MIS_START,MIS_END"


def return_files(header=(), episodes=(), reviews=(), missing=None) -> dict[str, bytes]:
    files = {
        "header.csv": csv_bytes(HEADER, *header),
        "episodes.csv": csv_bytes(EPISODES, *episodes),
        "reviews.csv": csv_bytes(REVIEWS, *reviews),
    }
    if missing is not None:
        files["missing.csv"] = csv_bytes(MISSING, *missing)
    return files


def problems(result) -> list[tuple]:
    return [(p.file, p.row, p.column, p.value, p.rule) for p in result.problems]


def table_counts() -> dict[str, int]:
    return {
        "children": Child.objects.count(),
        "episodes": Episode.objects.count(),
        "reviews": Review.objects.count(),
        "missing": MissingEpisode.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_the_column_sets_are_the_dfe_validators():
    for table, columns in COLUMNS.items():
        assert list(columns) == column_names[table]


# --- A clean history ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_three_year_history_is_imported_whole():
    result = ssda903_import(actor=None, files=history_files(), today=TODAY)

    assert result.ok, [str(p) for p in result.problems]
    assert result.summary() == [
        ("Children", 6, 0),
        ("Episodes", 16, 0),
        ("Reviews held", 28, 0),
        ("Missing episodes", 4, 0),
    ]
    child = Child.objects.get(la_child_id="F1001")
    assert (child.sex, child.date_of_birth, child.ethnicity, child.upn) == (
        "F",
        date(2010, 6, 12),
        "WBRI",
        "H210212345678",
    )
    # The return holds no names: a placeholder until the child's details are completed.
    assert (child.first_name, child.last_name) == ("Child", "F1001")
    # The episode open at the end of 2023-24 and closed in 2024-25 is one episode, closed.
    episodes = list(child.episodes.values_list("start_on", "end_on", "reason_ceased", "reason_place_change"))
    assert episodes == [
        (date(2023, 5, 15), date(2023, 9, 20), "X1", ""),
        (date(2023, 9, 20), date(2025, 2, 10), "X1", "CHILD"),
        (date(2025, 2, 10), None, "", ""),
    ]
    # The missing episode open at 31/03/2025 and ended on 02/04/2025 likewise.
    assert list(child.missing_episodes.values_list("kind", "start_on", "end_on")) == [
        ("M", date(2023, 11, 2), date(2023, 11, 4)),
        ("A", date(2025, 3, 28), date(2025, 4, 2)),
    ]
    # SEX given as 1/2 before 2024-25 and as M/F/U after is one sex.
    assert dict(Child.objects.values_list("la_child_id", "sex")) == {
        "F1001": "F",
        "F1002": "M",
        "F1003": "M",
        "F1004": "U",
        "F1005": "M",
        "F1006": "F",
    }
    # Imported reviews keep their code; the return holds no chair, late reason or dates sent.
    review = Review.objects.get(child=child, held_on=date(2026, 1, 15))
    assert (review.participation, review.chair, review.late_reason, review.decisions_sent_on) == ("PN7", None, "", None)
    # One audit entry per child created, naming what was imported.
    entry = AuditEntry.objects.get(object_type="children.child", object_id=child.pk)
    assert entry.action == "child_imported"
    assert entry.detail == {
        "source": "ssda903",
        "children_created": 1,
        "episodes_created": 3,
        "reviews_created": 7,
        "missing_created": 2,
    }


@pytest.mark.django_db
def test_importing_the_same_files_again_changes_nothing():
    ssda903_import(actor=None, files=history_files(), today=TODAY)
    before = table_counts()
    stamps = sorted(Review.objects.values_list("pk", "updated_at"))

    with CaptureQueriesContext(connection) as queries:
        result = ssda903_import(actor=None, files=history_files(), today=TODAY)

    assert result.ok and not result.changed
    assert result.summary() == [(what, 0, 0) for what, *_ in result.summary()]
    assert table_counts() == before
    assert sorted(Review.objects.values_list("pk", "updated_at")) == stamps
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


@pytest.mark.django_db
def test_one_year_at_a_time_in_any_order_gives_the_same_records():
    for year in ("2024-25", "2023-24", "2025-26"):
        # 2024-25 alone starts children mid-period: refused until the earlier year comes with it.
        files = history_files(year) if year == "2023-24" else history_files("2023-24", year)
        assert ssda903_import(actor=None, files=files, today=TODAY).ok
    one_by_one = sorted(Episode.objects.values_list("child__la_child_id", "start_on", "end_on", "reason_ceased"))
    Child.objects.all().delete()
    ssda903_import(actor=None, files=history_files(), today=TODAY)
    assert (
        sorted(Episode.objects.values_list("child__la_child_id", "start_on", "end_on", "reason_ceased")) == one_by_one
    )


@pytest.mark.django_db
def test_a_year_whose_children_began_their_care_earlier_is_refused_without_that_history():
    result = ssda903_import(actor=None, files=history_files("2024-25"), today=TODAY)

    assert not result.ok
    # F1001 and F1002 and F1006 were looked after before 2024-25: their first episode here is not S.
    assert {(p.file, p.row, p.column, p.rule) for p in result.problems if p.rule == "357"} == {
        ("2024-25/episodes.csv", 2, "RNE", "357"),
        ("2024-25/episodes.csv", 4, "RNE", "357"),
        ("2024-25/episodes.csv", 7, "RNE", "357"),
        ("2024-25/episodes.csv", 8, "RNE", "357"),
    }
    assert table_counts()["children"] == 0


def _key_in_by_hand(la_child_id: str, iro) -> Child:
    """The fixture child keyed in through the services one change at a time, under another id."""
    rows = {
        name: [line.split(",") for line in content.decode().splitlines()[1:]]
        for name, content in history_files().items()
    }
    header = next(r for name, rs in rows.items() if name.endswith("header.csv") for r in rs if r[0] == la_child_id)
    child = make_child(
        la_child_id=f"H{la_child_id}",
        looked_after_from=None,
        date_of_birth=parse_date(header[2]),
        sex={"1": "M", "2": "F"}.get(header[1], header[1]),
        ethnicity=header[3],
        upn=header[4],
    )
    episodes = {}
    for name, rs in rows.items():
        if name.endswith("episodes.csv"):
            for r in rs:
                if r[0] == la_child_id and (r[1] not in episodes or r[7]):
                    episodes[r[1]] = r
    previous = None
    for r in sorted(episodes.values(), key=lambda r: parse_date(r[1])):
        episode = episode_start(
            actor=None,
            child=child,
            start_on=parse_date(r[1]),
            reason_place_change=previous[9] if previous and previous[8] == "X1" else "",
            reason_new=r[2],
            legal_status=r[3],
            category_of_need=r[4],
            placement=r[5],
            placement_provider=r[6],
            home_postcode=r[10],
            placement_postcode=r[11],
            urn=r[12],
        )
        if r[8] and r[8] != "X1":
            episode_end(actor=None, episode=episode, end_on=parse_date(r[7]), reason_ceased=r[8])
        previous = r
    reviews = sorted(
        (parse_date(r[2]), r[3])
        for name, rs in rows.items()
        if name.endswith("reviews.csv")
        for r in rs
        if r[0] == la_child_id
    )
    for held_on, code in reviews:
        # The service asks why a late review was late; the return does not say.
        review_record(
            actor=iro,
            child=child,
            today=TODAY,
            held_on=held_on,
            chair=iro,
            participation=code,
            late_reason="other",
            late_reason_detail="The family moved house",
        )
    missing = {}
    for name, rs in rows.items():
        if name.endswith("missing.csv"):
            for r in rs:
                if r[0] == la_child_id and (r[3] not in missing or r[4]):
                    missing[r[3]] = r
    for r in missing.values():
        missing_episode_record(
            actor=iro, child=child, kind=r[2], start_on=parse_date(r[3]), end_on=parse_date(r[4]), today=TODAY
        )
    return child


def _schedule(child: Child) -> list[tuple]:
    return list(
        child.reviews.order_by("period_start", "sequence").values_list(
            "period_start", "sequence", "due_on", "held_on", "participation", "policy", "due_explanation"
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("la_child_id", ["F1001", "F1002", "F1004", "F1005", "F1006"])
def test_the_due_dates_are_those_of_keying_the_history_in_by_hand(la_child_id, iro):
    ssda903_import(actor=None, files=history_files(), today=TODAY)
    by_hand = _key_in_by_hand(la_child_id, iro)
    imported = Child.objects.get(la_child_id=la_child_id)

    assert _schedule(imported) == _schedule(by_hand)
    fields = ("start_on", "end_on", "reason_new", "reason_ceased", "reason_place_change", "placement", "urn")
    assert list(imported.episodes.values_list(*fields)) == list(by_hand.episodes.values_list(*fields))
    assert list(imported.missing_episodes.values_list("kind", "start_on", "end_on")) == list(
        by_hand.missing_episodes.values_list("kind", "start_on", "end_on")
    )


# --- Updating what the service holds --------------------------------------------------------------


@pytest.mark.django_db
def test_an_import_updates_what_changed_and_audits_only_that(iro):
    ssda903_import(actor=None, files=history_files(), today=TODAY)
    files = history_files()
    # Two corrections in 2025-26: a participation code and a placement provider.
    files["2025-26/reviews.csv"] = files["2025-26/reviews.csv"].replace(b"15/01/2026,PN7", b"15/01/2026,PN6")
    files["2025-26/episodes.csv"] = files["2025-26/episodes.csv"].replace(
        b"F1004,01/12/2025,P,V2,N5,K3,PR5", b"F1004,01/12/2025,P,V2,N5,K3,PR4"
    )
    audit_before = AuditEntry.objects.count()

    result = ssda903_import(actor=iro, files=files, today=TODAY)

    assert result.ok
    assert result.summary() == [
        ("Children", 0, 0),
        ("Episodes", 0, 1),
        ("Reviews held", 0, 1),
        ("Missing episodes", 0, 0),
    ]
    assert Review.objects.get(child__la_child_id="F1001", held_on=date(2026, 1, 15)).participation == "PN6"
    assert Episode.objects.get(child__la_child_id="F1004", start_on=date(2025, 12, 1)).placement_provider == "PR4"
    new_entries = AuditEntry.objects.order_by("pk")[audit_before:]
    children = dict(Child.objects.values_list("pk", "la_child_id"))
    assert {children[e.object_id]: (e.actor, e.action, e.detail) for e in new_entries} == {
        "F1001": (iro, "child_imported", {"source": "ssda903", "reviews_updated": 1}),
        "F1004": (iro, "child_imported", {"source": "ssda903", "episodes_updated": 1}),
    }


@pytest.mark.django_db
def test_a_review_recorded_in_the_service_keeps_what_the_return_does_not_hold(iro):
    child = make_child(la_child_id="K1", iro=iro, looked_after_from=date(2024, 5, 1), date_of_birth=date(2012, 3, 3))
    child.upn = "UN2"
    child.save()
    review_record(
        actor=iro,
        child=child,
        today=TODAY,
        held_on=date(2024, 5, 20),
        chair=iro,
        participation="PN1",
        summary="Stay in placement.",
    )
    files = return_files(
        header=["K1,F,03/03/2012,WBRI,UN2,0,"],
        episodes=["K1,01/05/2024,S,C2,N1,U4,PR1,,,,,,SC100001"],
        reviews=["K1,03/03/2012,20/05/2024,PN5", "K1,03/03/2012,20/08/2024,PN1"],
    )

    result = ssda903_import(actor=iro, files=files, today=TODAY)

    assert result.ok, [str(p) for p in result.problems]
    first, second = child.reviews.filter(held_on__isnull=False).order_by("held_on")
    assert (first.participation, first.chair, first.summary) == ("PN5", iro, "Stay in placement.")
    assert (second.participation, second.chair, second.sequence) == ("PN1", None, 2)
    # The review due next is counted from the review imported (180 days after 20/08/2024).
    waiting = child.reviews.get(held_on__isnull=True)
    assert waiting.due_on == date(2025, 2, 16)


@pytest.mark.django_db
def test_a_return_showing_an_episode_open_never_reopens_one_the_service_knows_ended():
    ssda903_import(actor=None, files=history_files(), today=TODAY)
    # 2023-24 again, after the later years: F1001's second episode is open there.
    result = ssda903_import(actor=None, files=history_files("2023-24"), today=TODAY)
    assert result.ok and not result.changed
    episode = Episode.objects.get(child__la_child_id="F1001", start_on=date(2023, 9, 20))
    assert (episode.end_on, episode.reason_ceased) == (date(2025, 2, 10), "X1")


@pytest.mark.django_db
def test_a_file_that_contradicts_the_records_already_held_is_refused(iro):
    make_child(la_child_id="K2", iro=iro, looked_after_from=date(2024, 5, 1), date_of_birth=date(2012, 3, 3), upn="UN2")
    files = return_files(
        header=["K2,F,03/03/2012,WBRI,UN2,0,"],
        # A second period of care while the service holds the first as still open.
        episodes=["K2,01/09/2024,S,C2,N1,U4,PR1,,,,,,SC100001"],
    )
    result = ssda903_import(actor=None, files=files, today=TODAY)

    assert problems(result) == [("episodes.csv", 2, "DECOM", "01/09/2024", "142")]
    assert "the one from 01/05/2024 has not ended" in result.problems[0].message


# --- Refusing a broken file -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_broken_return_is_refused_whole_with_every_problem_listed(iro):
    make_child(iro=iro)
    before = table_counts()

    result = ssda903_import(actor=iro, files=files_from_directory(FIXTURES / "broken"), today=TODAY)

    assert problems(result) == [
        ("episodes.csv", 3, "LS", "C9", "144"),
        ("episodes.csv", 3, "PLACE_PROVIDER", "PR1", "178"),
        ("episodes.csv", 3, "REASON_PLACE_CHANGE", "CARPL", "233"),
        ("episodes.csv", 5, "PLACE_PROVIDER", "", "178"),
        ("episodes.csv", 6, "CHILD", "B9", "INT03"),
        ("episodes.csv", 7, "RNE", "P", "357"),
        ("episodes.csv", 7, "REASON_PLACE_CHANGE", "", "225"),
        ("header.csv", 3, "SEX", "X", "101"),
        ("header.csv", 3, "DOB", "31/02/2015", "102"),
        ("header.csv", 3, "ETHNIC", "XXXX", "103"),
        ("header.csv", 3, "UPN", "I21021234567", "168"),
        ("missing.csv", 2, "MISSING", "X", "1006"),
        ("missing.csv", 3, "MIS_END", "30/06/2023", "567"),
        ("missing.csv", 4, "MIS_START", "01/01/2022", "581"),
        ("reviews.csv", 4, "DOB", "01/01/2011", "INT17"),
        ("reviews.csv", 5, "REVIEW", "2024-01-01", "166"),
        ("reviews.csv", 5, "REVIEW_CODE", "PN9", "167"),
        ("reviews.csv", 6, "REVIEW_CODE", "PN0", "440"),
        ("reviews.csv", 7, "REVIEW", "01/01/2023", ""),
    ]
    assert str(result.problems[-2]) == (
        "reviews.csv, row 6, REVIEW_CODE 'PN0': PN0 is only for a child under 4 on the date of the review; "
        "this child was 11 (DfE rule 440)"
    )
    # B1 and B3 have rows that cannot be read: their records are checked as a whole once they can.
    assert result.notes == [
        "The records of 2 children could not be checked as a whole (the order of their episodes, their reviews "
        "and missing episodes within their care) because some of their rows cannot be read: correct those rows "
        "and upload the files again."
    ]
    assert table_counts() == before


def _one_child(*episodes: str, reviews=(), missing=None, header="C1,F,12/06/2010,WBRI,H210212345678,0,") -> dict:
    return return_files(header=[header], episodes=list(episodes), reviews=list(reviews), missing=missing)


EP = "C1,{start},{rne},{ls},N1,{place},{provider},{end},{rec},{rpc},SE15 3AA,{pl},{urn}"


def ep(start, rne="S", end="", rec="", rpc="", ls="C2", place="U6", provider="PR1", pl="SE22 0JP", urn="2123456"):
    return EP.format(**locals())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023", rec="X1"), ep("01/07/2023", "L", ls="C1")),
            [("episodes.csv", 3, "DECOM", "01/07/2023", "388")],
            id="388 X1 then a gap",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023", rec="X1")),
            [("episodes.csv", 2, "REC", "X1", "388")],
            id="388 X1 with no next episode",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023", rec="X1"), ep("01/06/2023", "S", ls="C1")),
            [("episodes.csv", 3, "RNE", "S", "431")],
            id="431 S after X1",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023", rec="E4A"), ep("01/06/2023", "S")),
            [("episodes.csv", 3, "DECOM", "01/06/2023", "431")],
            id="431 new period the day the last ended",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023", rec="E4A"), ep("05/06/2023", "P", place="U4")),
            [("episodes.csv", 3, "RNE", "P", "432")],
            id="432 continuing after leaving care",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/07/2023", rec="X1"), ep("01/06/2023", "L", ls="C1")),
            [("episodes.csv", 3, "DECOM", "01/06/2023", "501")],
            id="501 overlap",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023", rec="E2"), ep("01/09/2023", "S")),
            [("episodes.csv", 3, "DECOM", "01/09/2023", "437")],
            id="437 after death",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023", rec="X1"), ep("01/06/2023", "L", ls="C2")),
            [("episodes.csv", 3, "RNE", "L", "434")],
            id="434 L without a legal status change",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023", rec="X1", rpc="CARPL"), ep("01/06/2023", "P")),
            [("episodes.csv", 3, "RNE", "P", "435")],
            id="435 P without a placement change",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023", rec="X1", rpc="CARPL"), ep("01/06/2023", "B", place="U4")),
            [("episodes.csv", 3, "RNE", "B", "436")],
            id="436 B without a legal status change",
        ),
        pytest.param(
            _one_child(
                ep("01/05/2023", end="01/06/2023", rec="X1", rpc="CARPL"),
                ep("01/06/2023", "P", place="T1", provider="", urn=""),
            ),
            [("episodes.csv", 2, "REASON_PLACE_CHANGE", "CARPL", "226")],
            id="226 reason for a temporary placement",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023", rec="X1", rpc="CARPL"), ep("01/06/2023", "L", ls="C1")),
            [("episodes.csv", 2, "REASON_PLACE_CHANGE", "CARPL", "")],
            id="reason for a legal status change",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/05/2023", rec="E4A")),
            [("episodes.csv", 2, "DEC", "01/05/2023", "355")],
            id="355 less than a day",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/04/2023", rec="E4A")),
            [("episodes.csv", 2, "DEC", "01/04/2023", "356")],
            id="356 ends before it began",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", end="01/06/2023")),
            [("episodes.csv", 2, "REC", "", "148")],
            id="148 DEC without REC",
        ),
        pytest.param(
            _one_child(ep("01/05/2009")),
            [("episodes.csv", 2, "DECOM", "01/05/2009", "302")],
            id="302 before birth",
        ),
        pytest.param(
            _one_child(ep("12/06/2028")),
            [("episodes.csv", 2, "DECOM", "12/06/2028", "")],
            id="in the future",
        ),
        pytest.param(
            _one_child(ep("13/06/2028"), header="C1,F,12/06/2010,WBRI,H210212345678,0,"),
            [("episodes.csv", 2, "DECOM", "13/06/2028", "")],
            id="in the future, at 18",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", ls="V3", pl="SE22 0JP", urn="")),
            [("episodes.csv", 2, "PL_POST", "SE22 0JP", "214")],
            id="214 short break with a placement postcode",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", pl="SE22 1")),
            [("episodes.csv", 2, "PL_POST", "SE22 1", "392c")],
            id="392c postcode district and sector only",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", urn="")),
            [("episodes.csv", 2, "URN", "", "218")],
            id="218 no URN",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", place="R1", provider="PR4")),
            [("episodes.csv", 2, "URN", "2123456", "222")],
            id="222 URN for a placement without one",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", place="K2", provider="PR4", urn="XXXXXXX")),
            [("episodes.csv", 2, "URN", "XXXXXXX", "242")],
            id="242 XXXXXXX not for an adoption agency",
        ),
        pytest.param(
            _one_child(ep("01/05/2023", urn="SC12345")),
            [("episodes.csv", 2, "URN", "SC12345", "")],
            id="URN not SC and 6 digits or 7 digits",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), header="C1,F,12/06/2010,WBRI,H210212345678,,"),
            [("header.csv", 2, "MOTHER", "", "393")],
            id="393 no MOTHER for a girl",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), header="C1,F,12/06/2010,WBRI,H210212345678,1,"),
            [("header.csv", 2, "MC_DOB", "", "611")],
            id="611 a mother without MC_DOB",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), header="C1,F,12/06/2010,WBRI,H210212345678,0,01/02/2023"),
            [("header.csv", 2, "MC_DOB", "01/02/2023", "612")],
            id="612 MC_DOB without MOTHER 1",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), header="C1,F,12/06/2010,WBRI,H210212345678,1,01/02/2021"),
            [("header.csv", 2, "MC_DOB", "01/02/2021", "620")],
            id="620 a mother under 11",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), header="C1,M,12/06/2010,WBRI,H210212345678,1,01/02/2023"),
            [("header.csv", 2, "MOTHER", "1", "165")],
            id="165 a boy recorded as a mother",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), header="C1,F,12/06/2010,WBRI,H210212345678,1,31/02/2023"),
            [("header.csv", 2, "MC_DOB", "31/02/2023", "171")],
            id="171 MC_DOB not a date",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), header="C1,F,12/06/2010,WBRI,,0,"),
            [("header.csv", 2, "UPN", "", "442")],
            id="442 no UPN",
        ),
        pytest.param(
            _one_child(header="C1,F,12/06/2010,WBRI,UN2,0,"),
            [("header.csv", 2, "CHILD", "C1", "EPI")],
            id="EPI no episodes",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), reviews=["C1,12/06/2010,01/06/2023,PN0"]),
            [("reviews.csv", 2, "REVIEW_CODE", "PN0", "440")],
            id="440 PN0 at 12",
        ),
        pytest.param(
            _one_child(
                ep("01/05/2023"), reviews=["C2,01/01/2022,01/06/2023,PN1"], header="C1,F,12/06/2010,WBRI,UN2,0,"
            ),
            [("reviews.csv", 2, "CHILD", "C2", "INT08")],
            id="INT08 review of a child not in the header",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), missing=["C1,12/06/2010,,01/06/2023,"]),
            [("missing.csv", 2, "MISSING", "", "565")],
            id="565 missing or away not said",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), missing=["C1,12/06/2010,M,,02/06/2023"]),
            [("missing.csv", 2, "MIS_START", "", "564")],
            id="564 no start",
        ),
        pytest.param(
            _one_child(
                ep("01/05/2023"), missing=["C1,12/06/2010,M,01/06/2023,", "C1,12/06/2010,A,03/06/2023,04/06/2023"]
            ),
            [("missing.csv", 3, "MIS_START", "03/06/2023", "574")],
            id="574 overlapping",
        ),
        pytest.param(
            _one_child(
                ep("01/05/2023", end="01/06/2023", rec="X1"),
                ep("01/06/2023", "L", ls="C1"),
                missing=["C1,12/06/2010,M,20/05/2023,"],
            ),
            [("missing.csv", 2, "MIS_END", "", "575")],
            id="575 still missing after the placement ended",
        ),
        pytest.param(
            _one_child(
                ep("01/05/2023", end="01/06/2023", rec="E4A"), missing=["C1,12/06/2010,M,20/05/2023,05/06/2023"]
            ),
            [("missing.csv", 2, "MIS_END", "05/06/2023", "577")],
            id="577 missing after leaving care",
        ),
        pytest.param(
            _one_child(
                ep("01/05/2023", end="01/06/2023", rec="E4A"), missing=["C1,12/06/2010,M,20/06/2023,21/06/2023"]
            ),
            [("missing.csv", 2, "MIS_START", "20/06/2023", "578")],
            id="578 after care ended",
        ),
        pytest.param(
            _one_child(ep("01/05/2023"), missing=["C1,12/06/2011,M,20/06/2023,21/06/2023"]),
            [("missing.csv", 2, "DOB", "12/06/2011", "INT13")],
            id="INT13 date of birth differs",
        ),
    ],
)
def test_each_rule_is_refused_with_its_number(files, expected):
    result = ssda903_import(actor=None, files=files, today=date(2026, 11, 25))
    assert problems(result) == expected, [str(p) for p in result.problems]
    assert table_counts()["children"] == 0


@pytest.mark.django_db
def test_rows_that_repeat_a_record_with_other_values_are_refused():
    files = history_files()
    files["2025-26/header.csv"] = files["2025-26/header.csv"].replace(b"F1001,F,12/06/2010", b"F1001,F,13/06/2010")
    files["2024-25/header.csv"] = files["2024-25/header.csv"].replace(b"H210212345678", b"A210212345679")
    files["2024-25/reviews.csv"] += b"F1001,12/06/2010,20/08/2024,PN2\r\n"
    result = ssda903_import(actor=None, files=files, today=TODAY)

    assert problems(result) == [
        ("2024-25/header.csv", 2, "UPN", "A210212345679", "208"),
        ("2024-25/reviews.csv", 13, "REVIEW", "20/08/2024", ""),
        ("2025-26/header.csv", 2, "DOB", "13/06/2010", "203"),
    ]
    assert "2024-25/reviews.csv row 2 has the same child and REVIEW" in result.problems[1].message


@pytest.mark.django_db
def test_an_unknown_upn_gives_way_to_a_real_one():
    files = history_files()
    files["2023-24/header.csv"] = files["2023-24/header.csv"].replace(b"H210212345678", b"UN4")
    assert ssda903_import(actor=None, files=files, today=TODAY).ok
    assert Child.objects.get(la_child_id="F1001").upn == "H210212345678"


# --- Reading the files ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_files_are_recognised_by_their_columns_and_other_tables_are_left_out():
    files = {
        "SSDA903_2025_Header.csv": b"\xef\xbb\xbf" + csv_bytes(HEADER, "C1,F,12/06/2010,WBRI,UN2,0,"),  # Excel's BOM
        "eps.csv": csv_bytes(EPISODES.lower(), ep("01/05/2023")),
        "revs.CSV": csv_bytes(REVIEWS),
        "oc2.csv": csv_bytes(
            "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,"
            "SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED"
        ),
    }
    result = ssda903_import(actor=None, files=files, today=TODAY)
    assert result.ok, [str(p) for p in result.problems]
    assert result.notes == ["oc2.csv is the return's OC2 table, which this service does not hold: left out."]
    assert Episode.objects.get().child.la_child_id == "C1"


@pytest.mark.django_db
def test_files_that_cannot_be_read_are_reported_before_any_child_is_checked():
    files = {
        "header.csv": csv_bytes("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,NAME", "C1,F,12/06/2010,WBRI,UN2,,,Ann"),
        "episodes.csv": csv_bytes("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,HOME_POST,PL_POST,URN"),
        "notes.csv": csv_bytes("A,B", "1,2"),
        "empty.csv": b"",
    }
    result = ssda903_import(actor=None, files=files, today=TODAY)
    assert [(p.file, p.row, p.column) for p in result.problems] == [
        ("empty.csv", 0, ""),
        ("episodes.csv", 1, "REASON_PLACE_CHANGE"),
        ("header.csv", 1, "NAME"),
        ("notes.csv", 1, ""),
        ("reviews.csv", 0, ""),
    ]
    assert "No reviews file was given" in result.problems[-1].message


@pytest.mark.django_db
def test_a_row_with_the_wrong_number_of_values_is_reported():
    files = _one_child(ep("01/05/2023"))
    files["episodes.csv"] += b"C1,01/06/2023,L\r\n"
    result = ssda903_import(actor=None, files=files, today=TODAY)
    assert problems(result) == [("episodes.csv", 3, "", "", "")]
    assert result.problems[0].message == "The row has 3 values but the heading has 13 columns"


def test_a_problem_reads_as_a_sentence():
    problem = Problem("episodes.csv", 7, "LS", "C9", "Not a valid LS code", "144")
    assert str(problem) == "episodes.csv, row 7, LS 'C9': Not a valid LS code (DfE rule 144)"
    assert str(Problem("reviews.csv", 0, "", "", "No reviews file was given")) == (
        "reviews.csv: No reviews file was given"
    )


# --- The command ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_a_directory_and_then_has_nothing_to_change(tmp_path):
    out = io.StringIO()
    call_command("import_ssda903", str(HISTORY / "2023-24"), today="2026-11-25", stdout=out)
    assert "Imported the records of 5 children" in out.getvalue()
    assert "  Reviews held: 10 created, 0 updated" in out.getvalue()

    archive = tmp_path / "return.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted((HISTORY / "2023-24").glob("*.csv")):
            z.write(path, f"2023-24/{path.name}")
    out = io.StringIO()
    call_command("import_ssda903", str(archive), today="2026-11-25", stdout=out)
    assert out.getvalue().startswith("Nothing to change: the service already holds these 5 children's records")


@pytest.mark.django_db
def test_the_command_lists_every_problem_and_fails():
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 19 problems in the files"):
        call_command("import_ssda903", str(FIXTURES / "broken"), today="2026-11-25", stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == "episodes.csv, row 3, LS 'C9': Not a valid LS code in any year (DfE rule 144)"
    assert len([line for line in lines if ", row " in line]) == 19
    assert Child.objects.count() == 0


# --- A few thousand children --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db
def test_three_thousand_children_import_in_a_fixed_number_of_queries(tmp_path):
    """3,000 children with 2 or 3 episodes and several reviews each: written in bulk, so the number of
    queries does not grow with the number of children (the time is measured by
    tests/ssda903/benchmark_import.py, not asserted here)."""
    from tests.ssda903.generator import generate

    files = generate(3000, seed=7)
    with CaptureQueriesContext(connection) as queries:
        result = ssda903_import(actor=None, files=files, today=TODAY)

    assert result.ok, [str(p) for p in result.problems[:20]]
    created = {what: n for what, n, _ in result.summary()}
    assert created["Children"] == 3000
    assert created["Episodes"] >= 6000
    assert created["Reviews held"] >= 9000
    assert len(queries) < 80, len(queries)

    with CaptureQueriesContext(connection) as queries:
        again = ssda903_import(actor=None, files=files, today=TODAY)
    assert again.ok and not again.changed
    assert len(queries) < 30, len(queries)
