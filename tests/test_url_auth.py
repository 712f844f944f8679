"""Every URL of the service refuses an anonymous visitor: a new view cannot forget its check."""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Signing in and out, and resetting a forgotten password, are for anonymous visitors by nature; so
# are the pages where someone asked for their views before a review answers with their link.
PUBLIC = {
    "consultations:open",
    "consultations:start",
    "consultations:question",
    "consultations:check",
    "consultations:thanks",
    "consultations:busy",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own admin has its own login check, tested by Django
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def _concrete(route: str) -> str:
    route = route.replace("<uuid:public_id>", str(uuid.uuid4()))
    route = re.sub(r"<int:\w+>", "1", route)
    return "/" + re.sub(r"<(?:slug|str):\w+>", "x", route)


ROUTES = sorted(_patterns(get_resolver()))


def test_the_walk_found_the_service_pages():
    names = {name for name, _ in ROUTES}
    assert {"home", "children:caseload", "children:detail", "reviews:record", "reviews:edit"} <= names
    assert names >= PUBLIC, "every page left public exists"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n in PUBLIC if n.startswith("consultations:")))
def test_the_consultation_pages_open_to_anyone_show_nothing_without_a_link(client, name):
    args = {"consultations:open": ["x"], "consultations:question": [1]}.get(name, [])
    response = client.get(reverse(name, args=args), follow=True)
    assert not response.redirect_chain or not response.redirect_chain[-1][0].startswith("/sign-in/")
    assert response.status_code in (404, 429)
    assert b"This link does not work" in response.content or b"Please wait a minute" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), [r for r in ROUTES if r[0] not in PUBLIC], ids=lambda v: v)
def test_anonymous_requests_are_sent_to_sign_in(client, name, route):
    for method in (client.get, client.post):
        response = method(_concrete(route))
        assert response.status_code == 302, (name, method)
        assert response.url.startswith("/sign-in/"), (name, response.url)
