"""The lists behind the dashboard's figures say who each child is, their IRO, the review that
decides whether they count, and why."""

from datetime import date

import pytest
from django.urls import reverse

from ..factories import hold_review, login, make_child

pytestmark = pytest.mark.django_db


def hold_in_time_to_march(child, iro) -> date:
    """Hold each review due by 31 March 2015 on its due date; the last date held."""
    while (waiting := child.reviews.get(held_on__isnull=True)).due_on <= date(2015, 3, 31):
        hold_review(child, waiting.due_on, chair=iro)
        held = waiting.due_on
    return held


def test_the_ni66_and_c63_lists_show_name_iro_dates_and_why(client, iro, qa_manager):
    # Looked after from 1 April 2014: the first review due 29 April.
    on_time = make_child(iro=iro, looked_after_from=date(2014, 4, 1), first_name="Alfie", last_name="Jackson")
    hold_review(on_time, date(2014, 4, 25), chair=iro)
    last_on_time = hold_in_time_to_march(on_time, iro)
    late = make_child(iro=iro, looked_after_from=date(2014, 4, 1), first_name="Zoë", last_name="Éclair")
    hold_review(late, date(2014, 5, 6), chair=iro, participation="PN7", late_reason="social_worker")
    hold_in_time_to_march(late, iro)
    login(client, qa_manager)
    page = client.get(reverse("reports:figures"), {"year": 2015, "figure": "ni66"}).content.decode()
    rows = page.split("data-child-row")[1:]
    assert len(rows) == 2
    alfie, zoe = rows
    assert "Alfie Jackson" in alfie and str(iro) in alfie and f"{last_on_time:%d/%m/%Y}" in alfie
    assert "Every review due in the year was held by its due date" in alfie
    assert "Zoë Éclair" in zoe and "29/04/2014" in zoe and "06/05/2014" in zoe and "held after its due date" in zoe
    assert ">No<" not in page
    page = client.get(reverse("reports:figures"), {"year": 2015, "figure": "c63_not_contributing"}).content.decode()
    rows = page.split("data-child-row")[1:]
    assert len(rows) == 1 and "Zoë Éclair" in rows[0] and "Coded PN7 at this review" in rows[0]
