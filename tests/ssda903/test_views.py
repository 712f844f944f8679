"""The QA manager's 903 return page: import by upload with the same report as the command, and the
year's return as a zip. Nobody else reaches either."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry
from children.models import Child
from children.selectors import audit_of_child
from core.collection_years import CollectionYear

from ..factories import login, make_child

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ssda903"
PAGE = reverse("ssda903:page")
DOWNLOAD = reverse("ssda903:download")


def uploads(directory: Path) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes(), "text/csv") for p in sorted(directory.glob("*.csv"))]


def test_only_qa_managers_reach_the_903_pages(client, iro, director):
    for user in (iro, director):
        login(client, user)
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE).status_code == 403
        assert client.get(DOWNLOAD, {"year": "2014"}).status_code == 403


def test_the_navigation_offers_the_903_return_to_qa_managers_only(client, iro, qa_manager):
    assert "903 return" not in login(client, iro).get(reverse("children:caseload")).content.decode()
    page = login(client, qa_manager).get(PAGE).content.decode()
    assert f'href="{PAGE}"' in page and 'aria-current="page"' in page


def test_uploading_a_return_imports_it_and_shows_what_changed(client, qa_manager):
    login(client, qa_manager)
    response = client.post(PAGE, {"files": uploads(FIXTURES / "history" / "2023-24")})

    assert response.status_code == 302 and response.url == PAGE
    assert Child.objects.count() == 5
    assert AuditEntry.objects.filter(action="child_imported", actor=qa_manager).count() == 5
    html = client.get(PAGE).content.decode()
    assert "The files were imported: the records of 5 children are up to date." in html
    assert '<th scope="row" class="govuk-table__header">Reviews held</th>' in html
    # Shown once: a refresh does not show it again.
    assert "The files were imported" not in client.get(PAGE).content.decode()

    # The same files again, as a zip: nothing to change.
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted((FIXTURES / "history" / "2023-24").glob("*.csv")):
            z.write(path, path.name)
    client.post(PAGE, {"files": [SimpleUploadedFile("return.zip", archive.getvalue(), "application/zip")]})
    assert (
        "Nothing to change: the service already holds the records of these 5 children"
        in client.get(PAGE).content.decode()
    )


def test_a_broken_upload_lists_every_problem_and_imports_nothing(client, qa_manager):
    login(client, qa_manager)
    response = client.post(PAGE, {"files": uploads(FIXTURES / "broken")})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: 903 return – IRO service</title>" in html
    assert "The files have 19 problems: nothing was imported." in html
    assert html.count('<tr class="govuk-table__row">') >= 19
    assert "<code>C9</code>" in html and "Not a valid LS code" in html
    assert "The records of 2 children could not be checked as a whole" in html
    assert Child.objects.count() == 0


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "Choose the 903 files to import"),
        ([SimpleUploadedFile("notes.txt", b"hello")], "notes.txt is not a CSV file or a zip file"),
        ([SimpleUploadedFile("return.zip", b"not a zip")], "return.zip cannot be opened as a zip file"),
    ],
)
def test_an_upload_that_is_not_903_files_is_refused(client, qa_manager, files, message):
    html = login(client, qa_manager).post(PAGE, {"files": files}).content.decode()
    assert "There is a problem" in html and message in html


def test_the_page_shows_the_years_return_and_downloads_it_as_a_zip(client, qa_manager, iro):
    make_child(iro=iro, la_child_id="Z1", looked_after_from=date(2013, 5, 1), upn="UN2")
    make_child(iro=iro, la_child_id="Z2", looked_after_from=date(2013, 6, 1))
    login(client, qa_manager)

    html = client.get(PAGE, {"year": "2014"}).content.decode()
    assert '<option value="2014" selected>2013-14</option>' in html
    assert "2 children" in html
    assert "UPN is left blank for 1 child (Z2)" in html
    assert f'href="{DOWNLOAD}?year=2014"' in html

    response = client.get(DOWNLOAD, {"year": "2014"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="ssda903-2013-14.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        assert sorted(z.namelist()) == ["episodes.csv", "header.csv", "missing.csv", "reviews.csv"]
        assert z.read("header.csv").decode().splitlines()[1:] == [
            "Z1,2,17/05/2006,WBRI,UN2,0,",
            "Z2,2,17/05/2006,WBRI,,0,",
        ]
    # One entry names every child in the return, and each child's audit shows it.
    entry = AuditEntry.objects.get(action="children_exported_903", actor=qa_manager)
    children = Child.objects.filter(la_child_id__in=["Z1", "Z2"])
    assert entry.detail == {"year": 2014} and entry.children_listed == sorted(c.pk for c in children)
    for child in children:
        assert entry in audit_of_child(child)


def test_the_page_offers_the_last_complete_year_by_default(client, qa_manager, iro, today):
    make_child(iro=iro, looked_after_from=date(2013, 5, 1))
    html = login(client, qa_manager).get(PAGE).content.decode()
    last = CollectionYear.last_complete(today).year
    assert f'<option value="{last}" selected>' in html


@pytest.mark.parametrize("year", ["", "x", "1990", "2999"])
def test_a_year_outside_the_services_records_is_not_found(client, qa_manager, year):
    assert login(client, qa_manager).get(DOWNLOAD, {"year": year}).status_code == 404
