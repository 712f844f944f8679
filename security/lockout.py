"""The address and the username a sign-in attempt came with, as counted for lockouts (django-axes)."""

from django.conf import settings

from accounts.models import User


def client_address(request) -> str | None:
    """Behind the TLS proxy, the address it appended last to X-Forwarded-For (anything before it
    was written by the client, who could change it at each attempt); otherwise the connection's."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def attempted_username(request, credentials: dict | None) -> str:
    """The username a sign-in attempt gave, as counted for lockouts: cut to the longest an account's
    can be (a longer one is no account's), so that any text typed is counted, never refused by the
    database."""
    username = credentials.get("username") if credentials else request.POST.get("username")
    return str(username or "")[: User._meta.get_field("username").max_length]
