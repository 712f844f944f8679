"""Every write to what the reports keep: a year's service budget and its report narrative."""

from decimal import Decimal

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import User

from .models import ReportNarrative, ServiceBudget

NARRATIVE_FIELDS = ("introduction", "priorities", "summary")


def budget_set(*, actor: User, year: int, amount: Decimal | None) -> ServiceBudget | None:
    """Record the service budget for a collection year; None removes it (the unit cost is then not shown)."""
    with transaction.atomic():
        budget = ServiceBudget.objects.select_for_update().filter(year=year).first()
        if amount is None:
            if budget is not None:
                audit_record(actor=actor, action="budget_removed", obj=budget, year=year)
                budget.delete()
            return None
        if budget is not None and budget.amount == amount:
            return budget
        previous = str(budget.amount) if budget else None
        budget = budget or ServiceBudget(year=year)
        budget.amount, budget.updated_by = amount, actor
        budget.full_clean()
        budget.save()
        audit_record(actor=actor, action="budget_set", obj=budget, year=year, amount=str(amount), previous=previous)
        return budget


def narrative_save(*, actor: User, year: int, **texts: str) -> ReportNarrative:
    """Save the narrative sections of a year's annual report (those given; others are kept)."""
    unknown = set(texts) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        narrative, created = ReportNarrative.objects.select_for_update().get_or_create(year=year)
        changed = sorted(k for k, v in texts.items() if getattr(narrative, k) != v.strip())
        if not changed and not created:
            return narrative
        for field, text in texts.items():
            setattr(narrative, field, text.strip())
        narrative.updated_by = actor
        narrative.full_clean()
        narrative.save()
        audit_record(actor=actor, action="report_narrative_saved", obj=narrative, year=year, fields=changed)
        return narrative
