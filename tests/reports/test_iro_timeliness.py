"""Each IRO's own timeliness for the year to date: the dashboard's figures (NI66, C63, late paperwork)
over the reviews they chaired, and the open actions of the children allocated to them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.selectors import iro_timeliness
from reviews.services import review_document_sent

from ..factories import hold_review, login, make_child

pytestmark = pytest.mark.django_db

TODAY = date(2014, 6, 20)  # the year 2014-15 to date: 1 April to 20 June 2014
START = date(2014, 4, 1)


def action(due_on):
    return {"what": "Update the care plan", "responsible_role": "social_worker", "due_on": due_on}


@pytest.fixture
def world(iro, other_iro):
    # In time (first review due 20 working days after 1 April), PN1; decisions sent a working day late
    # (held Friday 25 April: due by 2 May), the record in time. Two open actions, one past its date.
    in_time = hold_review(
        make_child(iro=iro, looked_after_from=START),
        date(2014, 4, 25),
        chair=iro,
        actions=[action(date(2014, 6, 1)), action(date(2014, 7, 1))],
    )
    review_document_sent(actor=iro, review=in_time, document="decisions", sent_on=date(2014, 5, 6), today=TODAY)
    review_document_sent(actor=iro, review=in_time, document="record", sent_on=date(2014, 5, 12), today=TODAY)
    # Held late, PN1; held Monday 2 June: decisions due by 9 June and not sent (late), the record due
    # by 23 June (not late yet).
    late = hold_review(
        make_child(iro=iro, looked_after_from=START), date(2014, 6, 2), chair=iro, late_reason="social_worker"
    )
    # Another IRO's review: in time but PN4 (did not contribute), nothing sent, an action past its date.
    other = hold_review(
        make_child(iro=other_iro, looked_after_from=START),
        date(2014, 4, 25),
        chair=other_iro,
        participation="PN4",
        actions=[action(date(2014, 6, 1))],
    )
    assert in_time.held_on <= in_time.due_on < late.held_on and other.held_on <= other.due_on
    return in_time, late, other


def test_an_iros_figures_count_only_the_reviews_they_chaired(world, iro, other_iro):
    figures = iro_timeliness(iro=iro, today=TODAY)
    assert figures.reviews_held == 2
    assert (figures.ni66.numerator, figures.ni66.denominator, figures.ni66.percent) == (1, 2, 50)
    assert (figures.c63.numerator, figures.c63.denominator) == (2, 2)
    assert figures.paperwork_late == {"decisions": 2, "record": 0}
    assert figures.actions == {"open": 2, "overdue": 1}

    theirs = iro_timeliness(iro=other_iro, today=TODAY)
    assert theirs.reviews_held == 1
    assert (theirs.ni66.numerator, theirs.ni66.denominator) == (1, 1)
    assert (theirs.c63.numerator, theirs.c63.denominator) == (0, 1)
    assert theirs.paperwork_late == {"decisions": 1, "record": 1}
    assert theirs.actions == {"open": 1, "overdue": 1}


def test_a_fixed_number_of_queries_whatever_the_caseload(world, iro):
    with CaptureQueriesContext(connection) as small:
        iro_timeliness(iro=iro, today=TODAY)
    for _ in range(3):
        hold_review(make_child(iro=iro, looked_after_from=START), date(2014, 4, 28), chair=iro, actions=[action(TODAY)])
    with CaptureQueriesContext(connection) as large:
        figures = iro_timeliness(iro=iro, today=TODAY)
    assert figures.reviews_held == 5 and figures.actions["open"] == 5
    assert len(small) == len(large) == 5


def at_today():
    return time_machine.travel(datetime(2014, 6, 20, 10, tzinfo=ZoneInfo("Europe/London")), tick=True)


def test_an_iro_sees_their_own_and_only_their_own(client, world, iro, other_iro):
    url = reverse("reports:iro_timeliness")
    with at_today():
        page = login(client, iro).get(url).content.decode()
        assert "Your timeliness" in page
        assert "50.0% (1 of 2 children)" in page
        assert 'data-kpi="decisions_late">' in page
        # Naming another IRO shows the IRO their own figures still.
        page = client.get(url, {"iro": other_iro.pk}).content.decode()
        assert "Your timeliness" in page and "50.0% (1 of 2 children)" in page


def test_a_qa_manager_chooses_an_iro_from_the_dashboard(client, world, qa_manager, iro, other_iro):
    url = reverse("reports:iro_timeliness")
    with at_today():
        dashboard = login(client, qa_manager).get(reverse("reports:dashboard")).content.decode()
        assert f'href="{url}?iro={other_iro.pk}"' in dashboard
        page = client.get(url, {"iro": other_iro.pk}).content.decode()
        assert f"Timeliness: {other_iro.get_full_name()}" in page
        assert "0.0% (0 of 1 children)" in page
        chooser = client.get(url).content.decode()
        assert f'href="?iro={iro.pk}"' in chooser
        assert client.get(url, {"iro": "x"}).status_code == 404
        assert client.get(url, {"iro": qa_manager.pk}).status_code == 404


def test_the_director_sees_figures_but_not_an_iros(client, world, director, other_iro):
    url = reverse("reports:iro_timeliness")
    with at_today():
        dashboard = login(client, director).get(reverse("reports:dashboard")).content.decode()
        assert url not in dashboard
        assert client.get(url, {"iro": other_iro.pk}).status_code == 403
