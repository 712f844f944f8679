"""The pages of the record journey, and how a draft (what was typed on each page, kept as posted)
becomes the answers on "check your answers" and the arguments of `review_record`."""

from dataclasses import dataclass
from datetime import date

from django import forms

from .forms import ActionForm, ChildPage, HealthPage, HeldPage, OutcomesPage, PlanPage
from .models import PartyRole


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    form: type[forms.Form] | None


OUTCOMES = Page("actions-from-last-review", "Actions from earlier reviews", OutcomesPage)
PAGES = [
    OUTCOMES,
    Page("the-review", "The review", HeldPage),
    Page("the-child", "The child's wishes and feelings", ChildPage),
    Page("the-plan", "The care plan and permanence", PlanPage),
    Page("health-and-education", "Placement, health and education", HealthPage),
    Page("actions", "Decisions and actions", None),
]
BY_SLUG = {page.slug: page for page in PAGES}
CHECK = "check-your-answers"


def pages_for(open_actions: list) -> list[Page]:
    """The journey starts with the open actions of earlier reviews, when there are any."""
    return [p for p in PAGES if p is not OUTCOMES or open_actions]


def next_slug(pages: list[Page], slug: str) -> str:
    slugs = [p.slug for p in pages]
    i = slugs.index(slug)
    return slugs[i + 1] if i + 1 < len(slugs) else CHECK


def posted(data) -> dict:
    """What a page posted, as kept in the draft (one value per name; the CSRF token left out)."""
    return {key: data.get(key) for key in data if key not in ("csrfmiddlewaretoken", "submit")}


def bound(page: Page, draft: dict, *, open_actions: list):
    """The page's form bound to what the draft holds for it, or None if the page was never saved."""
    if page.slug not in draft:
        return None
    kwargs = {"actions": open_actions} if page is OUTCOMES else {}
    return page.form(draft[page.slug], **kwargs)


def draft_actions(draft: dict) -> list[dict]:
    """The new actions added on the actions page, each as it was posted (valid when added)."""
    return list(draft.get("actions", {}).get("added", []))


def action_values(raw: dict) -> dict:
    form = ActionForm(raw)
    form.is_valid()
    return form.cleaned_data


def action_who(values: dict) -> str:
    role = PartyRole(values["responsible_role"]).label
    return f"{values['responsible_name']} ({role})" if values.get("responsible_name") else role


def _display(field: forms.Field, value) -> str:
    if value in (None, ""):
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    return str(choices.get(value, value))


@dataclass
class Answers:
    """Everything the draft holds, checked: the rows for "check your answers", and what is missing."""

    rows: list[tuple[Page, list[tuple[str, str]]]]
    incomplete: list[Page]
    recorded: dict
    outcomes: dict
    actions: list[dict]


def answers(draft: dict, *, open_actions: list) -> Answers:
    rows, incomplete, recorded, outcomes = [], [], {}, {}
    for page in pages_for(open_actions):
        if page.form is None:
            continue
        form = bound(page, draft, open_actions=open_actions)
        if form is None or not form.is_valid():
            incomplete.append(page)
            continue
        if page is OUTCOMES:
            outcomes = form.outcomes()
            shown = []
            for action in form.actions:
                outcome = outcomes[action.pk]
                status = dict(form.fields[f"action_{action.pk}_status"].choices)[outcome["status"]]
                shown.append((action.what, f"{status}. {outcome['outcome']}".strip(" .")))
            rows.append((page, shown))
            continue
        recorded.update(form.cleaned_data)
        rows.append((page, [(form.fields[n].label, _display(form.fields[n], v)) for n, v in form.cleaned_data.items()]))
    actions = [action_values(raw) for raw in draft_actions(draft)]
    return Answers(rows=rows, incomplete=incomplete, recorded=recorded, outcomes=outcomes, actions=actions)
