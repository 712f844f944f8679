"""Signing in in a real browser: password and authenticator code, a password change, a lockout."""

import base64

from django_otp.oath import TOTP

from tests.factories import PASSWORD

from .conftest import assert_accessible, sign_in, url

NEW_PASSWORD = "Ribble valley 1987!"


def test_first_sign_in_sets_up_the_authenticator_then_the_password_is_changed(page, live_server, iro):
    page.goto(url(live_server, "children:caseload"))
    page.get_by_label("Username").fill(iro.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.get_by_role("heading", name="Set up two-factor sign-in").is_visible()
    assert_accessible(page)
    key = "".join(page.get_by_test_id("totp-secret").inner_text().split())
    page.get_by_label("Code from your authenticator app").fill(f"{TOTP(base64.b32decode(key)).token():06d}")
    page.get_by_role("button", name="Set up").click()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    page.get_by_role("link", name="Continue").click()
    assert page.url == url(live_server, "children:caseload")

    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_role("heading", name="Your password has been changed").is_visible()
    iro.refresh_from_db()
    assert iro.check_password(NEW_PASSWORD)


def test_a_known_authenticator_signs_in_with_its_code(page, live_server, qa_manager):
    sign_in(page, live_server, qa_manager)
    assert page.url == url(live_server, "children:caseload")


def test_repeated_failures_lock_the_account_out(page, live_server, iro, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        page.goto(url(live_server, "login"))
        page.get_by_label("Username").fill(iro.username)
        page.get_by_label("Password", exact=True).fill("not-the-password")
        page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(url(live_server, "login"))
    page.get_by_label("Username").fill(iro.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_response(lambda response: response.status == 429):
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.get_by_role("heading", name="You cannot sign in at the moment").is_visible()
    page.browser_problems.clear()  # the 429 itself is the point of this test
