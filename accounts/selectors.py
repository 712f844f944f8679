from django.shortcuts import get_object_or_404

from .models import Notification, User


def notification_for_user(user: User, public_id) -> Notification:
    """The user's own notification, or 404: no one reaches another's."""
    return get_object_or_404(Notification, public_id=public_id, recipient=user)


def active_qa_managers() -> list[User]:
    """Everyone told about what is overdue or unallocated, service-wide."""
    return list(User.objects.filter(role=User.Role.QA_MANAGER, is_active=True))
