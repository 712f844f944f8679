"""Every page, as the child's IRO, another IRO, a QA manager, the Director and an anonymous visitor."""

import re
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from reviews.models import Review

from .factories import PASSWORD, make_child, make_iro

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def child(iro):
    today = timezone.localdate()
    return make_child(
        iro=iro, looked_after_from=today.replace(day=1), date_of_birth=today - relativedelta(years=9, months=6)
    )


def date_fields(name: str, day: date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


# --- Who may see what ------------------------------------------------------------------------------


def child_urls(child):
    review = child.reviews.get(held_on__isnull=True)
    return [
        reverse("children:detail", args=[child.public_id]),
        reverse("reviews:record", args=[child.public_id]),
        reverse("reviews:book_meeting", args=[review.public_id]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, child):
    for url in [reverse("home"), reverse("children:caseload"), *child_urls(child)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_the_childs_iro_and_qa_managers_see_the_child(client, child, iro, qa_manager):
    for user in (iro, qa_manager):
        login(client, user)
        for url in child_urls(child):
            assert client.get(url).status_code == 200, (user, url)


def test_another_iro_and_the_director_get_not_found(client, child, other_iro, director):
    for user in (other_iro, director):
        login(client, user)
        for url in child_urls(child):
            assert client.get(url).status_code == 404, (user, url)


def test_an_iro_who_chaired_a_review_still_sees_the_child(client, child, iro, other_iro):
    from reviews.services import review_record

    review_record(actor=other_iro, child=child, held_on=timezone.localdate(), chair=other_iro, participation="PN1")
    login(client, other_iro)
    assert client.get(reverse("children:detail", args=[child.public_id])).status_code == 200


def test_only_qa_managers_change_the_iro(client, child, iro, other_iro, qa_manager):
    url = reverse("children:allocate", args=[child.public_id])
    assert login(client, iro).get(url).status_code == 403
    assert login(client, other_iro).get(url).status_code == 404
    login(client, qa_manager)
    response = client.post(
        url, {"iro": other_iro.pk, "reason": "caseload", **date_fields("start_on", timezone.localdate())}
    )
    assert response.status_code == 302
    assert child.allocations.get(end_on__isnull=True).iro == other_iro
    assert AuditEntry.objects.filter(action="iro_allocated", actor=qa_manager).exists()


def test_viewing_a_child_is_audited(client, child, iro):
    login(client, iro).get(reverse("children:detail", args=[child.public_id]))
    assert AuditEntry.objects.filter(action="child_viewed", actor=iro, object_id=child.pk).exists()


# --- Pages -------------------------------------------------------------------------------------------


def test_home_sends_each_role_to_its_work(client, iro, qa_manager, director):
    assert login(client, iro).get(reverse("home")).url == reverse("children:caseload")
    assert login(client, qa_manager).get(reverse("home")).url == reverse("children:caseload")
    response = login(client, director).get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("reports:dashboard"), 302)]
    assert b"Service overview" in response.content


def test_the_caseload_lists_only_the_iros_children_with_their_status(client, iro, other_iro):
    today = timezone.localdate()
    overdue = make_child(iro=iro, looked_after_from=today - timedelta(days=365), first_name="Olu")
    on_track = make_child(iro=iro, looked_after_from=today, first_name="Tia")
    make_child(iro=other_iro, looked_after_from=today, first_name="Zed")
    page = login(client, iro).get(reverse("children:caseload")).content.decode()
    assert "Olu" in page and "Tia" in page and "Zed" not in page
    assert 'data-count="overdue">1<' in page and 'data-count="due_soon">1<' in page
    filtered = client.get(reverse("children:caseload"), {"status": "overdue"}).content.decode()
    assert "Olu" in filtered and "Tia" not in filtered
    assert overdue.la_child_id in filtered and on_track.la_child_id not in filtered


def test_qa_managers_see_every_caseload_and_filter_by_iro(client, iro, other_iro, qa_manager):
    today = timezone.localdate()
    make_child(iro=iro, looked_after_from=today, first_name="Olu")
    make_child(iro=other_iro, looked_after_from=today, first_name="Zed")
    login(client, qa_manager)
    page = client.get(reverse("children:caseload")).content.decode()
    assert "Olu" in page and "Zed" in page
    page = client.get(reverse("children:caseload"), {"iro": other_iro.pk, "sort": "-name"}).content.decode()
    assert "Zed" in page and "Olu" not in page
    make_child(iro=None, looked_after_from=today, first_name="Una")
    page = client.get(reverse("children:caseload"), {"iro": "none"}).content.decode()
    assert "Children without an IRO" in page
    assert "Una" in page and "Zed" not in page and "Olu" not in page


def test_the_child_page_shows_the_next_due_date_and_why(client, child, iro):
    page = login(client, iro).get(reverse("children:detail", args=[child.public_id])).content.decode()
    review = child.reviews.get(held_on__isnull=True)
    assert f"Due {review.due_on:%-d %B %Y}" in page
    assert "28 days after the period of care began on" in page


def test_recording_a_review_in_the_browser_form(client, child, iro):
    today = timezone.localdate()
    response = login(client, iro).post(
        reverse("reviews:record", args=[child.public_id]),
        {**date_fields("held_on", today), "chair": iro.pk, "participation": "PN1", "spoke_alone": "yes"},
    )
    assert response.status_code == 302
    held = child.reviews.get(held_on=today)
    assert (held.participation, held.spoke_alone, held.chair) == ("PN1", True, iro)
    assert child.reviews.get(held_on__isnull=True).sequence == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"participation": "PN0"},
            "participation",
            "PN0 is only for a child under 4 on the date of the review; this child was 9 (DfE rule 440)",
        ),
        ({"participation": ""}, "participation", "Select how the child took part in the review"),
        ({"held_on_0": "31", "held_on_1": "2"}, "held_on", "Date the review was held must be a real date"),
        ({"held_on_2": "20x4"}, "held_on", "Enter a valid year"),
        ({"held_on_0": ""}, "held_on", "Enter the date the review was held, with a day, month and year"),
        ({"chair": ""}, "chair", "Select the IRO who chaired the review"),
    ],
)
def test_bad_input_to_the_review_form_is_refused_with_a_message(client, child, iro, change, field, message):
    data = {**date_fields("held_on", timezone.localdate()), "chair": iro.pk, "participation": "PN1", **change}
    response = login(client, iro).post(reverse("reviews:record", args=[child.public_id]), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()  # in the error summary and beside the field
    assert not child.reviews.filter(held_on__isnull=False).exists()


def test_editing_a_review_keeps_what_was_not_changed(client, child, iro):
    from reviews.services import review_record

    today = timezone.localdate()
    review = review_record(actor=iro, child=child, held_on=today, chair=iro, participation="PN2", summary="Stay put")
    url = reverse("reviews:edit", args=[review.public_id])
    form = login(client, iro).get(url).context["form"]
    assert form.initial["participation"] == "PN2"
    response = client.post(
        url, {**date_fields("held_on", today), "chair": iro.pk, "participation": "PN5", "summary": "Stay put"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.participation, review.summary) == ("PN5", "Stay put")


def test_booking_and_cancelling_a_meeting(client, child, iro):
    review = child.reviews.get(held_on__isnull=True)
    login(client, iro)
    day = timezone.localdate()
    assert (
        client.post(
            reverse("reviews:book_meeting", args=[review.public_id]), date_fields("planned_on", day)
        ).status_code
        == 302
    )
    meeting = review.meetings.get()
    url = reverse("reviews:cancel_meeting", args=[meeting.public_id])
    response = client.post(url, {"reason": ""})
    assert "Enter why the meeting was cancelled" in response.content.decode()
    assert client.post(url, {"reason": "Carer unwell"}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.reason) == ("cancelled", "Carer unwell")


# --- Cost ---------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_caseload_costs_the_same_queries_for_10_children_as_for_500(client, iro, qa_manager):
    start = timezone.localdate().replace(day=1)
    for _ in range(10):
        make_child(iro=iro, looked_after_from=start)
    login(client, qa_manager)
    url = reverse("children:caseload")
    few_qa = _queries(client, url + "?sort=iro")
    few_iro = _queries(login(client, iro), url)
    more_iros = [make_iro() for _ in range(5)]
    for n in range(490):
        make_child(iro=[iro, *more_iros][n % 6], looked_after_from=start)
    assert Review.objects.filter(held_on__isnull=True).count() == 500
    assert _queries(login(client, qa_manager), url + "?sort=iro") == few_qa
    assert _queries(login(client, iro), url) == few_iro


def test_the_director_sees_service_figures_without_any_child_named(client, iro, director):
    today = timezone.localdate()
    make_child(iro=iro, looked_after_from=today - timedelta(days=365), first_name="Olu")
    make_child(iro=None, looked_after_from=today, first_name="Una")
    page = login(client, director).get(reverse("home"), follow=True).content.decode()
    figures = dict(re.findall(r'data-figure="(\w+)">(\d+)<', page))
    assert figures == {"looked_after": "2", "overdue": "1", "due_soon": "1", "unallocated": "1"}
    assert "Olu" not in page and "Una" not in page


def test_the_caseload_search_keeps_the_name_out_of_the_url(client, iro):
    today = timezone.localdate()
    make_child(iro=iro, looked_after_from=today, first_name="Olu", last_name="Adeyemi")
    make_child(iro=iro, looked_after_from=today, first_name="Tia", last_name="Brown")
    login(client, iro)
    url = reverse("children:caseload") + "?status=due_soon"
    response = client.post(url, {"q": "adeyemi"})
    assert response.status_code == 302 and response.url == url, "the filters stay, the name is not added"
    page = client.get(response.url).content.decode()
    assert "Olu" in page and "Tia" not in page
    assert "Showing only children matching" in page
    client.post(url, {"q": ""})
    page = client.get(url).content.decode()
    assert "Olu" in page and "Tia" in page
