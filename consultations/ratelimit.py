"""Requests to the public pages, counted per address and per link, in PostgreSQL so that every web
process shares the count. Keys are hashes: no address or token is stored in clear."""

import hashlib

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import RateCount


def _count(key: str) -> int:
    minute = timezone.now().replace(second=0, microsecond=0)
    table = RateCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, minute, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (key, minute) DO UPDATE SET count = " + table + ".count + 1 RETURNING count",
            [key, minute],
        )
        return cursor.fetchone()[0]


def _key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:64]}"


def too_many(*, address: str | None = None, link: str | None = None) -> bool:
    """Count this request against its address and its link (either may be left out); True when
    either has made too many in this minute."""
    over = False
    if address is not None:
        over |= _count(_key("address", address)) > settings.CONSULTATION_REQUESTS_PER_MINUTE_PER_ADDRESS
    if link is not None:
        over |= _count(_key("link", link)) > settings.CONSULTATION_REQUESTS_PER_MINUTE_PER_LINK
    return over


def forget_old_counts() -> None:
    RateCount.objects.filter(minute__lt=timezone.now() - timezone.timedelta(hours=1)).delete()
