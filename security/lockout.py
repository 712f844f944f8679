"""The address a sign-in attempt came from, as counted for lockouts (django-axes)."""

from django.conf import settings


def client_address(request) -> str | None:
    """Behind the TLS proxy, the address it appended last to X-Forwarded-For (anything before it
    was written by the client, who could change it at each attempt); otherwise the connection's."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")
