"""Signing in: the password (with lockout after repeated failures), then a second factor."""

import base64
import re
from datetime import datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry, User
from security.services import account_unlock, totp_code, totp_device_for_demo, two_factor_reset
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def password_only(user, path="/") -> Client:
    """A browser that has given the password, and no second factor yet."""
    browser = Client()
    response = browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was not accepted"
    return browser


def actions(user) -> list[str]:
    entries = AuditEntry.objects.filter(object_type=user._meta.label_lower, object_id=user.pk)
    return list(entries.values_list("action", flat=True))


@pytest.mark.parametrize("role", list(User.Role))
def test_every_role_needs_a_second_factor(role):
    user = UserFactory(role=role, is_staff=role == User.Role.ADMINISTRATOR)
    browser = password_only(user)
    for path in ("/", reverse("children:caseload"), reverse("notifications"), "/admin/"):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("two_factor")), (path, response.url)


def test_without_require_mfa_the_password_is_enough(settings, iro):
    settings.REQUIRE_MFA = False
    assert password_only(iro).get(reverse("children:caseload")).status_code == 200


def secret_shown(response) -> str:
    return "".join(re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', response.content.decode()).group(1).split())


def test_the_first_sign_in_sets_up_an_authenticator_and_gives_recovery_codes(iro):
    browser = password_only(iro)
    key_before = browser.session.session_key
    page = browser.get(reverse("two_factor"))
    assert "Set up two-factor sign-in" in page.content.decode()
    assert 'src="data:image/svg+xml' in page.content.decode()  # the QR code
    secret = secret_shown(page)

    wrong = browser.post(reverse("two_factor"), {"code": "000000" if totp_now(secret) != "000000" else "111111"})
    assert "The code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=iro, confirmed=True).exists()

    done = browser.post(reverse("two_factor"), {"code": totp_now(secret), "next": "/"})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert browser.session.session_key != key_before  # a new session key once verified
    assert browser.get(reverse("children:caseload")).status_code == 200
    assert "two_factor_enrolled" in actions(iro)

    # A recovery code signs in instead of the app's code, once.
    again = password_only(iro)
    assert again.post(reverse("two_factor"), {"code": codes[0]}).status_code == 302
    assert again.get(reverse("children:caseload")).status_code == 200
    assert "recovery_code_used" in actions(iro)
    third = password_only(iro)
    assert "The code is not right" in third.post(reverse("two_factor"), {"code": codes[0]}).content.decode()


def totp_now(base32_secret: str) -> str:
    return f"{TOTP(base64.b32decode(base32_secret)).token():06d}"


def test_a_known_authenticator_asks_for_its_code(iro):
    device = totp_device_for_demo(user=iro)
    browser = password_only(iro)
    page = browser.get(reverse("two_factor") + "?next=/notifications/")
    assert "Enter your code" in page.content.decode()
    response = browser.post(reverse("two_factor"), {"code": totp_code(device), "next": "/notifications/"})
    assert response.status_code == 302 and response.url == "/notifications/"
    assert browser.get("/notifications/").status_code == 200


def test_an_administrator_resets_two_factor_and_it_is_audited(iro, settings):
    admin = UserFactory(role=User.Role.ADMINISTRATOR)
    totp_device_for_demo(user=iro)
    two_factor_reset(actor=admin, user=iro)
    assert not TOTPDevice.objects.filter(user=iro).exists()
    assert "Set up two-factor sign-in" in password_only(iro).get(reverse("two_factor")).content.decode()
    entry = AuditEntry.objects.get(action="two_factor_reset")
    assert (entry.actor, entry.object_id) == (admin, iro.pk)


@pytest.mark.parametrize("sign_in_url", ["/sign-in/", "/admin/login/"])
def test_repeated_failures_lock_the_account_out(settings, iro, sign_in_url):
    settings.AXES_FAILURE_LIMIT = 5
    browser = Client()
    for _ in range(5):
        browser.post(sign_in_url, {"username": iro.username, "password": "not-the-password"})
    locked = browser.post(sign_in_url, {"username": iro.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in browser.session
    assert "account_locked_out" in actions(iro)

    admin = UserFactory(role=User.Role.ADMINISTRATOR)
    account_unlock(actor=admin, user=iro)
    assert "account_unlocked" in actions(iro)
    assert browser.post("/sign-in/", {"username": iro.username, "password": PASSWORD}).status_code == 302


def test_failures_from_one_address_lock_it_out_whatever_the_usernames(settings, iro):
    settings.AXES_FAILURE_LIMIT = 5
    browser = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(5):
        browser.post("/sign-in/", {"username": f"nobody{n}", "password": "guess"})
    assert browser.post("/sign-in/", {"username": iro.username, "password": PASSWORD}).status_code == 429
    # Another address is not locked out, and neither is the account.
    assert (
        Client(REMOTE_ADDR="192.0.2.8").post("/sign-in/", {"username": iro.username, "password": PASSWORD}).status_code
        == 302
    )
    assert AccessAttempt.objects.filter(ip_address="192.0.2.7").exists()


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "abcdefghijkl",
        "passwordpassword",
        "zx1234fgh567",
        "987654321qwe",
        "abababababab",
        "riverriverriver",
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_good_password_is_accepted():
    validate_password("correct-horse-battery")
    validate_password("Ribble valley 1987!")


def test_a_person_changes_their_own_password(client, iro):
    client.login(username=iro.username, password=PASSWORD)
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "aaaaaaaaaaaa", "new_password2": "aaaaaaaaaaaa"},
    )
    assert "repeated or consecutive characters" in weak.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Ribble valley 1987!", "new_password2": "Ribble valley 1987!"},
    )
    assert response.status_code == 302
    iro.refresh_from_db()
    assert iro.check_password("Ribble valley 1987!")
    assert "password_changed" in actions(iro)


class _TwoHoursAgo(PasswordResetTokenGenerator):
    def _now(self):
        return datetime.now() - timedelta(hours=2)


def test_a_forgotten_password_is_reset_by_an_emailed_link_that_expires(iro):
    browser = Client()
    response = browser.post(reverse("password_reset"), {"email": iro.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "Reset your IRO service password" and message.to == [iro.email]
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", message.body).group(1)
    form = browser.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    new = "Ribble valley 1987!"
    done = browser.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    iro.refresh_from_db()
    assert iro.check_password("Ribble valley 1987!")
    assert "password_reset" in actions(iro)

    # A link older than PASSWORD_RESET_TIMEOUT (an hour) no longer works.
    uid = urlsafe_base64_encode(force_bytes(iro.pk))
    old = browser.get(reverse("password_reset_confirm", args=[uid, _TwoHoursAgo().make_token(iro)]), follow=True)
    assert "This link has expired" in old.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email():
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_demo_prints_each_accounts_key_and_a_code_that_signs_in(settings, iro):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()
    call_command("sign_in_code", iro.username, stdout=out)
    key, code = re.search(rf"{iro.username}\s+([A-Z2-7]+)\s+(\d{{6}})", out.getvalue()).groups()
    assert totp_now(key) == code
    browser = password_only(iro)
    assert browser.post(reverse("two_factor"), {"code": code}).status_code == 302
    assert browser.get(reverse("children:caseload")).status_code == 200


def test_the_code_command_refuses_to_run_in_production(settings, iro):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("sign_in_code", iro.username)
