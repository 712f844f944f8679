"""Decisions sent out after 5 working days and the full record after 15 are flagged in the child's
reviews table and counted on the dashboard, with the list behind each count."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.collection_years import CollectionYear
from reports import kpis
from reviews.services import review_document_sent

from ..factories import hold_review, login, make_child

pytestmark = pytest.mark.django_db

TODAY = date(2014, 6, 20)


def sent(review, document, on):
    review_document_sent(actor=review.chair, review=review, document=document, sent_on=on, today=TODAY)


@pytest.fixture
def reviews(iro):
    start = date(2014, 4, 1)
    # Held Friday 25 April 2014: decisions due by 2 May, the record by 19 May (15 working days, past
    # the early May bank holiday). Sent in time.
    on_time = hold_review(make_child(iro=iro, looked_after_from=start), date(2014, 4, 25), chair=iro)
    sent(on_time, "decisions", date(2014, 5, 2))
    sent(on_time, "record", date(2014, 5, 19))
    # Decisions a working day late, the record in time.
    late = hold_review(make_child(iro=iro, looked_after_from=start), date(2014, 4, 25), chair=iro)
    sent(late, "decisions", date(2014, 5, 6))
    sent(late, "record", date(2014, 5, 12))
    # Neither sent by 20 June, both past due.
    unsent = hold_review(make_child(iro=iro, looked_after_from=start), date(2014, 4, 28), chair=iro)
    return on_time, late, unsent


def test_late_paperwork_is_counted_for_the_year_to_date(reviews):
    on_time, late, unsent = reviews
    window = kpis.year_window(CollectionYear(2015), TODAY)
    figures = kpis.late_paperwork(window)
    assert sorted(figures["decisions"]) == sorted([late.pk, unsent.pk]) and figures["record"] == [unsent.pk]


def test_the_childs_reviews_flag_it_and_the_dashboard_counts_it_with_its_list(client, reviews, qa_manager, iro):
    on_time, late, unsent = reviews
    with time_machine.travel(datetime(2014, 6, 20, 10, tzinfo=ZoneInfo("Europe/London")), tick=True):
        page = login(client, iro).get(reverse("children:history", args=[late.child.public_id])).content.decode()
        assert 'data-paperwork-late="decisions"' in page and 'data-paperwork-late="record"' not in page
        assert (
            '06/05/2014 <strong class="govuk-tag govuk-tag--red" data-paperwork-late="decisions">Late'
            '<span class="govuk-visually-hidden">: due by 02/05/2014</span></strong>'
        ) in page
        escalate = reverse("escalations:raise_from_review", args=[late.public_id])
        assert f'href="{escalate}"' in page, "an IRO escalates a concern from a review held"
        # The overview flags it as the caseload does, pointing to the reviews held.
        overview = client.get(reverse("children:detail", args=[late.child.public_id])).content.decode()
        assert f"Paperwork late for the review held on {late.held_on:%-d %B %Y}" in overview
        page = client.get(reverse("children:history", args=[on_time.child.public_id])).content.decode()
        assert "data-paperwork-late" not in page
        overview = client.get(reverse("children:detail", args=[on_time.child.public_id])).content.decode()
        assert "data-flag-paperwork" not in overview
        page = client.get(reverse("children:history", args=[unsent.child.public_id])).content.decode()
        assert 'data-paperwork-late="decisions"' in page and 'data-paperwork-late="record"' in page
        page = login(client, qa_manager).get(reverse("children:history", args=[late.child.public_id])).content.decode()
        assert 'data-paperwork-late="decisions"' in page and f'href="{escalate}"' not in page
        page = client.get(reverse("reports:dashboard")).content.decode()
        assert 'data-kpi="decisions_late">2<' in page and 'data-kpi="record_late">1<' in page
        listed = client.get(reverse("reports:figures"), {"year": 2015, "figure": "record_late"}).content.decode()
        assert unsent.child.la_child_id in listed and late.child.la_child_id not in listed
