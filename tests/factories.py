"""Test data built through the real services, as the service itself would build it."""

from datetime import date
from itertools import count

import factory

from accounts.models import StaffProfile, User
from children.models import PLACEMENTS_WITHOUT_URN, Child
from children.services import allocation_change, child_create, episode_start
from reviews.models import Review
from reviews.services import review_record

PASSWORD = "correct-horse-battery"
_ids = count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = User.Role.IRO
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    employment = StaffProfile.Employment.PERMANENT
    fte = 1


class IROFactory(UserFactory):
    """An IRO with a full-time permanent staff profile."""

    role = User.Role.IRO
    staff_profile = factory.RelatedFactory(StaffProfileFactory, factory_related_name="user")


def login(client, user: User):
    """Sign `user` in on the test client (with the factories' password) and return the client."""
    assert client.login(username=user.username, password=PASSWORD)
    return client


def hold_review(child: Child, held_on: date, *, chair: User, participation: str = "PN1", **recorded) -> Review:
    """Record the review the child is waiting for as held on `held_on`, through the service."""
    return review_record(
        actor=chair, child=child, held_on=held_on, chair=chair, participation=participation, **recorded
    )


FACTORY_URN = "SC100001"


def make_child(
    *,
    iro: User | None = None,
    looked_after_from: date | None = date(2014, 3, 3),
    date_of_birth: date = date(2006, 5, 17),
    legal_status: str = "C2",
    placement: str = "U4",
    reviews_held: tuple[date, ...] = (),
    **fields,
) -> Child:
    """A child, looked after from the given date (one open episode) and allocated to `iro`, with a
    history of reviews held on `reviews_held` (chaired by `iro`, PN1)."""
    n = next(_ids)
    child = child_create(
        actor=None,
        la_child_id=fields.pop("la_child_id", f"C{n:05d}"),
        first_name=fields.pop("first_name", f"Child{n}"),
        last_name=fields.pop("last_name", "Tester"),
        date_of_birth=date_of_birth,
        sex=(sex := fields.pop("sex", "F")),
        ethnicity=fields.pop("ethnicity", "WBRI"),
        # 903 MOTHER: given for every girl (DfE rule 393), blank for boys.
        mother=fields.pop("mother", "0" if sex == "F" else ""),
        **fields,
    )
    if looked_after_from:
        episode_start(
            actor=None,
            child=child,
            start_on=looked_after_from,
            reason_new="S",
            legal_status=legal_status,
            category_of_need="N1",
            placement=placement,
            placement_provider="PR1",
            # An Ofsted URN where the placement has one (DfE rules 218, 222); none for short breaks (214).
            urn=FACTORY_URN if placement not in PLACEMENTS_WITHOUT_URN and legal_status not in ("V3", "V4") else "",
        )
        if iro is not None:
            allocation_change(actor=None, child=child, iro=iro, start_on=looked_after_from, reason="new_to_care")
    for held_on in reviews_held:
        hold_review(child, held_on, chair=iro)
    return child
