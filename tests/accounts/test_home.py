"""Where each role lands after signing in."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import login, make_child

pytestmark = pytest.mark.django_db


def test_home_sends_each_role_to_its_work(client, iro, qa_manager, director):
    assert login(client, iro).get(reverse("home")).url == reverse("children:caseload")
    assert login(client, qa_manager).get(reverse("home")).url == reverse("children:caseload")
    response = login(client, director).get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("reports:dashboard"), 302)]
    assert b"Service overview" in response.content


def test_the_director_sees_service_figures_without_any_child_named(client, iro, director, today):
    make_child(iro=iro, looked_after_from=today - timedelta(days=365), first_name="Olu")
    make_child(iro=None, looked_after_from=today, first_name="Una")
    page = login(client, director).get(reverse("home"), follow=True).content.decode()
    figures = dict(re.findall(r'data-figure="(\w+)">(\d+)<', page))
    assert figures == {"looked_after": "2", "overdue": "1", "due_soon": "1", "unallocated": "1"}
    assert "Olu" not in page and "Una" not in page
