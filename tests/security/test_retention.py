"""Records past the child's 75th birthday are listed for a QA manager, who approves their erasure."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEntry
from children.models import Child, Episode
from children.services import episode_end
from escalations.models import Escalation
from escalations.services import escalation_raise
from reviews.models import Review
from security.retention import past_retention, records_erase, retention_date
from tests.factories import PASSWORD, make_child

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


@pytest.fixture
def old_record(iro):
    """Looked after in the 1960s: 75 on 1 March 2026, the day before TODAY."""
    return make_child(iro=iro, date_of_birth=date(1951, 3, 1), looked_after_from=date(1962, 3, 3), la_child_id="OLD1")


def test_only_records_past_the_75th_birthday_are_listed(old_record, iro):
    young = make_child(iro=iro, date_of_birth=date(1951, 3, 3), looked_after_from=date(1962, 3, 5))
    listed = list(past_retention(today=TODAY))
    assert old_record in listed and young not in listed


def test_erasure_removes_the_whole_record_and_audits_without_personal_data(old_record, iro, qa_manager):
    escalation_raise(
        actor=iro,
        child=old_record,
        raised_on=date(1963, 1, 7),
        theme="drift_delay",
        summary="Plan not progressed",
        sent_to="Social worker",
        today=date(1963, 1, 8),
    )
    assert Escalation.objects.filter(child=old_record).exists()
    assert records_erase(actor=qa_manager, children=[old_record], today=TODAY) == 1
    assert not Child.objects.filter(pk=old_record.pk).exists()
    assert not Episode.objects.filter(child_id=old_record.pk).exists()
    assert not Review.objects.filter(child_id=old_record.pk).exists()
    assert not Escalation.objects.filter(child_id=old_record.pk).exists()
    entry = AuditEntry.objects.get(action="record_erased")
    assert entry.actor == qa_manager and entry.object_id == old_record.pk
    assert "OLD1" not in str(entry.detail) and "1951" not in str(entry.detail)


def test_a_record_not_yet_due_is_refused(iro, qa_manager):
    young = make_child(iro=iro, date_of_birth=date(1951, 3, 3), looked_after_from=date(1962, 3, 5))
    with pytest.raises(ValidationError):
        records_erase(actor=qa_manager, children=[young], today=TODAY)
    assert Child.objects.filter(pk=young.pk).exists()


def test_only_a_qa_manager_approves_through_the_page(client, old_record, iro, qa_manager):
    client.login(username=iro.username, password=PASSWORD)
    assert client.get(reverse("retention")).status_code == 403
    assert client.post(reverse("retention"), {"children": [str(old_record.public_id)]}).status_code == 403
    assert Child.objects.filter(pk=old_record.pk).exists()
    client.login(username=qa_manager.username, password=PASSWORD)
    page = client.get(reverse("retention")).content.decode()
    assert "OLD1" in page
    assert "Select only records" in client.post(reverse("retention"), {}).content.decode()
    response = client.post(reverse("retention"), {"children": [str(old_record.public_id)]})
    assert response.status_code == 302
    assert not Child.objects.filter(pk=old_record.pk).exists()


def died(child, on: date) -> None:
    """The child's care ends with their death (REC E2), as the 903 episodes record it."""
    episode_end(actor=None, episode=child.episodes.get(end_on__isnull=True), end_on=on, reason_ceased="E2")


def test_a_child_who_died_before_18_is_kept_15_years_after_their_death(iro, qa_manager):
    child = make_child(iro=iro, date_of_birth=date(1995, 6, 1), looked_after_from=date(2005, 1, 10))
    died(child, date(2011, 3, 1))  # aged 15
    assert retention_date(child) == date(2026, 3, 1)
    assert child in past_retention(today=TODAY)  # 2 March 2026
    assert child not in past_retention(today=date(2026, 2, 28))
    assert records_erase(actor=qa_manager, children=[child], today=TODAY) == 1


def test_a_child_who_died_at_18_or_older_is_kept_to_their_75th_birthday(iro, qa_manager):
    child = make_child(iro=iro, date_of_birth=date(1990, 6, 1), looked_after_from=date(2005, 1, 10))
    died(child, date(2008, 6, 1))  # on their 18th birthday
    assert retention_date(child) == date(2065, 6, 1)
    assert child not in past_retention(today=TODAY)
    with pytest.raises(ValidationError):
        records_erase(actor=qa_manager, children=[child], today=TODAY)


def test_an_ending_for_another_reason_keeps_the_record_to_the_75th_birthday(iro):
    child = make_child(iro=iro, date_of_birth=date(1995, 6, 1), looked_after_from=date(2005, 1, 10))
    episode_end(actor=None, episode=child.episodes.get(), end_on=date(2008, 3, 1), reason_ceased="E4A")
    assert retention_date(child) == date(2070, 6, 1)
    assert child not in past_retention(today=date(2040, 1, 1))


def test_the_retention_page_lists_a_child_who_died_with_the_date_from_their_death(
    client, iro, qa_manager, time_machine
):
    child = make_child(
        iro=iro, date_of_birth=date(1995, 6, 1), looked_after_from=date(2005, 1, 10), la_child_id="DIED1"
    )
    died(child, date(2011, 3, 1))
    time_machine.move_to(date(2026, 3, 2))
    assert client.login(username=qa_manager.username, password=PASSWORD)
    html = client.get(reverse("retention")).content.decode()
    assert "DIED1" in html and "1 March 2026" in html
