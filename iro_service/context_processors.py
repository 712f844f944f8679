from django.urls import reverse


def navigation(request) -> dict:
    """The service navigation for the signed-in user: (label, url, is the current section)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    if user.can_see_caseloads:
        items.append(("Caseloads", reverse("children:caseload"), current.startswith(("children:", "reviews:"))))
    # One small indexed count per page, so the number of things to do is always in view.
    to_do = user.notifications.filter(done_at__isnull=True).count()
    items.append(
        (f"Notifications ({to_do})" if to_do else "Notifications", reverse("notifications"), current == "notifications")
    )
    return {"navigation_items": items}
