"""When the midway check between two reviews falls due: a pure rule, with no database."""

from datetime import date, timedelta


def midway_due(last_held_on: date, next_due_on: date) -> date:
    """Halfway between the review last held and the date the next one is due (the earlier of the two
    middle days when the interval has an odd number of days): DOMAIN.md, "Between reviews"."""
    return last_held_on + timedelta(days=(next_due_on - last_held_on).days // 2)
