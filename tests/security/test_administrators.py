"""Administrators manage accounts on the service's pages, within limits, audited; the Django admin
is for superusers."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry, User
from security.services import totp_device_for_demo
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(role=User.Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def superuser():
    return UserFactory(role=User.Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def audited(action, user) -> AuditEntry:
    return AuditEntry.objects.get(action=action, object_type=user._meta.label_lower, object_id=user.pk)


def test_the_django_admin_is_for_superusers_only(client, administrator, superuser):
    assert sign_in(client, administrator).get("/admin/").status_code == 302
    assert sign_in(client, superuser).get("/admin/").status_code == 200


def test_an_administrator_starts_on_the_accounts_page(client, administrator):
    assert sign_in(client, administrator).get(reverse("home")).url == reverse("account_list")


@pytest.mark.parametrize("role", [User.Role.IRO, User.Role.QA_MANAGER, User.Role.DIRECTOR])
def test_other_roles_cannot_reach_the_accounts_pages(client, role, iro):
    sign_in(client, UserFactory(role=role))
    for url in (reverse("account_list"), reverse("iro_create"), reverse("account_detail", args=[iro.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("account_detail", args=[iro.pk]), {"action": "deactivate"}).status_code == 403
    iro.refresh_from_db()
    assert iro.is_active


def test_an_administrator_creates_an_iro_with_a_staff_profile_and_a_link_to_set_a_password(client, administrator):
    sign_in(client, administrator)
    response = client.post(
        reverse("iro_create"),
        {
            "username": "kdavies",
            "first_name": "Kim",
            "last_name": "Davies",
            "email": "kim.davies@example.org",
            "employment": "sessional",
            "fte": "0.6",
            "gender": "",
        },
    )
    assert response.status_code == 302
    iro = User.objects.get(username="kdavies")
    assert iro.role == User.Role.IRO and not iro.check_password(PASSWORD)
    assert iro.staff_profile.employment == "sessional" and str(iro.staff_profile.fte) == "0.60"
    assert audited("account_created", iro).actor == administrator
    (message,) = mail.outbox
    assert message.to == ["kim.davies@example.org"] and "/password-reset/" in message.body


def test_bad_details_are_refused_with_the_field_named(client, administrator, iro):
    sign_in(client, administrator)
    page = client.post(
        reverse("iro_create"),
        {
            "username": iro.username,
            "first_name": "K",
            "last_name": "D",
            "email": "x@example.org",
            "employment": "permanent",
            "fte": "1.5",
        },
    ).content.decode()
    assert "FTE must be 1.00 or less" in page
    page = client.post(
        reverse("iro_create"),
        {
            "username": iro.username,
            "first_name": "K",
            "last_name": "D",
            "email": "x@example.org",
            "employment": "permanent",
            "fte": "1",
        },
    ).content.decode()
    assert f"The username {iro.username} is taken" in page


def test_deactivate_reset_two_factor_and_unlock_are_audited(client, administrator, iro, settings):
    totp_device_for_demo(user=iro)
    AccessAttempt.objects.create(
        username=iro.username,
        ip_address="192.0.2.1",
        user_agent="x",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/sign-in/",
    )
    sign_in(client, administrator)
    url = reverse("account_detail", args=[iro.pk])
    page = client.get(url).content.decode()
    assert "Locked out after failed sign-ins" in page
    client.post(url, {"action": "unlock"})
    assert not AccessAttempt.objects.filter(username=iro.username).exists()
    client.post(url, {"action": "reset_two_factor"})
    assert not TOTPDevice.objects.filter(user=iro).exists()
    client.post(url, {"action": "deactivate"})
    iro.refresh_from_db()
    assert not iro.is_active and not iro.staff_profile.active
    for action in ("account_unlocked", "two_factor_reset", "account_deactivated"):
        assert audited(action, iro).actor == administrator
    assert audited("account_deactivated", iro).detail == {"old": {"is_active": True}, "new": {"is_active": False}}


def test_an_administrator_cannot_change_a_superuser_or_themselves(client, administrator, superuser):
    sign_in(client, administrator)
    for account in (superuser, administrator):
        url = reverse("account_detail", args=[account.pk])
        assert "You cannot change this account" in client.get(url).content.decode()
        client.post(url, {"action": "deactivate"})
        account.refresh_from_db()
        assert account.is_active
    assert not AuditEntry.objects.filter(action="account_deactivated").exists()


def test_a_role_change_in_the_django_admin_is_audited_with_old_and_new_values(client, superuser, iro):
    sign_in(client, superuser)
    url = reverse("admin:iro_service_user_change", args=[iro.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "username": iro.username,
        "first_name": iro.first_name,
        "last_name": iro.last_name,
        "email": iro.email,
        "is_active": "on",
        "role": User.Role.QA_MANAGER,
        "date_joined_0": iro.date_joined.strftime("%d/%m/%Y"),
        "date_joined_1": iro.date_joined.strftime("%H:%M:%S"),
        "staff_profile-TOTAL_FORMS": "1",
        "staff_profile-INITIAL_FORMS": "1",
        "staff_profile-MIN_NUM_FORMS": "0",
        "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-id": iro.staff_profile.pk,
        "staff_profile-0-user": iro.pk,
        "staff_profile-0-employment": "permanent",
        "staff_profile-0-fte": "1",
        "staff_profile-0-gender": "not_stated",
        "staff_profile-0-active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    entry = audited("access_changed", iro)
    assert entry.actor == superuser
    assert entry.detail == {"old": {"role": "iro"}, "new": {"role": "qa_manager"}}
