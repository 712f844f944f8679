"""Signals for the apps above this one, which this app does not import."""

from django.dispatch import Signal

# Sent with `child` by every service that changes a child's episodes, inside its transaction and
# with the child locked, so that what depends on the episodes (the review schedule, in reviews/apps.py)
# is brought up to date in the same transaction.
episodes_changed = Signal()
