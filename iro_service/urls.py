from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views
from core.forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("security.urls")),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<uuid:public_id>/done/", views.notification_done, name="notification_done"),
    path("children/", include("children.urls")),
    path("reviews/", include("reviews.urls")),
    path("903-return/", include("ssda903.urls")),
    path("reports/", include("reports.urls")),
    path("escalations/", include("escalations.urls")),
    # Views before a review: the IRO asks; the person answers with their link and no account.
    path("have-your-say/", include("consultations.urls")),
    path("admin/", admin.site.urls),
]
