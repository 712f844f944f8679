"""The figures of the review record and the monitoring between reviews, for 2014-15, on a small
authority whose every figure is worked out by hand below (policy days-28-90-180).

    child  born        looked after from   reviews held (sequence in the period, code)
    ANA    17/05/2006  03/03/2014          28/03/14 (1, PN1), 20/06/14 (2, PN1), 10/12/14 (3, PN1)
    BO     01/01/2011  01/04/2014          25/04/14 (1, PN0), 20/07/14 (2, PN0)
    CAL    01/06/1998  01/05/2014          28/05/14 (1, PN1, aged 15), 20/08/14 (2, PN5, aged 16)
    DEE    17/05/2006  short breaks (V4)   20/04/14 (1, PN1): left out of every figure

Reviews held in 2014-15 (DEE's left out): ANA 20/06 and 10/12, BO 25/04 and 20/07, CAL 28/05 and 20/08.
"""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.collection_years import CollectionYear
from reports import annual, kpis
from reviews.models import MidwayCheck, Review, ReviewAction, ReviewViews
from reviews.monitoring_services import midway_check_record
from reviews.services import review_record
from tests.factories import PASSWORD, make_child

pytestmark = pytest.mark.django_db

Y2015 = kpis.year_window(CollectionYear(2015))


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def hold(child, on: date, code: str, chair, **record) -> Review:
    review = review_record(actor=chair, child=child, held_on=on, chair=chair, participation=code, today=on)
    # The parts of the record kept on the review itself (its plan fields), as the IRO records them.
    Review.objects.filter(pk=review.pk).update(**record)
    return review


def action(review: Review, due_on: date, status: str = "open", outcome_on: date | None = None) -> ReviewAction:
    row = ReviewAction(
        review=review,
        what="Book the PEP meeting",
        responsible_role="social_worker",
        responsible_name="Sam Patel",
        due_on=due_on,
        status=status,
        outcome_on=outcome_on,
    )
    row.full_clean()
    row.save()
    return row


def views(review: Review, role: str, gathered_on: date) -> ReviewViews:
    row = ReviewViews(review=review, role=role, method="form", gathered_on=gathered_on, text="I like it here.")
    row.full_clean()
    row.save()
    return row


@pytest.fixture
def authority(iro):
    ana = make_child(iro=iro, looked_after_from=date(2014, 3, 3), la_child_id="ANA")
    bo = make_child(iro=iro, looked_after_from=date(2014, 4, 1), date_of_birth=date(2011, 1, 1), la_child_id="BO")
    cal = make_child(iro=iro, looked_after_from=date(2014, 5, 1), date_of_birth=date(1998, 6, 1), la_child_id="CAL")
    dee = make_child(iro=iro, looked_after_from=date(2014, 4, 1), legal_status="V4", la_child_id="DEE")

    ana1 = hold(ana, date(2014, 3, 28), "PN1", iro)
    midway_check_record(
        actor=iro, child=ana, checked_on=date(2014, 5, 10), actions_on_track="yes", today=date(2014, 5, 10)
    )
    ana2 = hold(ana, date(2014, 6, 20), "PN1", iro, spoke_alone=True, pep_reviewed=True, permanence_progress="on_track")
    ana3 = hold(
        ana, date(2014, 12, 10), "PN1", iro, spoke_alone=False, pep_reviewed=False, permanence_progress="drifting"
    )
    hold(bo, date(2014, 4, 25), "PN0", iro)
    hold(bo, date(2014, 7, 20), "PN0", iro, permanence_progress="drifting")
    cal1 = hold(cal, date(2014, 5, 28), "PN1", iro, spoke_alone=True, pep_reviewed=True, permanence_progress="drifting")
    midway_check_record(
        actor=iro, child=cal, checked_on=date(2014, 7, 10), actions_on_track="no_actions", today=date(2014, 7, 10)
    )
    cal2 = hold(cal, date(2014, 8, 20), "PN5", iro, permanence_progress="on_track")
    dee1 = hold(dee, date(2014, 4, 20), "PN1", iro, spoke_alone=True, pep_reviewed=True, permanence_progress="drifting")

    action(ana1, date(2014, 4, 15), "done", date(2014, 4, 10))  # due in the year, done early: met
    action(ana2, date(2014, 8, 1), "done", date(2014, 7, 30))  # met
    action(ana2, date(2014, 9, 1), "done", date(2014, 9, 15))  # done, but late
    action(ana2, date(2014, 10, 1), "no_longer_needed", date(2014, 9, 1))  # not counted
    action(ana2, date(2014, 11, 1), "not_done", date(2014, 12, 10))
    action(ana3, date(2015, 5, 1))  # due after the year: not counted
    action(cal1, date(2014, 7, 1))  # still open, past its date
    action(dee1, date(2014, 6, 1), "done", date(2014, 5, 1))  # short breaks only: left out

    views(ana2, "child", date(2014, 6, 15))  # the child's, before: met
    views(ana3, "carer", date(2014, 12, 1))  # a carer's only
    views(cal1, "child", date(2014, 5, 29))  # the day after the review: not before it
    views(cal2, "child", date(2014, 8, 20))  # on the day: met
    views(dee1, "child", date(2014, 4, 15))  # left out
    return {"ana": ana, "bo": bo, "cal": cal, "dee": dee}


def ids(rows, *, met=None) -> list[tuple[str, date]]:
    if met is not None:
        rows = rows.filter(met=met)
    return sorted((r.child.la_child_id, r.held_on) for r in rows.select_related("child"))


def test_children_seen_alone_before_their_review(authority):
    # Reviews of children aged 4 or over: ANA's two, CAL's two (BO's are PN0). Seen alone: ANA 20/06,
    # CAL 28/05 (ANA 10/12 recorded no, CAL 20/08 not recorded): 2 of 4.
    rows = kpis.seen_alone_reviews(Y2015)
    assert ids(rows, met=True) == [("ANA", date(2014, 6, 20)), ("CAL", date(2014, 5, 28))]
    assert kpis.met_ratio(rows) == kpis.Ratio(2, 4) and kpis.met_ratio(rows).percent == pytest.approx(50)


def test_peps_reviewed_at_reviews_of_school_age_children(authority):
    # School age (5 to 15 on the day): ANA's two (aged 8), CAL's on 28/05/14 (15: 16 on 1 June). Not
    # BO (3) or CAL on 20/08/14 (16). PEP reviewed: ANA 20/06, CAL 28/05: 2 of 3, 66.7%.
    rows = kpis.pep_reviews(Y2015)
    assert ids(rows) == [("ANA", date(2014, 6, 20)), ("ANA", date(2014, 12, 10)), ("CAL", date(2014, 5, 28))]
    assert kpis.met_ratio(rows) == kpis.Ratio(2, 3) and str(kpis.met_ratio(rows).percent) == "66.7"


def test_actions_completed_by_their_date(authority):
    # Due in the year, not "no longer needed": ANA's due 15/04 (done 10/04), 01/08 (done 30/07),
    # 01/09 (done 15/09, late), 01/11 (not done); CAL's due 01/07 (open). Done by the date: 2 of 5.
    rows = kpis.actions_due(Y2015)
    assert sorted((a.due_on, a.met) for a in rows) == [
        (date(2014, 4, 15), True),
        (date(2014, 7, 1), False),
        (date(2014, 8, 1), True),
        (date(2014, 9, 1), False),
        (date(2014, 11, 1), False),
    ]
    assert kpis.met_ratio(rows) == kpis.Ratio(2, 5)
    # The year to 15 July: ANA's due 15/04 and CAL's due 01/07; the one due 01/08 is not late yet.
    to_date = kpis.year_window(CollectionYear(2015), date(2014, 7, 15))
    assert kpis.met_ratio(kpis.actions_due(to_date)) == kpis.Ratio(1, 2)


def test_midway_checks_done(authority):
    # Reviews held in the year after an earlier one in the period: ANA 20/06 and 10/12, BO 20/07,
    # CAL 20/08. A midway check came before ANA 20/06 (checked 10/05) and CAL 20/08 (10/07): 2 of 4.
    rows = kpis.midway_check_reviews(Y2015)
    assert ids(rows) == [
        ("ANA", date(2014, 6, 20)),
        ("ANA", date(2014, 12, 10)),
        ("BO", date(2014, 7, 20)),
        ("CAL", date(2014, 8, 20)),
    ]
    assert ids(rows, met=True) == [("ANA", date(2014, 6, 20)), ("CAL", date(2014, 8, 20))]
    assert kpis.met_ratio(rows) == kpis.Ratio(2, 4) and MidwayCheck.objects.count() == 2


def test_reviews_with_the_childs_views_gathered_beforehand(authority):
    # Reviews of children aged 4 or over (as for seen alone): the child's own views on or before the
    # day for ANA 20/06 and CAL 20/08; ANA 10/12 had a carer's only, CAL 28/05's came the day after.
    rows = kpis.views_reviews(Y2015)
    assert ids(rows, met=True) == [("ANA", date(2014, 6, 20)), ("CAL", date(2014, 8, 20))]
    assert kpis.met_ratio(rows) == kpis.Ratio(2, 4)


def test_permanence_plans_drifting(authority):
    # By each child's latest review in the year: ANA drifting (10/12), BO drifting (20/07); CAL's
    # latest (20/08) on track though 28/05 was drifting; DEE left out.
    assert sorted(kpis.permanence_drifting(Y2015).values_list("la_child_id", flat=True)) == ["ANA", "BO"]


def test_all_the_record_figures_in_six_queries(authority, django_assert_num_queries):
    with django_assert_num_queries(6):
        figures = kpis.record_figures(Y2015)
    assert figures == {
        "seen_alone": kpis.Ratio(2, 4),
        "pep_reviewed": kpis.Ratio(2, 3),
        "actions_on_time": kpis.Ratio(2, 5),
        "midway_checks": kpis.Ratio(2, 4),
        "views_gathered": kpis.Ratio(2, 4),
        "permanence_drifting": 2,
    }
    # The year before has none of these reviews (ANA's of 28/03/14 had no record parts).
    assert kpis.record_figures(kpis.year_window(CollectionYear(2014)))["seen_alone"] == kpis.Ratio(0, 1)


# --- Where the figures are shown ------------------------------------------------------------------


def test_the_annual_report_gives_the_figures_and_defines_them(authority):
    report = annual.build(2015, today=date(2026, 11, 25))
    assert report.as_json()["review_record"] == {
        "seen_alone": {"numerator": 2, "denominator": 4, "percent": 50.0},
        "pep_reviewed": {"numerator": 2, "denominator": 3, "percent": 66.7},
        "actions_on_time": {"numerator": 2, "denominator": 5, "percent": 40.0},
        "midway_checks": {"numerator": 2, "denominator": 4, "percent": 50.0},
        "views_gathered": {"numerator": 2, "denominator": 4, "percent": 50.0},
        "permanence_drifting": 2,
    }
    table = report.table("review_record")
    assert [str(cell) for cell in table.rows[1]] == [
        "PEPs reviewed at reviews of school-age children",
        "2",
        "3",
        "66.7%",
    ]
    assert table.rows[-1][:2] == ["Children whose permanence plan is drifting", 2]
    terms = dict(annual.definitions())
    for term in (
        "Children seen alone before their review",
        "PEPs reviewed",
        "Actions completed by their date",
        "Midway checks done",
        "The child's views gathered before the review",
        "Permanence plans drifting",
    ):
        assert term in terms
    assert "halfway between the review held" in terms["Midway checks done"]


def test_each_figure_lists_the_rows_behind_it(client, authority, qa_manager, director):
    url = reverse("reports:figures")
    login(client, qa_manager)
    page = client.get(url, {"year": 2015, "figure": "actions_on_time", "met": "no"}).content.decode()
    assert "Actions completed by their date: those not met" in page and "3 in all" in page
    assert len(re.findall(r'href="/children/[0-9a-f-]{36}/"', page)) == 3 and page.count("data-met") == 3
    page = client.get(url, {"year": 2015, "figure": "midway_checks"}).content.decode()
    assert "4 in all" in page and "ANA" in page and "BO" in page and "DEE" not in page
    page = client.get(url, {"year": 2015, "figure": "permanence_drifting"}).content.decode()
    assert "2 in all" in page and ">ANA<" in page and ">BO<" in page and "CAL" not in page
    assert authority["ana"].first_name in page, "QA managers, who may see every child, see the name"
    assert client.get(url, {"year": 2015, "figure": "nonsense"}).status_code == 404
    assert login(client, director).get(url, {"year": 2015, "figure": "seen_alone"}).status_code == 403


def test_the_dashboard_shows_the_year_to_date_with_links(client, qa_manager, director, iro):
    today = timezone.localdate()
    # Aged 9 or 10 today: of school age, so the review counts for PEPs (not recorded as reviewed).
    born = today - timedelta(days=3650)
    child = make_child(iro=iro, looked_after_from=today - timedelta(days=20), date_of_birth=born)
    review = review_record(actor=iro, child=child, held_on=today, chair=iro, participation="PN1", spoke_alone=True)
    views(review, "child", today)
    year = CollectionYear.containing(today).year
    page = login(client, qa_manager).get(reverse("reports:dashboard")).content.decode()
    shown = dict(re.findall(r'data-kpi="(\w+)">([\d.,%–]+)<', page))
    assert shown["seen_alone_percent"] == "100.0%" and shown["seen_alone_denominator"] == "1"
    assert shown["views_gathered_percent"] == "100.0%" and shown["pep_reviewed_percent"] == "0.0%"
    assert shown["midway_checks_percent"] == "–" and shown["actions_on_time_percent"] == "–"
    assert shown["permanence_drifting"] == "0"
    figures = reverse("reports:figures")
    assert f'href="{figures}?year={year}&amp;figure=seen_alone"' in page
    assert f'href="{figures}?year={year}&amp;figure=pep_reviewed&amp;met=no"' in page
    page = login(client, director).get(reverse("reports:dashboard")).content.decode()
    assert 'data-kpi="seen_alone_percent">100.0%<' in page and figures not in page
