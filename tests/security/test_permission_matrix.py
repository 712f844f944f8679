"""Every URL x every role x the IRO's own, another's, a covered and a former child's objects.

The URLs come from the URL patterns: a new URL without a rule here fails the test. Each rule says
which kind of object the URL takes and who may open it; everyone else is refused (403, or 404
where a 403 would confirm the child exists), for a GET and for a POST alike."""

from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Notification, User
from children.models import Cover
from children.services import allocation_change, contact_add, missing_episode_record
from consultations.services import consultation_send
from core.collection_years import CollectionYear
from escalations.services import escalation_raise
from reviews.services import meeting_book, participant_add, review_record, views_add
from tests.factories import PASSWORD, IROFactory, UserFactory, make_child

pytestmark = pytest.mark.django_db

ROLES = ("iro", "qa", "director", "admin")
RELATIONS = ("own", "other", "covered", "former")
HANDOVER = date(2014, 6, 2)


def sees(role, relation):
    """Need to know: QA managers every child; an IRO their own and those they cover."""
    return role == "qa" or (role == "iro" and relation in ("own", "covered"))


def everyone(role, relation):
    return True


def only(*roles):
    return lambda role, relation: role in roles


def iro_who_sees(role, relation):
    return role == "iro" and sees(role, relation)


def chair_finishing_paperwork(role, relation):
    """The chair of a held review finishes its paperwork (its record, documents, sending them out)
    after handing the child over, until the record is sent."""
    return sees(role, relation) or (role, relation) == ("iro", "former")


def qa_only_for_seen(role, relation):
    return role == "qa"


# url name -> (the object its URL takes, who may open it, method)
RULES = {
    "home": (None, everyone, "get"),
    "login": (None, everyone, "get"),
    "logout": (None, everyone, "post"),
    "two_factor": (None, everyone, "get"),
    "password_change": (None, everyone, "get"),
    "password_change_done": (None, everyone, "get"),
    "password_reset": (None, everyone, "get"),
    "password_reset_done": (None, everyone, "get"),
    "password_reset_complete": (None, everyone, "get"),
    "password_reset_confirm": ("reset_link", everyone, "get"),
    "notifications": (None, everyone, "get"),
    "notification_done": ("notification", lambda role, relation: relation == "own", "post"),
    "account_list": (None, only("admin"), "get"),
    "iro_create": (None, only("admin"), "get"),
    "account_detail": ("account", only("admin"), "get"),
    "retention": (None, only("qa"), "get"),
    "children:caseload": (None, only("iro", "qa"), "get"),
    "children:cover_record": (None, only("qa"), "get"),
    "children:reallocate": (None, only("qa"), "get"),
    "children:detail": ("child", sees, "get"),
    "children:about": ("child", sees, "get"),
    "children:history": ("child", sees, "get"),
    "children:details": ("child", sees, "get"),
    "children:siblings": ("child", sees, "get"),
    "children:contact_add": ("child", sees, "get"),
    "children:contact_edit": ("contact", sees, "get"),
    "children:contact_remove": ("contact", sees, "get"),
    "children:allocate": ("child", qa_only_for_seen, "get"),
    "children:audit": ("child", qa_only_for_seen, "get"),
    "children:missing_record": ("child", sees, "get"),
    "children:missing_edit": ("missing", sees, "get"),
    "reviews:record": ("child", sees, "get"),
    "reviews:case_note_record": ("child", sees, "get"),
    "reviews:midway_check_record": ("child", sees, "get"),
    "reviews:edit": ("held_review", chair_finishing_paperwork, "get"),
    "reviews:book_meeting": ("waiting_review", sees, "get"),
    "reviews:detail": ("held_review", chair_finishing_paperwork, "get"),
    "reviews:document": ("held_review", chair_finishing_paperwork, "get"),
    "reviews:document_sent": ("held_review", chair_finishing_paperwork, "get"),
    "reviews:update_action": ("action", sees, "get"),
    "reviews:short_break_agreement": ("child", sees, "get"),
    "reviews:prepare": ("waiting_review", sees, "get"),
    "reviews:add_participant": ("waiting_review", sees, "get"),
    "reviews:remove_participant": ("participant", sees, "post"),
    "reviews:add_views": ("waiting_review", sees, "get"),
    "reviews:remove_views": ("views", sees, "post"),
    "reviews:journey_start": ("waiting_review", sees, "get"),
    "reviews:journey": ("waiting_review", sees, "get"),
    "reviews:journey_check": ("waiting_review", sees, "get"),
    "reviews:journey_discard": ("waiting_review", sees, "post"),
    "reviews:cancel_meeting": ("meeting", sees, "get"),
    "consultations:send": ("waiting_review", sees, "get"),
    "consultations:resend": ("consultation", sees, "post"),
    "consultations:revoke": ("consultation", sees, "post"),
    "escalations:list": (None, only("iro", "qa", "director"), "get"),
    "escalations:report": (None, only("qa", "director"), "get"),
    "escalations:raise": ("child", iro_who_sees, "get"),
    "escalations:raise_from_review": ("held_review", iro_who_sees, "get"),
    "escalations:detail": ("escalation", sees, "get"),
    "escalations:escalate": ("escalation", sees, "get"),
    "escalations:refer": ("escalation", sees, "get"),
    "escalations:resolve": ("escalation", sees, "get"),
    "escalations:withdraw": ("escalation", sees, "get"),
    "escalations:respond": ("stage", sees, "get"),
    "reports:dashboard": (None, only("qa", "director"), "get"),
    # A list of reviews by child: QA managers only (the Director sees figures, not children).
    "reports:figures": (None, only("qa"), "get"),
    # An IRO their own timeliness; a QA manager any IRO's (the query names the IRO).
    "reports:iro_timeliness": (None, only("iro", "qa"), "get"),
    # Sessional IROs' work for payment, by LA child id.
    "reports:sessional": (None, only("qa"), "get"),
    "reports:sessional_download": (None, only("qa"), "get"),
    "reports:annual": (None, only("qa", "director"), "get"),
    "reports:annual_download": (None, only("qa", "director"), "get"),
    "reports:annual_edit": (None, only("qa"), "get"),
    # A subject access request is answered by a QA manager.
    "reports:child_record": ("child", qa_only_for_seen, "get"),
    "ssda903:page": (None, only("qa"), "get"),
    "ssda903:download": (None, only("qa"), "get"),
}


def url_names(resolver: URLResolver | None = None, namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin: superusers only, tested in test_administrators
            yield from url_names(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}"


# The rest of the URL after the object's id.
MORE_ARGS = {
    "reviews:journey": ["the-review"],
    "reviews:document": ["decisions", "docx"],
    "reviews:document_sent": ["decisions"],
}

# Query strings the URL needs to show anything at all.
QUERIES = {
    "reports:figures": {"figure": "late"},
    "reports:annual_download": {"format": "json"},
    # The 903 return of the current collection year.
    "ssda903:download": {"year": CollectionYear.containing(timezone.localdate()).year},
}


# The pages where someone asked for their views answers with their link take a link, not a role:
# tests/test_url_auth.py and tests/consultations cover them.
ANSWERING_WITH_A_LINK = {
    "consultations:open",
    "consultations:start",
    "consultations:question",
    "consultations:check",
    "consultations:thanks",
    "consultations:busy",
}


def test_every_url_has_a_rule():
    names = set(url_names()) - ANSWERING_WITH_A_LINK
    assert names - set(RULES) == set(), "URLs without a rule in the permission matrix"
    assert set(RULES) - names == set(), "rules for URLs that no longer exist"


@pytest.fixture
def world():
    """The IRO under test with four children: their own, another IRO's, one they cover today, and
    one they handed over after chairing a review whose record is not yet sent."""
    iro, other = IROFactory(first_name="Ida", last_name="Matrix"), IROFactory(first_name="Olu", last_name="Other")
    users = {
        "iro": iro,
        "qa": UserFactory(role=User.Role.QA_MANAGER),
        "director": UserFactory(role=User.Role.DIRECTOR),
        "admin": UserFactory(role=User.Role.ADMINISTRATOR, is_staff=True),
    }
    today = timezone.localdate()
    objects = {}
    for relation in RELATIONS:
        child = make_child(iro=other if relation in ("other", "covered") else iro)
        chair = iro if relation in ("own", "former") else other
        held = review_record(
            actor=chair,
            child=child,
            held_on=date(2014, 3, 20),
            chair=chair,
            participation="PN1",
            today=date(2014, 3, 25),
            actions=[{"what": "Update the care plan", "responsible_role": "social_worker", "due_on": date(2014, 5, 1)}],
        )
        if relation == "former":
            allocation_change(actor=None, child=child, iro=other, start_on=HANDOVER, reason="caseload")
        if relation == "covered":
            cover = Cover.objects.create(
                iro=iro, start_on=today - timedelta(days=1), end_on=today + timedelta(days=1), reason="leave"
            )
            cover.children.set([child])
        waiting = child.reviews.filter(held_on__isnull=True).order_by("-period_start").first()
        meeting = meeting_book(
            actor=users["qa"],
            review=waiting,
            planned_on=today + timedelta(days=7),
            expected_late_reason="other",
            today=today,
        )
        participant = participant_add(actor=users["qa"], review=waiting, role="carer", name="Sam Carer")
        views = views_add(
            actor=users["qa"],
            review=waiting,
            role="child",
            method="form",
            gathered_on=date(2014, 5, 1),
            text="I like my school",
        )
        escalation = escalation_raise(
            actor=chair,
            child=child,
            raised_on=today - timedelta(days=3),
            theme="drift_delay",
            summary="Plan not progressed",
            sent_to="Social worker",
        )
        objects[relation] = {
            "child": child.public_id,
            "held_review": held.public_id,
            "waiting_review": waiting.public_id,
            "meeting": meeting.public_id,
            "participant": participant.public_id,
            "views": views.public_id,
            "action": held.actions.get().public_id,
            "missing": missing_episode_record(
                actor=users["qa"],
                child=child,
                kind="M",
                start_on=date(2014, 4, 1),
                end_on=date(2014, 4, 2),
                today=date(2014, 4, 3),
            ).public_id,
            "escalation": escalation.public_id,
            "contact": contact_add(
                actor=users["qa"], child=child, role="social_worker", name="Sam Worker", team="North"
            ).public_id,
            "consultation": consultation_send(
                actor=users["qa"], review=waiting, respondent="carer", name="Sam Carer", email="sam@example.org"
            ).public_id,
            "stage": escalation.current_stage.public_id,
            "account": other.pk,
            "reset_link": ("MQ", "not-a-token"),
        }
    return users, objects


def notification_for(user, relation, users, world_objects):
    """A notification to the signed-in user ("own"), or to someone else ("other")."""
    from children.models import Child

    recipient = user if relation == "own" else users["qa"] if user != users["qa"] else users["iro"]
    child = Child.objects.get(public_id=world_objects["own"]["child"])
    return Notification.objects.create(
        kind=Notification.Kind.REVIEW_OVERDUE,
        recipient=recipient,
        child=child,
        subject_type="review",
        subject_id=1 if relation == "own" else 2,
        deadline=date(2014, 4, 1),
    ).public_id


ALLOWED = {200, 302}
REFUSED = {403, 404}


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_the_matrix(client, world, role):
    users, objects = world
    user = users[role]
    assert client.login(username=user.username, password=PASSWORD)
    wrong = []
    for name, (kind, may, method) in sorted(RULES.items()):
        relations = ("own", "other") if kind == "notification" else RELATIONS if kind else ("-",)
        for relation in relations:
            if kind is None:
                url = reverse(name)
            elif kind == "notification":
                url = reverse(name, args=[notification_for(user, relation, users, objects)])
            elif kind == "reset_link":
                url = reverse(name, args=objects[relation][kind])
            else:
                url = reverse(name, args=[objects[relation][kind], *MORE_ARGS.get(name, [])])
            response = getattr(client, method)(url, QUERIES.get(name, {}))
            expected = ALLOWED if may(role, relation) else REFUSED
            redirected_to_sign_in = response.status_code == 302 and response.url.startswith(("/sign-in/",))
            if response.status_code not in expected or (
                expected is ALLOWED and redirected_to_sign_in and name not in ("logout",)
            ):
                wrong.append(f"{name} [{relation}]: {response.status_code}, expected {sorted(expected)}")
            if expected is REFUSED and method == "get":
                posted = client.post(url, QUERIES.get(name, {}))
                if posted.status_code not in REFUSED:
                    wrong.append(f"{name} [{relation}] POST: {posted.status_code}, expected {sorted(REFUSED)}")
            if name == "logout":
                assert client.login(username=user.username, password=PASSWORD)
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
