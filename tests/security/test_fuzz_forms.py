"""Every form of the service, and every page's query string, fuzzed through the test client with
hypothesis: NUL bytes, huge strings, odd unicode, numbers out of range, impossible dates. Nothing
may give a server error (the test client raises a view's exception, so one fails the test with it).

The forms are found from the permission matrix's URLs (tests/security/test_permission_matrix.py):
each page the role may open is fetched, and every POST form on it is sent with its fields fuzzed,
so a new page's form is fuzzed without anyone adding it here."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PASSWORD
from tests.forms import post_forms

from .test_permission_matrix import MORE_ARGS, QUERIES, RULES, world  # noqa: F401 (world: the fixture)

pytestmark = pytest.mark.django_db

ODD = [
    "\x00",
    "a\x00b",
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "31",
    "2",
    "30",
    "2014",
    "10000",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202egnp.exe",
    "🧒🏽‍👧",
    "ǅungla",
    "\ufeff",
    "\r\n",
    "../../etc/passwd",
    "%00",
    "00000000-0000-0000-0000-000000000000",
]
NASTY = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "\x00", "🧒", "9"]), st.integers(1_000, 300_000)),
)
PARAMETERS = ["q", "iro", "status", "sort", "page", "theme", "stage", "period", "year", "format", "figure", "next"]
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def pages(role: str, objects: dict) -> list[tuple[str, str]]:
    """(url name, url) of every page the role may open with the IRO's own objects."""
    found = []
    for name, (kind, may, method) in sorted(RULES.items()):
        extra = MORE_ARGS.get(name, [])
        if method != "get" or kind in ("notification", "reset_link") or not may(role, "own" if kind else "-"):
            continue
        found.append((name, reverse(name, args=[objects["own"][kind], *extra]) if kind else reverse(name)))
    return found


def fuzz_forms(client, url: str) -> int:
    page = client.get(url)
    assert page.status_code < 500
    if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
        return 0
    forms = [f for f in post_forms(page.content.decode()) if f["action"] != reverse("logout")]
    for form in forms:
        fuzz_form(client, form["action"] or url, form)
    return len(forms)


def fuzz_form(client, action: str, form: dict) -> None:
    fields = {n: st.one_of(st.just(form["fields"].get(n, "")), NASTY) for n in form["names"]}

    @FUZZ
    @given(st.fixed_dictionaries(fields))
    def send(data):
        response = client.post(action, data)
        assert response.status_code < 500, (action, response.status_code)

    send()


def fuzz_query(client, name: str, url: str) -> None:
    @FUZZ
    @given(st.dictionaries(st.sampled_from(PARAMETERS), NASTY, max_size=4))
    def visit(query):
        response = client.get(url, {**QUERIES.get(name, {}), **query})
        assert response.status_code < 500, (name, response.status_code)

    visit()


@pytest.mark.slow
@pytest.mark.parametrize("role", ["iro", "qa", "admin"])
def test_every_form_survives_anything_sent_to_it(client, world, role):  # noqa: F811
    users, objects = world
    assert client.login(username=users[role].username, password=PASSWORD)
    fuzzed = {name: fuzz_forms(client, url) for name, url in pages(role, objects)}
    assert sum(fuzzed.values()) >= {"iro": 20, "qa": 20, "admin": 3}[role], fuzzed


@pytest.mark.slow
@pytest.mark.parametrize("role", ["iro", "qa", "director"])
def test_every_page_survives_any_query_string(client, world, role):  # noqa: F811
    users, objects = world
    assert client.login(username=users[role].username, password=PASSWORD)
    for name, url in pages(role, objects):
        fuzz_query(client, name, url)


def test_the_caseload_search_survives_a_nul_byte_for_the_rest_of_the_session(client, world):  # noqa: F811
    users, _objects = world
    assert client.login(username=users["iro"].username, password=PASSWORD)
    response = client.post(reverse("children:caseload"), {"q": "Ma\x00ya"})
    assert response.status_code == 400 and "a NUL byte" in response.content.decode()
    for url in [reverse("home"), reverse("children:caseload")]:
        assert client.get(url, follow=True).status_code == 200


def test_the_sign_in_pages_survive_anything_sent_to_them(client):
    for url in [reverse("login"), reverse("password_reset")]:
        fuzz_forms(client, url)
