"""The 903 return page (QA managers) and the missing-episode form (IROs), in the browser, with axe."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from children.models import Child
from ssda903.models import ImportJob
from ssda903.tasks import run_import_job
from tests.factories import make_child

from .conftest import assert_accessible, assert_error_summary_links_work, sign_in, url

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ssda903"


def choose(page, directory: Path) -> None:
    page.get_by_label("Upload the 903 files").set_input_files(sorted(str(p) for p in directory.glob("*.csv")))


def test_a_qa_manager_imports_a_return_and_sees_the_years_return(page, live_server, qa_manager, iro):
    make_child(iro=iro, looked_after_from=timezone.localdate() - timedelta(days=400))
    sign_in(page, live_server, qa_manager)
    page.get_by_role("link", name="903 return").click()
    expect(page).to_have_url(url(live_server, "ssda903:page"))
    expect(page.get_by_role("heading", level=1)).to_have_text("903 return")
    expect(page.get_by_role("link", name="903 return")).to_have_attribute("aria-current", "page")
    expect(page.locator("[data-return-counts]")).to_contain_text("1 child")
    assert_accessible(page)

    # Sent with no file: the error summary, focused, links to the file input.
    page.get_by_role("button", name="Check and import").click()
    expect(page).to_have_title("Error: 903 return – IRO service")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary a")).to_have_text(["Choose the 903 files to import"])
    assert_accessible(page)
    assert_error_summary_links_work(page)

    # Broken files: every problem in a table, nothing imported.
    choose(page, FIXTURES / "broken")
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".govuk-error-summary a")).to_have_text(
        ["The files have 19 problems: nothing was imported. Correct them and upload the files again"]
    )
    expect(page.locator("[data-problems] tbody tr")).to_have_count(19)
    assert_accessible(page)
    assert Child.objects.count() == 1

    # A clean return: imported, with what changed.
    choose(page, FIXTURES / "history" / "2023-24")
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("[data-import-outcome]")).to_have_text(
        "The files were imported: the records of 5 children are up to date."
    )
    expect(page.locator("[data-import-summary] tbody tr").first).to_contain_text("Children 5 0")
    assert_accessible(page)
    assert Child.objects.count() == 6

    # Another year's return shown before downloading it.
    page.get_by_label("Collection year").select_option(label="2023-24")
    page.get_by_role("button", name="Show the return").click()
    expect(page.get_by_role("heading", name="The 2023-24 return")).to_be_visible()
    expect(page.get_by_role("button", name="Download the 2023-24 return (zip)")).to_be_visible()
    assert_accessible(page)


def test_an_iro_records_a_missing_episode_and_the_day_the_child_came_back(page, live_server, iro):
    today = timezone.localdate()
    child = make_child(iro=iro, looked_after_from=today - timedelta(days=60), first_name="Sami")
    went = today - timedelta(days=10)
    sign_in(page, live_server, iro)
    page.goto(url(live_server, "children:about", child.public_id))
    expect(page.get_by_text("No missing episodes recorded.")).to_be_visible()
    page.get_by_role("button", name="Record a missing episode").click()
    expect(page).to_have_url(url(live_server, "children:missing_record", child.public_id))
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a missing episode")
    assert_accessible(page)

    page.get_by_role("button", name="Record missing episode").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary a")).to_have_text(
        [
            "Select whether the child was missing or away without authorisation",
            "Enter the date the child went missing or away, with a day, month and year",
        ]
    )
    assert_accessible(page)
    assert_error_summary_links_work(page)

    page.get_by_label("Missing", exact=True).check()
    page.locator("#id_start_on_0").fill(str(went.day))
    page.locator("#id_start_on_1").fill(str(went.month))
    page.locator("#id_start_on_2").fill(str(went.year))
    page.get_by_role("button", name="Record missing episode").click()
    expect(page).to_have_url(url(live_server, "children:about", child.public_id))
    expect(page.get_by_text(f"Missing from {went:%d/%m/%Y} recorded.")).to_be_visible()
    expect(page.locator("[data-missing-episodes] tbody tr")).to_have_text(
        [f"{went:%d/%m/%Y} Not back yet Missing Change the missing episode from {went:%d/%m/%Y}"]
    )
    assert_accessible(page)

    # The child is back: the same form, filled in, records the day.
    page.get_by_role("link", name=f"Change the missing episode from {went:%d/%m/%Y}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change a missing episode")
    back = went + timedelta(days=2)
    page.locator("#id_end_on_0").fill(str(back.day))
    page.locator("#id_end_on_1").fill(str(back.month))
    page.locator("#id_end_on_2").fill(str(back.year))
    assert_accessible(page)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("[data-missing-episodes] tbody tr td").nth(1)).to_have_text(f"{back:%d/%m/%Y}")
    assert_accessible(page)


def test_a_large_upload_is_imported_by_a_worker_and_the_page_follows_it(
    page, live_server, qa_manager, settings, tmp_path
):
    settings.SSDA903_IMPORT_IN_PAGE_MAX_BYTES = 100
    settings.SSDA903_IMPORT_DIR = str(tmp_path)
    sign_in(page, live_server, qa_manager)
    page.goto(url(live_server, "ssda903:page"))
    choose(page, FIXTURES / "history" / "2023-24")
    page.get_by_role("button", name="Check and import").click()
    job = ImportJob.objects.get()
    expect(page.locator("[data-import-job]")).to_contain_text("Waiting to start")
    expect(page.get_by_role("link", name="reload this page")).to_be_visible()
    assert_accessible(page)

    run_import_job.apply(args=[job.pk])  # what a worker does
    page.get_by_role("link", name="reload this page").click()
    expect(page.locator("[data-import-job]")).to_contain_text("Imported")
    expect(page.locator("[data-import-job]")).to_contain_text("The records of 5 children are up to date")
    assert_accessible(page)
    assert Child.objects.count() == 5 and not any(tmp_path.iterdir())
