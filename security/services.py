"""Changes to a person's sign-in: two-factor devices, lockouts and passwords. Each is audited."""

import secrets

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import audit_record
from accounts.models import StaffProfile, User

RECOVERY_CODES = 10


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator the user is setting up: a new secret, kept until confirmed with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def two_factor_enrol(*, actor: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirms the authenticator with a code it shows now, replaces any other devices of the user,
    and returns the new one-time recovery codes (shown once, stored only in the database)."""
    if device.confirmed or device.user_id != actor.pk:
        raise ValidationError({"code": "This authenticator is already set up: sign in again"})
    if not device.verify_token(code.replace(" ", "")):
        raise ValidationError(
            {"code": "The code is not right: enter the 6-digit code your authenticator app shows now"}
        )
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=actor).delete()
    device.confirmed = True
    device.save()
    recovery = StaticDevice.objects.create(user=actor, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    audit_record(actor=actor, action="two_factor_enrolled", obj=actor)
    return codes


def may_manage(actor: User, user: User) -> bool:
    """Whether `actor` may manage `user`'s account: a superuser anyone's; an administrator anyone's
    but a superuser's and their own (nobody raises or unlocks their own access)."""
    if actor.is_superuser:
        return actor.pk != user.pk
    return actor.is_administrator and actor.is_active and not user.is_superuser and actor.pk != user.pk


def _check_may_manage(actor: User, user: User) -> None:
    if not may_manage(actor, user):
        raise ValidationError("You cannot change this account: ask a superuser.")


@transaction.atomic
def iro_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    employment: str,
    fte,
    gender: str = StaffProfile.Gender.NOT_STATED,
    ethnicity: str = "",
) -> User:
    """An administrator creates an IRO's account with their staff profile. Its password is random
    and known to nobody until the IRO sets their own through the emailed link (see the view; a
    reset link is only sent to accounts with a usable password)."""
    if not (actor.is_superuser or actor.is_administrator):
        raise ValidationError("Only an administrator creates accounts.")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The username {username} is taken: choose another"})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Another account has this email address: each person has their own"})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, role=User.Role.IRO)
    user.set_password(secrets.token_urlsafe(32))
    user.full_clean()
    user.save()
    profile = StaffProfile(user=user, employment=employment, fte=fte, gender=gender, ethnicity=ethnicity)
    profile.full_clean()
    profile.save()
    audit_record(actor=actor, action="account_created", obj=user, role=user.role, employment=employment, fte=str(fte))
    return user


@transaction.atomic
def account_deactivate(*, actor: User, user: User) -> User:
    """The account can no longer sign in (its sessions end at their next request); its history stays."""
    _check_may_manage(actor, user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    StaffProfile.objects.filter(user=user).update(active=False)
    audit_record(actor=actor, action="account_deactivated", obj=user, old={"is_active": True}, new={"is_active": False})
    user.refresh_from_db()
    return user


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> None:
    """An administrator removes the user's authenticator and recovery codes: the user sets up a new
    authenticator at their next sign-in (a session they already have must verify again)."""
    _check_may_manage(actor, user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="two_factor_reset", obj=user)


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> int:
    """Clears the failed sign-ins counted against the account, so that it can sign in again now.
    Returns how many lockout records were cleared."""
    _check_may_manage(actor, user)
    cleared = axes_reset(username=user.username) or 0
    audit_record(actor=actor, action="account_unlocked", obj=user, cleared=cleared)
    return cleared


def totp_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now (for the demo's sign-in and the tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def totp_device_for_demo(*, user: User) -> TOTPDevice:
    """A confirmed authenticator for a demo or test account, made if it has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
