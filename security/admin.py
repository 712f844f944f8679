"""The Django admin is for superusers only: administrators do their day-to-day account work on the
service's own pages (security.views), where what they may change is limited and audited."""

from django.contrib import admin


def _superusers_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
