from contextlib import nullcontext

from django.contrib import messages
from django.db import connection, models, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.forms import submit

from .models import AuditEntry, AuditListing, User


def audit_record(*, actor: User | None, action: str, obj: models.Model, children=(), **detail) -> AuditEntry:
    """Write one audit entry. Called by services inside their transaction, so the entry and the
    change it records commit or roll back together. `children`: the ids of the children it names
    besides its object (a cover of named children, a caseload moved, a list page), kept as its
    listings (AuditListing), by which each child's audit finds it."""
    ids = sorted(set(children))
    # The entry and its listings together: in the caller's transaction if there is one (no savepoint),
    # else in one of their own; an entry naming no child is one statement.
    with transaction.atomic(savepoint=False) if ids else nullcontext():
        entry = AuditEntry.objects.create(
            actor=actor,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            detail=detail,
        )
        if ids and connection.vendor == "postgresql":
            # One statement however many children: a national 903 return names 80,000, which as
            # model objects took seven seconds to write, as an array of ids under one.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {AuditListing._meta.db_table} (entry_id, child_id) SELECT %s, unnest(%s::bigint[])",
                    [entry.pk, ids],
                )
        elif ids:
            AuditListing.objects.bulk_create(AuditListing(entry=entry, child_id=pk) for pk in ids)
    return entry


def audit_list_viewed(*, actor: User, action: str, children=(), child_ids=(), **detail) -> AuditEntry | None:
    """One entry for a page or download listing children (`children`, or their `child_ids`), on the
    viewer's own record, naming each child it showed."""
    ids = {child.pk for child in children}.union(child_ids)
    if not ids:
        return None
    return audit_record(actor=actor, action=action, obj=actor, children=ids, **detail)


def audit_log_empty() -> None:
    """Empties the whole audit log, for the demo's reset only. On PostgreSQL rows cannot be deleted
    one by one (a trigger refuses it: the log is append-only), so the tables are truncated."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending on the tables
            cursor.execute(f"TRUNCATE {AuditListing._meta.db_table}, {AuditEntry._meta.db_table}")
    else:
        AuditListing.objects.all().delete()
        AuditEntry.objects.all().delete()


def _plain(value):
    """A value as the audit's JSON holds it: dates as ISO dates, rows as their ids."""
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int | float | bool | str) or value is None:
        return value
    return str(value)


def changes(obj: models.Model, new_values: dict) -> dict:
    """The fields of `obj` that `new_values` changes, with the old and the new values, for an audit
    entry's detail: {"old": {...}, "new": {...}} (call before assigning the new values)."""
    changed = sorted(name for name, value in new_values.items() if getattr(obj, name) != value)
    return {
        "old": {name: _plain(getattr(obj, name)) for name in changed},
        "new": {name: _plain(new_values[name]) for name in changed},
    }


def render_child_page(request, template: str, context: dict, **kwargs) -> HttpResponse:
    """Renders a page; when it shows a child's details (a form about the child, their review, a
    meeting or an escalation: `context["child"]`), one audit entry records who saw them, on which
    page. Each form page renders through here, so none can forget it."""
    child = context.get("child")
    if child is not None:
        page = request.resolver_match.view_name if request.resolver_match else request.path
        audit_record(actor=request.user, action="child_page_viewed", obj=child, page=page)
    return render(request, template, context, **kwargs)


def child_form_page(request, form, service, *, about, title: str, back_url: str, done, lede: str = "", **arguments):
    """A form page about a child (`about`): the form goes through core.forms.submit to `service`
    (with `arguments`, and `edits=` for an edit form); once saved, `done(result)` gives the success
    message and where to go next. Until then the form page is shown, and its viewing audited."""
    result = submit(request, form, service, **arguments)
    if result is not None:
        message, url = done(result)
        messages.success(request, message)
        return redirect(url)
    context = {"form": form, "title": title, "lede": lede, "child": about, "back_url": back_url}
    return render_child_page(request, "form_page.html", context)
