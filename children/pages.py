"""What the child's page shows from the apps above this one (reviews, escalations, ...).

Each of those apps registers a function when it loads (in its apps.py) that returns its part of
the page's context for one child, so the child's page can show everything about the child while
this app imports none of them. Every function is given a child the viewer may see."""

from collections.abc import Callable
from datetime import date

from .models import Child

ChildPageContext = Callable[..., dict]

_providers: list[ChildPageContext] = []


def register_child_page_context(provider: ChildPageContext) -> None:
    """`provider(child, today=...)` returns a dict added to the child's page context."""
    if provider not in _providers:
        _providers.append(provider)


def child_page_context(child: Child, *, today: date) -> dict:
    context = {}
    for provider in _providers:
        context.update(provider(child, today=today))
    return context
