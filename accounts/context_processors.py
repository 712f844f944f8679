from django.urls import reverse


def navigation(request) -> dict:
    """The service navigation for the signed-in user: (label, url, is the current section)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    if user.sees_service_figures:
        # The QA dashboard and the annual report (the Director's home page is the dashboard).
        items.append(("Dashboard", reverse("reports:dashboard"), current.startswith("reports:")))
    if user.can_see_caseloads:
        items.append(("Caseloads", reverse("children:caseload"), current.startswith(("children:", "reviews:"))))
    if user.is_iro:
        # Their own figures for the year, as discussed in supervision.
        items.append(("Your timeliness", reverse("reports:iro_timeliness"), current == "reports:iro_timeliness"))
    if user.sees_escalations:
        items.append(("Escalations", reverse("escalations:list"), current.startswith("escalations:")))
    if user.sees_every_child:
        items.append(("903 return", reverse("ssda903:page"), current.startswith("ssda903:")))
    if user.is_administrator or user.is_superuser:
        items.append(("Accounts", reverse("account_list"), current.startswith("account")))
    # One small indexed count per page, so the number of things to do is always in view.
    to_do = user.notifications.filter(done_at__isnull=True).count()
    items.append(
        (f"Notifications ({to_do})" if to_do else "Notifications", reverse("notifications"), current == "notifications")
    )
    return {"navigation_items": items}
