"""The caseload page: whose children it lists, its filters and search, and what it costs."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry
from children.models import Child
from children.services import sibling_change
from reviews.models import Review
from tests.factories import IROFactory, login, make_child

pytestmark = pytest.mark.django_db


def test_the_caseload_lists_only_the_iros_children_with_their_status(client, iro, other_iro, today):
    overdue = make_child(iro=iro, looked_after_from=today - timedelta(days=365), first_name="Olu")
    on_track = make_child(iro=iro, looked_after_from=today, first_name="Tia")
    make_child(iro=other_iro, looked_after_from=today, first_name="Zed")
    page = login(client, iro).get(reverse("children:caseload")).content.decode()
    assert "Olu" in page and "Tia" in page and "Zed" not in page
    assert 'data-count="overdue">1<' in page and 'data-count="due_soon">1<' in page
    filtered = client.get(reverse("children:caseload"), {"status": "overdue"}).content.decode()
    assert "Olu" in filtered and "Tia" not in filtered
    assert overdue.la_child_id in filtered and on_track.la_child_id not in filtered


def test_the_childs_page_gives_the_status_the_caseload_gives(client, iro, today):
    from children.models import Episode
    from children.selectors import DueStatus

    overdue = make_child(iro=iro, looked_after_from=today - timedelta(days=365))
    on_track = make_child(iro=iro, looked_after_from=today)
    left = make_child(iro=iro, looked_after_from=today - timedelta(days=365))
    Episode.objects.filter(child=left).update(end_on=today - timedelta(days=1), reason_ceased="E11")
    login(client, iro)
    rows = {child.pk: child.due_status for child in client.get(reverse("children:caseload")).context["page"]}
    assert rows == {overdue.pk: DueStatus.OVERDUE, on_track.pk: DueStatus.DUE_SOON}
    for child in (overdue, on_track):
        assert client.get(reverse("children:detail", args=[child.public_id])).context["due_status"] == rows[child.pk]
    # No longer looked after: on no caseload, and no review due on their page, whatever is stored.
    assert Child.objects.get(pk=left.pk).next_review_due_on is not None
    assert client.get(reverse("children:detail", args=[left.public_id])).context["due_status"] == DueStatus.NONE


def test_qa_managers_see_every_caseload_and_filter_by_iro(client, iro, other_iro, qa_manager, today):
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
    assert '<td class="govuk-table__cell">Not allocated</td>' in page


def test_the_iro_filter_lists_each_iro_with_their_caseload_size_names_escaped(client, iro, qa_manager, today):
    odd = IROFactory(first_name="<b>Bea", last_name="O'Neil & Co")
    make_child(iro=odd, looked_after_from=today)
    make_child(iro=odd, looked_after_from=today)
    login(client, qa_manager)
    page = client.get(reverse("children:caseload"), {"iro": odd.pk}).content.decode()
    assert f'<option value="{odd.pk}" selected>&lt;b&gt;Bea O&#x27;Neil &amp; Co (2)</option>' in page
    assert f'<option value="{iro.pk}">Ada Owen (0)</option>' in page
    assert '<td class="govuk-table__cell">&lt;b&gt;Bea O&#x27;Neil &amp; Co</td>' in page, "the rows' IRO"
    assert "<b>Bea" not in page


def test_a_qa_manager_sees_the_caseload_of_an_iro_no_longer_active_who_still_has_children(client, qa_manager, today):
    """The dashboard links to it, and moving their children to other IROs comes back to it."""
    gone = IROFactory(first_name="Gil", last_name="Gone")
    make_child(iro=gone, looked_after_from=today)
    make_child(iro=gone, looked_after_from=today, first_name="Ula")
    gone.is_active = False
    gone.save()
    page = login(client, qa_manager).get(reverse("children:caseload"), {"iro": gone.pk}).content.decode()
    assert "Caseload of Gil Gone" in page and 'data-count="total">2<' in page
    assert f'<option value="{gone.pk}" selected>Gil Gone (no longer active) (2)</option>' in page
    assert f'<option value="{gone.pk}"' not in client.get(reverse("children:caseload")).content.decode()
    # A child search shown: the option still gives their whole caseload's size.
    url = reverse("children:caseload") + f"?iro={gone.pk}"
    page = client.get(client.post(url, {"q": "Ula"}).url).content.decode()
    assert 'data-count="total">1<' in page and "Ula" in page
    assert f'<option value="{gone.pk}" selected>Gil Gone (no longer active) (2)</option>' in page


@pytest.fixture
def many_iros(monkeypatch):
    """A service with more active IROs than the filter lists: its IROs are searched by name."""
    from children import selectors

    monkeypatch.setattr(selectors, "IRO_CHOICES_LISTED", 1)


def test_a_large_services_iro_filter_searches_their_names(client, iro, qa_manager, today, many_iros):
    """iro: Ada Owen. One name found shows their caseload; several, a link to each; none, an error
    that names the field and keeps the whole list."""
    odd = IROFactory(first_name="<b>Bea", last_name="Owenson")
    make_child(iro=iro, looked_after_from=today, first_name="Olu")
    make_child(iro=odd, looked_after_from=today - timedelta(days=365), first_name="Zed")
    make_child(iro=None, looked_after_from=today, first_name="Una")
    login(client, qa_manager)
    caseload = reverse("children:caseload")
    page = client.get(caseload).content.decode()
    assert '<input class="govuk-input" id="iro_name" name="iro_name" type="text" value=""' in page
    assert '<select class="govuk-select" id="iro"' not in page and '<option value="' + str(iro.pk) not in page
    assert "All caseloads" in page and 'data-count="total">3<' in page

    page = client.get(caseload, {"iro_name": "  ada  "}).content.decode()
    assert "Caseload of Ada Owen" in page and "Olu" in page and "Zed" not in page
    assert 'data-count="total">1<' in page and 'data-count="due_soon">1<' in page

    page = client.get(caseload, {"iro_name": "owen", "status": "overdue"}).content.decode()
    assert "IROs whose name holds “owen”" in page and "All caseloads" in page
    assert f'href="?status=overdue&amp;iro={odd.pk}">&lt;b&gt;Bea Owenson</a>' in page
    assert f'href="?status=overdue&amp;iro={iro.pk}">Ada Owen</a>' in page
    assert "<b>Bea" not in page and "There are more" not in page
    page = client.get(caseload, {"iro": odd.pk, "status": "overdue"}).content.decode()
    assert "Caseload of &lt;b&gt;Bea Owenson" in page and "Zed" in page and 'data-count="overdue">1<' in page
    assert f'<input type="hidden" name="iro" value="{odd.pk}">' in page  # kept while the status changes

    page = client.get(caseload, {"iro_name": "Xi"}).content.decode()
    assert "<title>Error: " in page and '<a href="#iro_name">No active IRO’s name contains “Xi”</a>' in page
    assert 'class="govuk-input govuk-input--error" id="iro_name"' in page
    assert "All caseloads" in page and 'data-count="total">3<' in page

    page = client.get(caseload, {"iro": "none"}).content.decode()
    assert "Children without an IRO" in page and "Una" in page and "Olu" not in page
    assert '<input type="hidden" name="iro" value="none">' in page
    # A name typed there replaces that filter, as it replaces a chosen IRO.
    page = client.get(caseload, {"iro": "none", "iro_name": "owen"}).content.decode()
    assert '<h1 class="govuk-heading-l">All caseloads</h1>' in page and "Olu" in page and "Bea Owenson" in page


def test_a_search_of_the_iros_names_says_when_it_lists_only_some(
    client, iro, other_iro, qa_manager, many_iros, monkeypatch
):
    from children import selectors

    monkeypatch.setattr(selectors, "IRO_MATCHES_LISTED", 1)
    login(client, qa_manager)
    page = client.get(reverse("children:caseload"), {"iro_name": "o"}).content.decode()
    assert "There are more: type more of the name." in page
    assert page.count('<li><a class="govuk-link" href="?iro=') == 1


@pytest.mark.parametrize("given", ["9" * 4301, "9" * 19, "²", "١٢", "-1", " 1"])
def test_an_iro_id_that_is_no_id_is_no_choice_not_a_server_error(client, qa_manager, given):
    login(client, qa_manager)
    assert "All caseloads" in client.get(reverse("children:caseload"), {"iro": given}).content.decode()
    assert client.get(reverse("children:reallocate"), {"iro": given}).url == reverse("children:caseload")
    assert client.get(reverse("reports:iro_timeliness"), {"iro": given}).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.slow
def test_the_caseload_costs_the_same_queries_for_10_children_as_for_500(client, iro, qa_manager):
    start = date(2014, 3, 3)
    for _ in range(10):
        make_child(iro=iro, looked_after_from=start)
    login(client, qa_manager)
    url = reverse("children:caseload")
    few_qa = _queries(client, url + "?sort=iro")
    few_iro = _queries(login(client, iro), url)
    more_iros = [IROFactory() for _ in range(5)]
    for n in range(490):
        make_child(iro=[iro, *more_iros][n % 6], looked_after_from=start)
    assert Review.objects.filter(held_on__isnull=True).count() == 500
    assert _queries(login(client, qa_manager), url + "?sort=iro") == few_qa
    assert _queries(login(client, iro), url) == few_iro


def test_the_caseload_search_keeps_the_name_out_of_the_url(client, iro, today):
    make_child(iro=iro, looked_after_from=today, first_name="Olu", last_name="Adeyemi")
    make_child(iro=iro, looked_after_from=today, first_name="Tia", last_name="Brown")
    login(client, iro)
    url = reverse("children:caseload") + "?status=due_soon"
    response = client.post(url, {"q": "adeyemi"})
    assert response.status_code == 302 and response.url == url + "&searched=1", "the filters stay, not the name"
    page = client.get(response.url).content.decode()
    assert "Olu" in page and "Tia" not in page
    assert "Showing only children matching" in page
    client.post(url, {"q": ""})
    page = client.get(url).content.decode()
    assert "Olu" in page and "Tia" in page


def _names(client, url) -> set[str]:
    page = client.get(url).content.decode()
    return {name for name in ("Alfie", "Zoë", "Jack", "Ed") if f">{name} " in page}


def test_the_search_finds_a_full_name_either_way_round_and_ids_whatever_the_case_or_accents(client, iro, today):
    make_child(iro=iro, looked_after_from=today, first_name="Alfie", last_name="Jackson")
    make_child(iro=iro, looked_after_from=today, first_name="Zoë", last_name="Éclair", la_child_id="SWK77")
    make_child(iro=iro, looked_after_from=today, first_name="Jack", last_name="Alfonso", upn="A123456789012")
    make_child(iro=iro, looked_after_from=today, first_name="Ed", last_name="Smith", preferred_name="Teddy")
    login(client, iro)
    url = reverse("children:caseload")
    for search, found in (
        ("alfie jackson", {"Alfie"}),
        ("JACKSON  Alfie", {"Alfie"}),
        ("jack", {"Alfie", "Jack"}),
        ("zoe eclair", {"Zoë"}),
        ("ZOË", {"Zoë"}),
        ("swk77", {"Zoë"}),
        ("a123456789012", {"Jack"}),
        ("teddy", {"Ed"}),
        ("teddy smith", {"Ed"}),
        ("alfie smith", set()),
    ):
        response = client.post(url, {"q": search})
        assert _names(client, response.url) == found, search


def test_the_search_is_cleared_in_one_action_and_forgotten_on_the_next_visit(client, iro, today):
    make_child(iro=iro, looked_after_from=today, first_name="Alfie", last_name="Jackson")
    make_child(iro=iro, looked_after_from=today, first_name="Jack", last_name="Alfonso")
    login(client, iro)
    url = reverse("children:caseload")
    searched = client.post(url, {"q": "jackson"}).url
    assert _names(client, searched) == {"Alfie"}
    assert _names(client, searched + "&sort=-name") == {"Alfie"}, "sorting keeps the search"
    cleared = client.post(searched, {"q": ""})
    assert "searched" not in cleared.url and _names(client, cleared.url) == {"Alfie", "Jack"}
    client.post(url, {"q": "jackson"})
    assert _names(client, url) == {"Alfie", "Jack"}, "a later visit starts with the whole caseload"
    assert "caseload_search" not in client.session


def test_an_iro_sees_the_children_they_cover_apart_from_their_own(client, iro, other_iro, qa_manager, today):
    from children.services import cover_record

    make_child(iro=iro, looked_after_from=today, first_name="Own")
    covered = make_child(iro=other_iro, looked_after_from=today, first_name="Cov")
    named = make_child(iro=other_iro, looked_after_from=today, first_name="Named")
    cover_record(
        actor=qa_manager,
        iro=iro,
        covered_iro=other_iro,
        start_on=today,
        end_on=today + timedelta(days=7),
        reason="leave",
    )
    page = login(client, iro).get(reverse("children:caseload")).content.decode()
    own_list, covering_list = page.split('id="covering-heading"')
    assert ">Own " in own_list and ">Cov " not in own_list and ">Named " not in own_list
    assert ">Cov " in covering_list and ">Named " in covering_list
    assert f"data-covering-for>{other_iro}<" in covering_list
    assert 'data-count="total">1<' in own_list, "the counts are of the IRO's own children"
    viewed = AuditEntry.objects.filter(action="caseload_viewed").latest("pk")
    assert viewed.children_listed == sorted(c.pk for c in Child.objects.all()), "the covered children too"
    assert client.get(reverse("children:detail", args=[covered.public_id])).status_code == 200
    assert named.allocations.get().iro == other_iro
    # Without cover there is no such list.
    assert "covering-heading" not in login(client, other_iro).get(reverse("children:caseload")).content.decode()


def test_an_empty_caseload_says_why(client, iro, other_iro, qa_manager, today):
    url = reverse("children:caseload")
    page = login(client, iro).get(url).content.decode()
    assert "You have no children allocated yet." in page and "No children match" not in page
    page = login(client, qa_manager).get(url, {"iro": other_iro.pk}).content.decode()
    assert f"{other_iro} has no children allocated yet." in page
    assert "Every child looked after has an IRO." in client.get(url, {"iro": "none"}).content.decode()
    make_child(iro=iro, looked_after_from=today)
    page = login(client, iro).get(url, {"status": "overdue"}).content.decode()
    assert "No children match these filters." in page


def test_the_caseload_flags_a_child_missing_a_late_meeting_and_late_paperwork(client, iro):
    from children.services import missing_episode_record
    from reviews.services import meeting_book

    today = date(2014, 6, 2)
    missing = make_child(iro=iro, looked_after_from=date(2014, 3, 3), first_name="Mia")
    missing_episode_record(actor=iro, child=missing, kind="M", start_on=date(2014, 5, 30), today=today)
    late_meeting = make_child(iro=iro, looked_after_from=date(2014, 5, 12), first_name="Leo")  # due 9 June
    meeting_book(
        actor=iro,
        review=late_meeting.reviews.get(),
        planned_on=date(2014, 6, 12),
        expected_late_reason="social_worker",
        today=today,
    )
    paperwork = make_child(iro=iro, looked_after_from=date(2014, 3, 3), first_name="Pia")
    from tests.factories import hold_review

    hold_review(paperwork, date(2014, 3, 28), chair=iro)  # decisions due 4 April, not sent
    quiet = make_child(iro=iro, looked_after_from=date(2014, 5, 12), first_name="Qui")
    # Everything at once: held late paperwork, an action past its date, then missing.
    everything = make_child(iro=iro, looked_after_from=date(2014, 3, 3), first_name="Eve")
    action = {"what": "Arrange a PEP", "responsible_role": "social_worker", "due_on": date(2014, 4, 30)}
    hold_review(everything, date(2014, 3, 28), chair=iro, actions=[action])
    missing_episode_record(actor=iro, child=everything, kind="M", start_on=date(2014, 6, 1), today=today)
    from children.selectors import Flag, add_flags, with_caseload_details

    order = [missing, late_meeting, paperwork, quiet, everything]
    children = sorted(with_caseload_details(Child.objects.filter(pk__in=[c.pk for c in order])), key=order.index)
    add_flags(children, today=today)
    assert [child.flags for child in children] == [
        [Flag.MISSING],
        [Flag.MEETING_LATE],
        [Flag.PAPERWORK_LATE],
        [],
        [Flag.MISSING, Flag.PAPERWORK_LATE],
    ]
    assert [child.actions_overdue for child in children] == [False, False, False, False, True]


def test_the_caseload_shows_siblings_together(client, iro, today):
    ann = make_child(iro=iro, looked_after_from=today - timedelta(days=20), first_name="Ann")
    make_child(iro=iro, looked_after_from=today - timedelta(days=10), first_name="Cal")
    bea = make_child(iro=iro, looked_after_from=today, first_name="Bea")
    sibling_change(actor=iro, child=bea, la_child_id=ann.la_child_id, link=True)
    page = login(client, iro).get(reverse("children:caseload")).context["page"]
    # By due date Cal comes before Bea; Bea follows her sister instead.
    assert [c.first_name for c in page] == ["Ann", "Bea", "Cal"]


def test_the_caseload_rows_escape_the_names_they_show(client, iro, today):
    kit = make_child(iro=iro, looked_after_from=today, first_name="<i>Kit", preferred_name="K&")
    sam = make_child(iro=iro, looked_after_from=today, first_name="<b>Sam")
    sibling_change(actor=iro, child=sam, la_child_id=kit.la_child_id, link=True)
    page = login(client, iro).get(reverse("children:caseload")).content.decode()
    assert "&lt;i&gt;Kit" in page and "(K&amp;)" in page and "Siblings: &lt;b&gt;Sam" in page
    assert "<i>Kit" not in page and "<b>Sam" not in page
    assert f'href="/children/{kit.public_id}/"' in page
