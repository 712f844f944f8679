"""Missing and away-without-authorisation episodes: the service's rules (the DfE's), the pages that
record them, and who may use those pages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEntry
from children.models import MissingEpisode
from children.services import episode_end, episode_start, missing_episode_record, missing_episode_update

from ..factories import login, make_child

pytestmark = pytest.mark.django_db
TODAY = date(2014, 12, 1)


@pytest.fixture
def child(iro):
    """Looked after from 03/03/2014; placement change on 01/06/2014 (X1); home on 01/10/2014."""
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3), date_of_birth=date(2001, 5, 17))
    episode = episode_start(
        actor=None,
        child=child,
        start_on=date(2014, 6, 1),
        reason_new="P",
        reason_place_change="CHILD",
        legal_status="C2",
        category_of_need="N1",
        placement="U6",
        placement_provider="PR4",
    )
    episode_end(actor=None, episode=episode, end_on=date(2014, 10, 1), reason_ceased="E4A")
    return child


def record(child, actor=None, kind="M", start_on=date(2014, 7, 1), end_on=date(2014, 7, 2)):
    return missing_episode_record(actor=actor, child=child, kind=kind, start_on=start_on, end_on=end_on, today=TODAY)


def test_a_missing_episode_is_recorded_and_audited(child, iro):
    missing = record(child, iro, kind="A")
    assert (missing.kind, missing.start_on, missing.end_on) == ("A", date(2014, 7, 1), date(2014, 7, 2))
    entry = AuditEntry.objects.get(action="missing_episode_recorded")
    assert (entry.actor, entry.object_id, entry.detail) == (iro, missing.pk, {"kind": "A"})


def test_the_day_the_child_came_back_is_recorded_later(child, iro):
    child.episodes.filter(end_on=date(2014, 10, 1)).update(end_on=None, reason_ceased="")
    missing = record(child, iro, start_on=date(2014, 11, 20), end_on=None)
    missing = missing_episode_update(
        actor=iro, missing=missing, kind="M", start_on=date(2014, 11, 20), end_on=date(2014, 11, 23), today=TODAY
    )
    assert missing.end_on == date(2014, 11, 23)
    entry = AuditEntry.objects.get(action="missing_episode_updated")
    assert entry.detail == {"old": {"end_on": None}, "new": {"end_on": "2014-11-23"}}


@pytest.mark.parametrize(
    ("start_on", "end_on", "field", "message"),
    [
        (date(2014, 12, 2), None, "start_on", "The date the child went missing cannot be in the future."),
        (date(2014, 7, 1), date(2014, 12, 5), "end_on", "The date the child came back cannot be in the future."),
        (
            date(2014, 7, 5),
            date(2014, 7, 1),
            "end_on",
            "The date the child came back must be on or after the day they went (05/07/2014) (DfE rule 567).",
        ),
        (
            date(2014, 3, 1),
            date(2014, 3, 2),
            "start_on",
            "The child was not looked after on 01/03/2014: record missing "
            "episodes within a period of care (DfE rule 581).",
        ),
        (
            date(2014, 10, 5),
            date(2014, 10, 6),
            "start_on",
            "The child was not looked after on 05/10/2014: record "
            "missing episodes within a period of care (DfE rule 578).",
        ),
        (
            date(2014, 9, 28),
            date(2014, 10, 3),
            "end_on",
            "The child ceased to be looked after on 01/10/2014: the "
            "missing episode must end on or before that day (DfE rule 577).",
        ),
        (
            date(2014, 5, 30),
            None,
            "end_on",
            "The child went missing during an episode that ended on 01/06/2014: the "
            "missing episode must end by 31/03/2015, the end of that collection year (DfE rule 575).",
        ),
    ],
)
def test_a_missing_episode_must_fit_the_childs_care(child, start_on, end_on, field, message):
    with pytest.raises(ValidationError) as caught:
        record(child, start_on=start_on, end_on=end_on)
    assert message in caught.value.message_dict[field]
    assert not MissingEpisode.objects.exists()


def test_missing_episodes_cannot_overlap(child):
    record(child, start_on=date(2014, 7, 1), end_on=date(2014, 7, 10))
    for start_on, end_on in (
        (date(2014, 7, 1), date(2014, 7, 2)),
        (date(2014, 7, 5), date(2014, 7, 6)),
        (date(2014, 6, 25), date(2014, 7, 3)),
    ):
        with pytest.raises(ValidationError) as caught:
            record(child, start_on=start_on, end_on=end_on)
        assert "(DfE rule 574)" in caught.value.message_dict["start_on"][0]
    # Back on the 10th and gone again that day: one ends as the next begins.
    record(child, start_on=date(2014, 7, 10), end_on=date(2014, 7, 11))
    assert child.missing_episodes.count() == 2


def test_a_missing_episode_is_not_before_the_childs_birth(iro):
    baby = make_child(iro=iro, looked_after_from=date(2014, 3, 3), date_of_birth=date(2014, 3, 1))
    with pytest.raises(ValidationError) as caught:
        record(baby, start_on=date(2014, 2, 27), end_on=date(2014, 2, 28))
    assert caught.value.message_dict["start_on"] == [
        "The date the child went missing is before their date of birth (DfE rule 586)."
    ]


# --- The pages ------------------------------------------------------------------------------------


@pytest.fixture
def current_child(iro):
    return make_child(iro=iro, looked_after_from=date(2024, 1, 10))


def test_the_childs_iro_records_a_missing_episode_from_the_childs_page(client, current_child, iro):
    login(client, iro)
    page = client.get(reverse("children:about", args=[current_child.public_id]))
    assert "No missing episodes recorded." in page.content.decode()
    url = reverse("children:missing_record", args=[current_child.public_id])
    assert url in page.content.decode()

    response = client.post(
        url,
        {
            "kind": "M",
            "start_on_0": "3",
            "start_on_1": "2",
            "start_on_2": "2025",
            "end_on_0": "",
            "end_on_1": "",
            "end_on_2": "",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("children:about", args=[current_child.public_id])
    missing = current_child.missing_episodes.get()
    assert (missing.kind, missing.start_on, missing.end_on) == ("M", date(2025, 2, 3), None)
    page = client.get(response.url).content.decode()
    assert "Missing from 03/02/2025 recorded." in page
    assert "Not back yet" in page
    edit = reverse("children:missing_edit", args=[missing.public_id])
    assert edit in page
    overview = reverse("children:detail", args=[current_child.public_id])
    assert "data-flag-missing" in client.get(overview).content.decode(), "the caseload's flag, on the overview"

    response = client.post(
        edit,
        {
            "kind": "A",
            "start_on_0": "3",
            "start_on_1": "2",
            "start_on_2": "2025",
            "end_on_0": "5",
            "end_on_1": "2",
            "end_on_2": "2025",
        },
    )
    assert response.status_code == 302
    missing.refresh_from_db()
    assert (missing.kind, missing.end_on) == ("A", date(2025, 2, 5))
    assert "data-flag-missing" not in client.get(overview).content.decode()


def test_the_form_shows_the_services_refusal_on_the_field(client, current_child, iro):
    login(client, iro)
    response = client.post(
        reverse("children:missing_record", args=[current_child.public_id]),
        {
            "kind": "M",
            "start_on_0": "1",
            "start_on_1": "1",
            "start_on_2": "2024",
            "end_on_0": "",
            "end_on_1": "",
            "end_on_2": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The child was not looked after on 01/01/2024" in html
    assert not current_child.missing_episodes.exists()


def test_qa_managers_record_missing_episodes_too(client, current_child, qa_manager):
    login(client, qa_manager)
    assert client.get(reverse("children:missing_record", args=[current_child.public_id])).status_code == 200


def test_others_cannot_reach_a_childs_missing_episodes(client, current_child, other_iro, director, iro):
    missing = missing_episode_record(
        actor=iro, child=current_child, kind="M", start_on=date(2024, 2, 1), end_on=date(2024, 2, 2)
    )
    urls = [
        reverse("children:missing_record", args=[current_child.public_id]),
        reverse("children:missing_edit", args=[missing.public_id]),
    ]
    for user in (other_iro, director):
        login(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url, {"kind": "A"}).status_code == 404, (user, url)
    missing.refresh_from_db()
    assert missing.kind == "M"
