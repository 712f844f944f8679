"""The themes of an IRO's concerns and the stages of the dispute resolution process (DRP).

Plain code lists with no database, so that settings can check the per-stage deadlines against them.
"""

from django.db import models


class Theme(models.TextChoices):
    # The seed's themes first (its table of representations, 2013-14), then those it did not count.
    SAFETY = "safety", "Safety of the young person (risk of CSE, going missing, emotional state)"
    PLACEMENT_QUALITY = "placement_quality", "Quality of placement"
    DRIFT_DELAY = "drift_delay", "Drift or delay in care planning"
    UNALLOCATED = "unallocated", "Case unallocated or worker unavailable"
    EDUCATION = "education", "Education"
    REVIEW_PROCESS = "review_process", "The review itself (no paperwork, social worker absent)"
    HEALTH = "health", "Health"
    CONTACT = "contact", "Contact"
    OTHER = "other", "Other"


class Stage(models.TextChoices):
    """In the order a concern goes up: informally to the social work team, then the management line,
    then outside the authority to Cafcass. An escalation only ever moves up this list (stages may be
    skipped), so the stage it is at is also the highest it has reached."""

    INFORMAL = "informal", "Informal, with the social work team"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    DIRECTOR = "director", "Director"
    CAFCASS = "cafcass", "Referral to Cafcass"


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)
# The formal DRP: the management line, expected to finish within 20 working days of its first stage.
FORMAL_STAGES = frozenset({Stage.TEAM_MANAGER, Stage.SERVICE_MANAGER, Stage.HEAD_OF_SERVICE, Stage.DIRECTOR})
# "Escalated to senior managers" in the seed's words.
SENIOR_STAGES = frozenset({Stage.HEAD_OF_SERVICE, Stage.DIRECTOR})

DEFAULT_RESPONSE_WORKING_DAYS = 5


def stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage)


def stages_after(stage: str) -> list[str]:
    """The stages an escalation at `stage` can still move to (skipping any in between)."""
    return list(STAGE_ORDER[stage_rank(stage) + 1 :])
