"""The 903 upload's limits (its size, its files unzipped, their rows, one value's length) answer
with a message naming the file and the limit, never a server error; a large upload is imported by a
worker with its stage shown on the page; no uploaded file is left behind."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from children.models import Child
from ssda903.models import ImportJob
from ssda903.tasks import run_import_job

from ..factories import login

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ssda903"
YEAR = FIXTURES / "history" / "2023-24"
PAGE = reverse("ssda903:page")


def uploads(directory: Path = YEAR) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes(), "text/csv") for p in sorted(directory.glob("*.csv"))]


def zipped(name: str = "return.zip", extra: dict[str, bytes] | None = None) -> SimpleUploadedFile:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(YEAR.glob("*.csv")):
            z.write(path, path.name)
        for member, content in (extra or {}).items():
            z.writestr(member, content)
    return SimpleUploadedFile(name, archive.getvalue(), "application/zip")


@pytest.fixture
def qa(client, qa_manager):
    return login(client, qa_manager)


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    """Uploads over 100 bytes go to temporary files, and jobs keep theirs, in folders the tests look into."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    settings.SSDA903_IMPORT_DIR = str(tmp_path / "jobs")
    (tmp_path / "uploads").mkdir()
    return tmp_path


def left_behind(tmp_path: Path) -> list[Path]:
    return [p for p in tmp_path.rglob("*") if p.is_file()]


def refused(response, message: str) -> str:
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html, html[:2000]
    assert message in html, html[html.find("govuk-error-summary") :][:1500]
    assert not Child.objects.exists() and not ImportJob.objects.exists()
    return html


def test_an_upload_over_the_size_limit_is_refused_naming_the_files_and_the_limit(qa, settings, tmp_path):
    settings.SSDA903_UPLOAD_MAX_BYTES = 1_000
    refused(
        qa.post(PAGE, {"files": uploads()}),
        "The files uploaded (episodes.csv, header.csv, missing.csv, reviews.csv) come to 1,409 bytes, more than the "
        "1,000 bytes "
        "an upload may be",
    )
    assert left_behind(tmp_path) == []


def test_a_zip_that_unzips_beyond_the_limit_is_refused_before_it_is_unzipped(qa, settings, tmp_path):
    settings.SSDA903_EXPANDED_MAX_BYTES = 1024 * 1024
    # 5 MB of one character compresses to a few KB: a small upload, a large import.
    bomb = zipped("bomb.zip", {"padding.csv": b"," * (5 * 1024 * 1024)})
    assert bomb.size < 64 * 1024
    refused(
        qa.post(PAGE, {"files": [bomb]}), "bomb.zip: its files unzip to 5 MB, more than the 1 MB an import may hold"
    )
    assert left_behind(tmp_path) == []


def test_files_unzipping_beyond_the_limit_together_are_refused(qa, settings):
    settings.SSDA903_EXPANDED_MAX_BYTES = 2_000
    refused(
        qa.post(PAGE, {"files": [zipped("one.zip"), zipped("two.zip")]}),
        "The files come to 2,818 bytes unzipped by two.zip, more than the 2,000 bytes an import may hold",
    )


def test_files_with_more_rows_than_the_limit_are_refused_naming_the_file(qa, settings):
    settings.SSDA903_MAX_ROWS = 10
    html = refused(qa.post(PAGE, {"files": uploads()}), "nothing was imported")
    assert "The files have more than 10 rows together, the most one import may hold" in html


@pytest.mark.parametrize("length", [1_001, 200 * 1024])
def test_a_value_longer_than_the_limit_is_a_problem_with_its_file_and_row(qa, length):
    header = (YEAR / "header.csv").read_text().splitlines()
    header[2] = header[2] + "x" * length
    files = [f for f in uploads() if f.name != "header.csv"]
    files.append(SimpleUploadedFile("header.csv", "\n".join(header).encode(), "text/csv"))
    html = refused(qa.post(PAGE, {"files": files}), "nothing was imported")
    assert "A value in this row is longer than 1,000 characters, the most a 903 value may have" in html
    assert '<td class="govuk-table__cell">header.csv</td>' in html


def test_a_nul_byte_or_broken_text_in_a_file_is_a_problem_not_an_error(qa):
    files = [f for f in uploads() if f.name != "header.csv"]
    files.append(SimpleUploadedFile("header.csv", b"CHILD,SEX\x00,DOB\r\n\xff\xfe\x00A,1\r\n", "text/csv"))
    response = qa.post(PAGE, {"files": files})
    assert response.status_code == 200 and "nothing was imported" in response.content.decode()


def test_a_large_upload_is_imported_by_a_worker_with_its_stage_on_the_page(qa, settings, tmp_path, qa_manager):
    settings.SSDA903_IMPORT_IN_PAGE_MAX_BYTES = 1024
    response = qa.post(PAGE, {"files": [zipped()]})
    assert response.status_code == 302 and response.url == PAGE + "#import-job"
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.WAITING and job.file_names == ["return.zip"]
    assert [p.name for p in left_behind(tmp_path)] == ["return.zip"]  # the job's own copy, nothing else
    html = qa.get(PAGE).content.decode()
    assert "Waiting to start" in html and "reload this page</a> to see how far it has got" in html
    assert not Child.objects.exists()

    assert run_import_job.apply(args=[job.pk]).get() == ImportJob.Status.DONE  # what a worker runs
    job.refresh_from_db()
    assert Child.objects.count() == 5 and job.finished_at is not None
    assert left_behind(tmp_path) == []
    html = qa.get(PAGE).content.decode()
    assert "reload this page" not in html
    assert "Imported" in html and "The records of 5 children are up to date" in html


def test_a_job_whose_files_have_problems_lists_them_and_removes_its_files(qa, settings, tmp_path):
    settings.SSDA903_IMPORT_IN_PAGE_MAX_BYTES = 1024
    qa.post(PAGE, {"files": uploads(FIXTURES / "broken")})
    job = ImportJob.objects.get()
    assert run_import_job.apply(args=[job.pk]).get() == ImportJob.Status.REFUSED
    assert left_behind(tmp_path) == [] and not Child.objects.exists()
    html = qa.get(PAGE).content.decode()
    assert "Refused: nothing was imported" in html and "The files have 19 problems" in html
    assert "<code>C9</code>" in html and "Not a valid LS code" in html


def test_a_job_that_fails_still_removes_its_files(qa, settings, tmp_path):
    settings.SSDA903_IMPORT_IN_PAGE_MAX_BYTES = 1024
    qa.post(PAGE, {"files": [zipped()]})
    job = ImportJob.objects.get()
    [kept] = left_behind(tmp_path)
    kept.write_bytes(b"no longer a zip")  # the disk gives back something else
    assert run_import_job.apply(args=[job.pk]).get() == ImportJob.Status.FAILED
    assert left_behind(tmp_path) == [] and not Child.objects.exists()
    assert "An error stopped the import: nothing was imported" in qa.get(PAGE).content.decode()


def test_an_upload_imported_in_the_page_leaves_no_temporary_file(qa, tmp_path):
    assert qa.post(PAGE, {"files": [zipped()]}).status_code == 302
    assert Child.objects.count() == 5 and left_behind(tmp_path) == []
