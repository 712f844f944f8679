"""When the IRO's midway check between two reviews falls due, and its status: pure rules, with no
database (the reviews app records the checks; the caseload and the child's page show them)."""

from datetime import date, timedelta


def midway_due(last_held_on: date, next_due_on: date) -> date:
    """Halfway between the review last held and the date the next one is due (the earlier of the two
    middle days when the interval has an odd number of days): DOMAIN.md, "Between reviews"."""
    return last_held_on + timedelta(days=(next_due_on - last_held_on).days // 2)


class MidwayStatus:
    DONE = "done"
    DUE = "due"  # the midpoint is today or later
    NOT_DONE = "not_done"  # the midpoint has passed with no check recorded
    LABELS = {DONE: "Done", DUE: "Due", NOT_DONE: "Not done"}


def midway_status(*, due_on: date, done: bool, today: date) -> str:
    if done:
        return MidwayStatus.DONE
    return MidwayStatus.NOT_DONE if due_on < today else MidwayStatus.DUE
