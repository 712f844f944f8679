"""Receivers: the time of sign-in (for the absolute session lifetime) and audited lockouts."""

import logging
import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.audit import audit_record
from accounts.models import User

SIGNED_IN_AT = "signed_in_at"
log = logging.getLogger(__name__)


@receiver(user_logged_in)
def remember_sign_in_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    user = User.objects.filter(username=username).first() if username else None
    if user is None:
        # An address locked out for names that are not accounts: nothing personal to record.
        log.warning("Sign-in locked out for an unknown account after repeated failures")
        return
    audit_record(actor=None, action="account_locked_out", obj=user, address=ip_address or "")
