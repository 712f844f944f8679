"""A small local authority built by hand through the services, over two collection years (2013-14
and 2014-15), whose every figure was counted by hand (tests/reports/test_kpis.py says how).

Policy days-28-90-180: first review 28 days after the period of care begins, the second 90 days after
the first, later ones 180 days after the one before. The due dates are worked out in the comments
and checked by test_the_due_dates_are_the_ones_counted_by_hand.

    child  IRO  born        care                               reviews held (code, late reason)
    ANN    A    01/06/2005  from 03/03/2013                    31/03/13 PN1, 20/06/13 PN1, 17/12/13 PN4,
                                                               10/06/14 PN1, 01/12/14 PN7
    BEN    A    01/01/2000  from 03/03/2014                    01/04/14 PN1 late (social worker): the review
                                                               due 31/03/14 held 01/04/14; 30/06/14 PN2,
                                                               05/01/15 PN5 late (IRO)
    CARA   B    15/10/2009  from 17/09/2013 to 01/08/2014      15/10/13 PN0 on her 4th birthday,
                                                               10/01/14 PN1, 09/07/14 PN4
    DAN    B    05/05/2003  10/04/2013 to 30/06/2013, and      08/05/13 PN1; 02/12/13 PN6 late (late CLA
                            a second period from 01/11/2013    status), 28/02/14 PN1, 27/08/14 PN3; the
                                                               review due 23/02/15 not held
    EVE    A    02/02/2001  01/07/2013 to 20/07/2013           none: left before the first was due (29/07/13)
    FINN   C    01/01/2006  short breaks (V4) 01/05/2013 to    29/05/13 PN1, 10/09/13 PN7 (on the short-break
                            30/04/2014; care order from        arrangement's clock); 29/09/14 PN1, 20/12/14 PN1
                            01/09/2014
    GUS    A    01/01/2012  from 01/04/2013                    25/04/13 PN0, 24/07/13 PN0, 27/01/14 PN0
                                                               late (no reason: imported), 26/07/14 PN0,
                                                               20/01/15 PN0

Missing: EVE 05/07/13; DAN 10/12/13 and 15/01/14; FINN 01/08/13 (short breaks only that year) and
10/10/14; BEN 01/05/14 (away) and 01/06/14.
Escalations: ANN 01/07/13 safety, to team manager; ANN 01/09/13 placement quality, informal;
DAN 05/12/13 drift, informal then head of service; FINN 01/10/13 education (short breaks only that
year); BEN 02/05/14 safety, informal; BEN 02/06/14 case unallocated, to Cafcass.
IROs: A permanent 1.0 FTE female White British; B sessional 0.5 male Black African; C permanent
0.8 female White Irish. Budget 2013-14: £3,000.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import StaffProfile, User
from children.models import Child
from children.services import allocation_change, episode_end, episode_start, missing_episode_record
from escalations.services import escalation_raise, escalation_stage_add
from reports.models import ServiceBudget
from reviews.models import Review
from tests.factories import UserFactory, hold_review, make_child


def d(text: str) -> date:
    day, month, year = text.split("/")
    return date(2000 + int(year) if len(year) == 2 else int(year), int(month), int(day))


@dataclass
class Authority:
    a: User
    b: User
    c: User
    qa: User
    children: dict[str, Child]


def _iro(name: str, employment: str, fte: str, gender: str, ethnicity: str) -> User:
    iro = UserFactory(role=User.Role.IRO, first_name=name, last_name="Iro")
    StaffProfile.objects.create(user=iro, employment=employment, fte=Decimal(fte), gender=gender, ethnicity=ethnicity)
    return iro


def hold(child: Child, on: str, code: str, chair: User, late_reason: str = "") -> Review:
    return hold_review(child, d(on), chair=chair, participation=code, late_reason=late_reason)


def leave(child: Child, on: str, reason: str = "E4A") -> None:
    episode = child.episodes.get(end_on__isnull=True)
    episode_end(actor=None, episode=episode, end_on=d(on), reason_ceased=reason)


def new_period(child: Child, on: str, iro: User, legal_status: str = "C2") -> None:
    episode_start(
        actor=None,
        child=child,
        start_on=d(on),
        reason_new="S",
        legal_status=legal_status,
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
    )
    # After short breaks the IRO is still allocated (the arrangement's reviews go on between breaks).
    if not child.allocations.filter(iro=iro, end_on__isnull=True).exists():
        allocation_change(actor=None, child=child, iro=iro, start_on=d(on), reason="new_to_care")


def missing(child: Child, on: str, kind: str = "M") -> None:
    missing_episode_record(actor=None, child=child, kind=kind, start_on=d(on), end_on=d(on))


def escalate(child: Child, on: str, theme: str, by: User, *stages: tuple[str, str]) -> None:
    first, *later = stages or [("informal", on)]
    escalation = escalation_raise(
        actor=by, child=child, raised_on=d(on), theme=theme, summary="A concern.", stage=first[0], sent_to="Manager"
    )
    for stage, sent_on in later:
        escalation_stage_add(
            asked="Agree the plan by the next panel",
            actor=by,
            escalation=escalation,
            stage=stage,
            sent_to="Manager",
            sent_on=d(sent_on),
        )


def build_authority() -> Authority:
    a = _iro("Ada", "permanent", "1.00", "female", "WBRI")
    b = _iro("Bo", "sessional", "0.50", "male", "BAFR")
    c = _iro("Cy", "permanent", "0.80", "female", "WIRI")
    qa = UserFactory(role=User.Role.QA_MANAGER)

    def child(la_id: str, born: str, start: str, iro: User, legal_status: str = "C2") -> Child:
        return make_child(
            la_child_id=la_id, iro=iro, looked_after_from=d(start), date_of_birth=d(born), legal_status=legal_status
        )

    ann = child("ANN", "01/06/2005", "03/03/2013", a)
    hold(ann, "31/03/13", "PN1", a)  # due 31/03/13 (03/03 + 28)
    hold(ann, "20/06/13", "PN1", a)  # due 29/06/13 (31/03 + 90)
    hold(ann, "17/12/13", "PN4", a)  # due 17/12/13 (20/06 + 180)
    hold(ann, "10/06/14", "PN1", a)  # due 15/06/14
    hold(ann, "01/12/14", "PN7", a)  # due 07/12/14; next due 30/05/15

    ben = child("BEN", "01/01/2000", "03/03/2014", a)
    hold(ben, "01/04/14", "PN1", a, "social_worker")  # due 31/03/14
    hold(ben, "30/06/14", "PN2", a)  # due 30/06/14
    hold(ben, "05/01/15", "PN5", a, "iro")  # due 27/12/14; next due 04/07/15

    cara = child("CARA", "15/10/2009", "17/09/2013", b)
    hold(cara, "15/10/13", "PN0", b)  # due 15/10/13, her 4th birthday: PN0 or PN1-7 accepted
    hold(cara, "10/01/14", "PN1", b)  # due 13/01/14
    hold(cara, "09/07/14", "PN4", b)  # due 09/07/14
    leave(cara, "01/08/14")  # the next (05/01/15) is never due

    dan = child("DAN", "05/05/2003", "10/04/2013", b)
    hold(dan, "08/05/13", "PN1", b)  # due 08/05/13
    leave(dan, "30/06/13", "E4B")  # the next (06/08/13) is never due
    new_period(dan, "01/11/13", b)
    hold(dan, "02/12/13", "PN6", b, "late_cla_status")  # due 29/11/13: the clock starts again
    hold(dan, "28/02/14", "PN1", b)  # due 02/03/14
    hold(dan, "27/08/14", "PN3", b)  # due 27/08/14; next due 23/02/15, never held

    eve = child("EVE", "02/02/2001", "01/07/2013", a)
    leave(eve, "20/07/13", "E13")  # before the first review was due (29/07/13)

    finn = child("FINN", "01/01/2006", "01/05/2013", c, legal_status="V4")
    hold(finn, "29/05/13", "PN1", c)  # due 01/08/13: 3 months after the short breaks began
    hold(finn, "10/09/13", "PN7", c, "other")  # due 29/11/13 (so in time); next due 10/03/14, never held
    leave(finn, "30/04/14", "E8")
    new_period(finn, "01/09/14", c)
    hold(finn, "29/09/14", "PN1", c)  # due 29/09/14
    hold(finn, "20/12/14", "PN1", c)  # due 28/12/14

    gus = child("GUS", "01/01/2012", "01/04/2013", a)
    hold(gus, "25/04/13", "PN0", a)  # due 29/04/13
    hold(gus, "24/07/13", "PN0", a)  # due 24/07/13
    late = hold(gus, "27/01/14", "PN0", a, "iro")  # due 20/01/14
    # Imported from the earlier system, where no reason was recorded.
    Review.objects.filter(pk=late.pk).update(late_reason="")
    hold(gus, "26/07/14", "PN0", a)  # due 26/07/14
    hold(gus, "20/01/15", "PN0", a)  # due 22/01/15

    missing(eve, "05/07/13")
    missing(dan, "10/12/13")
    missing(dan, "15/01/14")
    missing(finn, "01/08/13")
    missing(finn, "10/10/14")
    missing(ben, "01/05/14", kind="A")
    missing(ben, "01/06/14")

    escalate(ann, "01/07/13", "safety", a, ("team_manager", "01/07/13"))
    escalate(ann, "01/09/13", "placement_quality", a)
    escalate(dan, "05/12/13", "drift_delay", b, ("informal", "05/12/13"), ("head_of_service", "20/12/13"))
    escalate(finn, "01/10/13", "education", c)
    escalate(ben, "02/05/14", "safety", a)
    escalate(ben, "02/06/14", "unallocated", a, ("informal", "02/06/14"), ("cafcass", "01/07/14"))

    ServiceBudget.objects.create(year=2014, amount=Decimal("3000.00"))
    kids = {c.la_child_id: c for c in (ann, ben, cara, dan, eve, finn, gus)}
    return Authority(a, b, c, qa, kids)


@pytest.fixture
def authority(db) -> Authority:
    return build_authority()
