from django.db import models

from .models import AuditEntry, User


def audit_record(*, actor: User | None, action: str, obj: models.Model, **detail) -> AuditEntry:
    """Write one audit entry. Called by services inside their transaction, so the entry and the
    change it records commit or roll back together."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        detail=detail,
    )
