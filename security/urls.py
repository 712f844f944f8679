from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

from . import views

# Names without a namespace: Django's own auth views reverse these.
urlpatterns = [
    path("sign-in/two-factor/", views.two_factor, name="two_factor"),
    path("accounts/", views.account_list, name="account_list"),
    path("retention/", views.retention_view, name="retention"),
    path("accounts/new-iro/", views.iro_create_view, name="iro_create"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/changed/",
        auth_views.PasswordChangeDoneView.as_view(template_name="security/password_changed.html"),
        name="password_change_done",
    ),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="security/password_reset.html",
            email_template_name="security/emails/password_reset_body.txt",
            subject_template_name="security/emails/password_reset_subject.txt",
            extra_email_context={"timeout_minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
            extra_context={"reset_minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        TemplateView.as_view(template_name="security/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password-reset/done/",
        TemplateView.as_view(template_name="security/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
