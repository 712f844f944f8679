"""Every figure of the hand-built authority (conftest.py), counted by hand, against the selectors.

How each was counted is written beside it; the children are named by their LA child id."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings

from consultations.models import Audience
from core.collection_years import CollectionYear
from reports import annual, kpis
from reports.kpis import Ratio, Window, year_window
from reviews.models import Review

from .conftest import build_authority, d

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def authority(django_db_setup, django_db_blocker):
    """The hand-built authority, built once for this module (every test here only reads it) and
    rolled back after it: building it through the services costs seconds."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(PASSWORD_HASHERS=hashers), django_db_blocker.unblock(), transaction.atomic():
        yield build_authority()
        transaction.set_rollback(True)


Y2014 = year_window(CollectionYear(2014))
Y2015 = year_window(CollectionYear(2015))


# --- Collection years ---------------------------------------------------------------------------------


def test_a_collection_year_is_named_by_the_year_it_ends():
    year = CollectionYear(2014)
    assert (year.start, year.end, year.label) == (date(2013, 4, 1), date(2014, 3, 31), "2013-14")
    assert CollectionYear.containing(date(2014, 3, 31)) == year
    assert CollectionYear.containing(date(2013, 4, 1)) == year
    assert CollectionYear.containing(date(2014, 4, 1)) == CollectionYear(2015)
    assert CollectionYear.last_complete(date(2026, 11, 25)) == CollectionYear(2026)
    assert CollectionYear(2010).label == "2009-10" and CollectionYear(2000).label == "1999-00"


def test_a_whole_year_is_judged_the_day_after_it_ends_and_the_year_to_date_today():
    assert year_window(CollectionYear(2014)) == Window(date(2013, 4, 1), date(2014, 3, 31), date(2014, 4, 1))
    assert year_window(CollectionYear(2014), date(2020, 1, 1)) == year_window(CollectionYear(2014))
    assert year_window(CollectionYear(2014), date(2013, 11, 5)) == Window(
        date(2013, 4, 1), date(2013, 11, 5), date(2013, 11, 5)
    )
    with pytest.raises(ValueError):
        year_window(CollectionYear(2014), date(2013, 3, 31))


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(1527, 1548, "98.6"), (1494, 1548, "96.5"), (517, 550, "94.0"), (2, 3, "66.7"), (1, 8, "12.5"), (0, 5, "0.0")],
)
def test_percentages_have_one_decimal_place_with_halves_rounded_up(numerator, denominator, expected):
    assert kpis.percent(numerator, denominator) == Decimal(expected)


def test_nothing_counted_has_no_percentage():
    assert kpis.percent(0, 0) is None and Ratio(0, 0).percent is None


# --- The fixture authority ----------------------------------------------------------------------------


def test_the_due_dates_are_the_ones_counted_by_hand(authority):
    due = {
        (r.child.la_child_id, r.held_on): r.due_on for r in Review.objects.select_related("child").order_by("due_on")
    }
    held = {
        ("ANN", "31/03/13"): "31/03/13",
        ("ANN", "20/06/13"): "29/06/13",
        ("ANN", "17/12/13"): "17/12/13",
        ("ANN", "10/06/14"): "15/06/14",
        ("ANN", "01/12/14"): "07/12/14",
        ("BEN", "01/04/14"): "31/03/14",
        ("BEN", "30/06/14"): "30/06/14",
        ("BEN", "05/01/15"): "27/12/14",
        ("CARA", "15/10/13"): "15/10/13",
        ("CARA", "10/01/14"): "13/01/14",
        ("CARA", "09/07/14"): "09/07/14",
        ("DAN", "08/05/13"): "08/05/13",
        ("DAN", "02/12/13"): "29/11/13",
        ("DAN", "28/02/14"): "02/03/14",
        ("DAN", "27/08/14"): "27/08/14",
        # FINN's short breaks are one arrangement from 01/05/13: 3 months, then 6 months after each review.
        ("FINN", "29/05/13"): "01/08/13",
        ("FINN", "10/09/13"): "29/11/13",
        ("FINN", "29/09/14"): "29/09/14",
        ("FINN", "20/12/14"): "28/12/14",
        ("GUS", "25/04/13"): "29/04/13",
        ("GUS", "24/07/13"): "24/07/13",
        ("GUS", "27/01/14"): "20/01/14",
        ("GUS", "26/07/14"): "26/07/14",
        ("GUS", "20/01/15"): "22/01/15",
    }
    waiting = {"ANN": "30/05/15", "BEN": "04/07/15", "DAN": "23/02/15", "GUS": "19/07/15"}
    expected = {(child, d(on)): d(due_on) for (child, on), due_on in held.items()}
    # The waiting reviews: FINN has one on each clock (the short-break arrangement's never held, due
    # 10/03/14, six months after 10/09/13, before full-time care ended the arrangement on 01/09/14).
    expected |= {(child, None): d(due_on) for child, due_on in waiting.items()}
    assert {k: v for k, v in due.items() if k[0] != "FINN" or k[1] is not None} == {
        k: v for k, v in expected.items() if k[0] != "FINN" or k[1] is not None
    }
    finn_waiting = sorted(Review.objects.filter(child__la_child_id="FINN", held_on__isnull=True).values_list("due_on"))
    assert finn_waiting == [(d("10/03/14"),), (d("18/06/15"),)]
    # CARA and EVE left care before their next review fell due; DAN's first period likewise.
    assert not Review.objects.filter(child__la_child_id__in=["CARA", "EVE"], held_on__isnull=True).exists()


def test_short_break_reviews_are_counted_apart(authority):
    # FINN's arrangement: 29/05/13 (due 01/08/13) and 10/09/13 (due 29/11/13) held in time; the one
    # due 10/03/14 not held by 31 March. None of them is in NI66, C63 or the reviews held.
    assert kpis.short_break_reviews(Y2014) == kpis.ShortBreakReviews(held=2, held_late=0, overdue=1)
    assert kpis.short_break_reviews(Y2015) == kpis.ShortBreakReviews(held=0, held_late=0, overdue=0)
    assert not kpis.reviews_held(Y2014).filter(short_breaks=True).exists()
    assert not kpis.reviews_due(Y2014).filter(short_breaks=True).exists()


def test_reviews_held_and_participation_2013_14(authority):
    # ANN 20/06 PN1, 17/12 PN4; CARA 15/10 PN0, 10/01 PN1; DAN 08/05 PN1, 02/12 PN6, 28/02 PN1;
    # GUS 25/04, 24/07, 27/01 PN0. FINN's two (PN1, PN7) are left out: short breaks only that year.
    # BEN's review due 31/03/14 was held 01/04/14, in the next year.
    assert kpis.reviews_held(Y2014).count() == 10
    assert kpis.participation(Y2014) == {
        "PN0": 4,
        "PN1": 4,
        "PN2": 0,
        "PN3": 0,
        "PN4": 1,
        "PN5": 0,
        "PN6": 1,
        "PN7": 0,
        "total": 10,
    }


def test_reviews_held_and_participation_2014_15(authority):
    # ANN PN1, PN7; BEN PN1, PN2, PN5; CARA PN4; DAN PN3; FINN PN1, PN1 (not short breaks only now:
    # a care order from 01/09/14); GUS PN0, PN0.
    assert kpis.reviews_held(Y2015).count() == 11
    assert kpis.participation(Y2015) == {
        "PN0": 2,
        "PN1": 4,
        "PN2": 1,
        "PN3": 1,
        "PN4": 1,
        "PN5": 1,
        "PN6": 0,
        "PN7": 1,
        "total": 11,
    }


def test_late_reviews_by_reason(authority):
    # 2013-14: DAN 02/12/13 (late input of CLA status), GUS 27/01/14 (no reason recorded); FINN's left out.
    assert kpis.late_reviews_by_reason(Y2014) == {
        "iro": 0,
        "late_cla_status": 1,
        "social_worker": 0,
        "other": 0,
        "not_recorded": 1,
    }
    # 2014-15: BEN 01/04/14, due 31/03/14 (social worker), and 05/01/15, due 27/12/14 (IRO).
    assert kpis.late_reviews_by_reason(Y2015) == {
        "iro": 1,
        "late_cla_status": 0,
        "social_worker": 1,
        "other": 0,
        "not_recorded": 0,
    }


def test_ni66_counts_children_whose_every_review_due_was_in_time(authority):
    # 2013-14: due in the year for ANN (in time), BEN (31/03/14, held 01/04/14: late), CARA (in time),
    # DAN (29/11/13 held 02/12/13), GUS (20/01/14 held 27/01/14). EVE had none due; FINN is left out.
    assert kpis.ni66(Y2014) == Ratio(2, 5)
    assert kpis.ni66(Y2014).percent == Decimal("40.0")
    assert {c.la_child_id: c.in_time for c in kpis.ni66_children(Y2014)} == {
        "ANN": True,
        "BEN": False,
        "CARA": True,
        "DAN": False,
        "GUS": False,
    }
    # 2014-15: BEN (27/12/14 held 05/01/15) and DAN (23/02/15 never held) are late; ANN, CARA, FINN
    # and GUS had every review due held in time.
    assert kpis.ni66(Y2015) == Ratio(4, 6)
    assert kpis.ni66(Y2015).percent == Decimal("66.7")


def test_c63_counts_children_who_contributed_to_every_review(authority):
    # 2013-14: ANN (PN1, PN4: no), CARA (PN1 after her PN0 birthday review: yes), DAN (PN1, PN6, PN1:
    # yes). GUS had PN0 only; BEN no review held in the year.
    assert kpis.c63(Y2014) == Ratio(2, 3)
    assert kpis.c63(Y2014).percent == Decimal("66.7")
    assert {c.la_child_id: c.contributed for c in kpis.c63_children(Y2014)} == {
        "ANN": False,
        "CARA": True,
        "DAN": True,
    }
    # 2014-15: ANN (PN7) and CARA (PN4) did not; BEN, DAN and FINN did.
    assert kpis.c63(Y2015) == Ratio(3, 5)
    assert kpis.c63(Y2015).percent == Decimal("60.0")


def test_looked_after_on_31_march(authority):
    # 31/03/14: ANN, BEN, CARA, DAN (second period), GUS; EVE had left, FINN on short breaks only.
    assert sorted(kpis.looked_after(Y2014).values_list("la_child_id", flat=True)) == [
        "ANN",
        "BEN",
        "CARA",
        "DAN",
        "GUS",
    ]
    # 31/03/15: CARA has left; FINN is back under a care order.
    assert sorted(kpis.looked_after(Y2015).values_list("la_child_id", flat=True)) == [
        "ANN",
        "BEN",
        "DAN",
        "FINN",
        "GUS",
    ]


def test_missing_episodes_and_young_people(authority):
    # EVE 05/07/13, DAN 10/12/13 and 15/01/14 (FINN's 01/08/13 left out).
    assert kpis.missing(Y2014) == {"episodes": 3, "young_people": 2}
    # FINN 10/10/14, BEN 01/05/14 (away) and 01/06/14.
    assert kpis.missing(Y2015) == {"episodes": 3, "young_people": 2}


def test_escalations_by_theme_and_highest_stage(authority):
    figures = kpis.escalations(Y2014)
    # ANN twice, DAN once; FINN's is left out.
    assert (figures["total"], figures["children"]) == (3, 2)
    assert {k: v for k, v in figures["by_theme"].items() if v} == {
        "safety": 1,
        "placement_quality": 1,
        "drift_delay": 1,
    }
    assert {k: v for k, v in figures["by_highest_stage"].items() if v} == {
        "informal": 1,
        "team_manager": 1,
        "head_of_service": 1,
    }
    assert set(figures["by_theme"]) == {
        "safety",
        "placement_quality",
        "drift_delay",
        "unallocated",
        "education",
        "review_process",
        "health",
        "contact",
        "other",
    }
    figures = kpis.escalations(Y2015)
    assert (figures["total"], figures["children"]) == (2, 1)
    assert {k: v for k, v in figures["by_theme"].items() if v} == {"safety": 1, "unallocated": 1}
    assert {k: v for k, v in figures["by_highest_stage"].items() if v} == {"informal": 1, "cafcass": 1}


def test_staffing(authority):
    staff = kpis.staffing(Y2014)
    assert (staff.permanent, staff.permanent_fte, staff.sessional, staff.sessional_fte) == (
        2,
        Decimal("1.80"),
        1,
        Decimal("0.50"),
    )
    assert staff.by_gender == {"Female": 2, "Male": 1, "Another gender": 0, "Prefers not to say": 0}
    assert {k: v for k, v in staff.by_ethnic_group.items() if v} == {"White": 2, "Black or Black British": 1}
    # 31/03/14: Ada has ANN, BEN, GUS; Bo has CARA, DAN; Cy only FINN, on short breaks (left out).
    assert (staff.caseload_low, staff.caseload_high) == (2, 3)
    # 31/03/15: Ada 3 (ANN, BEN, GUS), Bo 1 (DAN), Cy 1 (FINN).
    staff = kpis.staffing(Y2015)
    assert (staff.total, staff.caseload_low, staff.caseload_high) == (3, 1, 3)


def test_unit_cost(authority):
    assert kpis.unit_cost(CollectionYear(2014), 10).per_review == Decimal("300.00")
    assert kpis.unit_cost(CollectionYear(2015), 11).per_review is None


@pytest.mark.slow
def test_the_annual_report_json_for_2014_15(authority):
    report = annual.build(2015, today=date(2026, 11, 25))
    assert report.as_json() == {
        "year": 2015,
        "label": "2014-15",
        "partial": False,
        "reviews_held": 11,
        "late_reviews": {
            "total": 2,
            "by_reason": {"iro": 1, "late_cla_status": 0, "social_worker": 1, "other": 0, "not_recorded": 0},
        },
        "ni66": {"numerator": 4, "denominator": 6, "percent": 66.7},
        "c63": {"numerator": 3, "denominator": 5, "percent": 60.0},
        "looked_after_at_31_march": 5,
        "short_break_reviews": {"held": 0, "held_late": 0, "overdue": 0},
        "participation": {
            "PN0": 2,
            "PN1": 4,
            "PN2": 1,
            "PN3": 1,
            "PN4": 1,
            "PN5": 1,
            "PN6": 0,
            "PN7": 1,
            "total": 11,
        },
        # No views were asked for by a link in the year: every respondent's row, and the total, is 0.
        "consultations": [
            {"respondent": label, "sent": 0, "answered": 0}
            for label in [*(label for _, label in Audience.choices), "All"]
        ],
        "missing": {"episodes": 3, "young_people": 2},
        "escalations": {
            "total": 2,
            "children": 1,
            "by_theme": {
                "safety": 1,
                "placement_quality": 0,
                "drift_delay": 0,
                "unallocated": 1,
                "education": 0,
                "review_process": 0,
                "health": 0,
                "contact": 0,
                "other": 0,
            },
            "by_highest_stage": {
                "informal": 1,
                "team_manager": 0,
                "service_manager": 0,
                "head_of_service": 0,
                "director": 0,
                "cafcass": 1,
            },
        },
        # None of these reviews recorded the parts of the review record (seen alone, PEP, views, plans).
        # Aged 4 or over: the 11 held less GUS's two (PN0). School age: ANN 2, BEN 3, DAN 1, FINN 2 (CARA
        # is 4, GUS 2). After an earlier review in the period: all but BEN 01/04/14 and FINN 29/09/14.
        "review_record": {
            "seen_alone": {"numerator": 0, "denominator": 9, "percent": 0.0},
            "pep_reviewed": {"numerator": 0, "denominator": 8, "percent": 0.0},
            "actions_on_time": {"numerator": 0, "denominator": 0, "percent": None},
            "midway_checks": {"numerator": 0, "denominator": 9, "percent": 0.0},
            "views_gathered": {"numerator": 0, "denominator": 9, "percent": 0.0},
            "permanence_drifting": 0,
        },
        "history": [
            # 2013-14 as above; 2012-13 only ANN's first review (31/03/13, in time, PN1) and ANN looked after.
            {
                "year": 2014,
                "reviews_held": 10,
                "ni66_percent": 40.0,
                "c63_percent": 66.7,
                "looked_after_at_31_march": 5,
            },
            {
                "year": 2013,
                "reviews_held": 1,
                "ni66_percent": 100.0,
                "c63_percent": 100.0,
                "looked_after_at_31_march": 1,
            },
            {"year": 2012, "reviews_held": 0, "ni66_percent": None, "c63_percent": None, "looked_after_at_31_march": 0},
        ],
    }
    assert report.unit_cost.per_review is None
    assert annual.build(2014, today=date(2026, 11, 25)).unit_cost.per_review == Decimal("300.00")
