"""python manage.py import_escalations FILE.csv: a good file is imported whole; a file with any
error is refused whole, with every problem listed by row and column."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEntry
from escalations.models import Escalation, EscalationStatusChange
from tests.factories import make_child

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "escalations"
LOG_2013_14 = FIXTURES / "escalation_log_2013_14.csv"
HEADER = "child,raised_on,theme,highest_stage,resolved_on,summary\n"


def children_of_the_2013_14_log() -> None:
    # S0001 to S0060 in the year, S0061 and S0062 either side of it.
    for n in range(1, 63):
        make_child(la_child_id=f"S{n:04d}", looked_after_from=None, date_of_birth=date(2004, 1, 1))


def run(path: Path) -> str:
    out = StringIO()
    call_command("import_escalations", str(path), stdout=out)
    return out.getvalue()


def refused(path: Path) -> list[str]:
    with pytest.raises(CommandError) as error:
        run(path)
    first, *problems = str(error.value).splitlines()
    assert "nothing was imported" in first
    assert not Escalation.objects.exists()
    return [p.strip() for p in problems]


def write(tmp_path, text: str, name: str = "log.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_good_log_is_imported_whole():
    children_of_the_2013_14_log()
    output = run(LOG_2013_14)
    assert output.strip() == (
        "Imported 68 escalations about 62 children from escalation_log_2013_14.csv (8 still open)."
    )
    assert Escalation.objects.count() == 68
    assert set(Escalation.objects.values_list("source", flat=True)) == {"imported"}
    first = Escalation.objects.get(child__la_child_id="S0061")
    assert (first.raised_on, first.theme, first.stage, first.status, first.closed_on, first.summary) == (
        date(2013, 3, 31),
        "safety",
        "team_manager",
        "resolved",
        date(2013, 4, 15),
        "Missing overnight; return interview not offered",
    )
    assert first.raised_by is None and not first.stages.exists(), "the stages themselves are not made up"
    last = Escalation.objects.get(child__la_child_id="S0062")
    assert (last.status, last.closed_on, last.stage) == ("open", None, "informal")
    assert EscalationStatusChange.objects.count() == Escalation.objects.filter(status="resolved").count() == 60
    assert AuditEntry.objects.filter(action="escalation_imported", detail__file=LOG_2013_14.name).count() == 68


def test_a_log_with_errors_is_refused_whole_with_every_problem_listed(tmp_path):
    make_child(la_child_id="A1", looked_after_from=None, date_of_birth=date(2010, 6, 1))
    make_child(la_child_id="B2", looked_after_from=None)
    path = write(
        tmp_path,
        HEADER
        + "A1,01/04/2014,safety,informal,,Fine row\n"  # row 2: good, and still not imported
        + "ZZ9,2014-04-01,Safety,boss,,\n"  # row 3
        + "B2,31/02/2014,drift_delay,team_manager,05/02/2014,Plan drift\n"  # row 4
        + "A1,01/05/2009,education,informal,,Before birth\n"  # row 5
        + "B2,01/04/2014,health,director,31/03/2014,Resolved before raised\n"  # row 6
        + "A1,01/04/2014,safety,informal,,Fine row\n"  # row 7: the same as row 2
        + "B2,01/01/2999,contact,cafcass,,In the future\n"  # row 8
        + "B2,01/04/2014,other\n"  # row 9: too few values
        + ",01/04/2014,other,informal,,No child\n"  # row 10
        + ",,,,,\n",  # an empty row, as spreadsheets save them: skipped
    )
    assert refused(path) == [
        "Row 3, column child: no child with LA child id ZZ9 is in the service",
        "Row 3, column highest_stage: 'boss' is not a stage: use one of informal, team_manager, service_manager, "
        "head_of_service, director, cafcass",
        "Row 3, column raised_on: '2014-04-01' is not a date written as dd/mm/yyyy",
        "Row 3, column summary: enter a summary of the concern",
        "Row 4, column raised_on: 31/02/2014 is not a real date",
        "Row 5, column raised_on: 01/05/2009 is before the child's date of birth",
        "Row 6, column resolved_on: 31/03/2014 is before the date raised, 01/04/2014",
        "Row 7: the same escalation as row 2 (child, date raised, theme and summary)",
        "Row 8, column raised_on: 01/01/2999 is in the future",
        "Row 9: the row has 3 values, not 6",
        "Row 10, column child: enter the LA child id",
    ]


def test_the_header_must_have_the_six_columns(tmp_path):
    path = write(tmp_path, "child,raised,theme,highest_stage,resolved_on,summary,notes\nA1,01/04/2014\n")
    assert refused(path) == [
        "Row 1, column notes: not a column of the escalation log (expected child, raised_on, theme, highest_stage, "
        "resolved_on, summary)",
        "Row 1, column raised: not a column of the escalation log (expected child, raised_on, theme, highest_stage, "
        "resolved_on, summary)",
        "Row 1, column raised_on: the file has no raised_on column",
    ]


def test_importing_the_same_log_twice_is_refused_the_second_time(tmp_path):
    make_child(la_child_id="A1", looked_after_from=None)
    path = write(tmp_path, HEADER + "A1,01/04/2014,safety,informal,,Missing overnight\n")
    run(path)
    with pytest.raises(CommandError) as error:
        run(path)
    assert "Row 2: this escalation is already in the service" in str(error.value)
    assert Escalation.objects.count() == 1


def test_a_spreadsheets_utf8_with_bom_and_capitals_are_read(tmp_path):
    make_child(la_child_id="A1", looked_after_from=None)
    path = write(
        tmp_path,
        HEADER.upper() + 'A1,1/4/2014,Placement_Quality,Team_Manager,2/4/2014,"Carer said: ""no contact"" – twice"\n',
        encoding="utf-8-sig",
    )
    assert "Imported 1 escalation about 1 child" in run(path)
    escalation = Escalation.objects.get()
    assert (escalation.theme, escalation.stage, escalation.summary) == (
        "placement_quality",
        "team_manager",
        'Carer said: "no contact" – twice',
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "Row 1, column child: the file has no child column"),
        (HEADER.encode(), "Row 2: the file has no escalations in it"),
        ("child,raised_on\nA1,01/04/2014 caf\xe9\n".encode("latin-1"), "Row 1: the file is not UTF-8 text"),
    ],
    ids=["empty", "header only", "latin-1"],
)
def test_empty_and_unreadable_files_are_refused(tmp_path, content, problem):
    path = tmp_path / "log.csv"
    path.write_bytes(content)
    assert refused(path)[0].startswith(problem)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.csv"):
        run(tmp_path / "missing.csv")
