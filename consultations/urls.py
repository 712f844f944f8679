from django.urls import path, re_path

from . import views

app_name = "consultations"
urlpatterns = [
    # Signed in: asking from the review due next.
    path("ask/<uuid:public_id>/", views.consultation_send_view, name="send"),
    path("<uuid:public_id>/revoke/", views.consultation_revoke_view, name="revoke"),
    path("<uuid:public_id>/resend/", views.consultation_resend_view, name="resend"),
    # Public: answering with the link, no account.
    # Anything after the token is ignored (a link a mail program added to), and a link missing its
    # last slash is redirected to it before URLs are resolved: no request with a token ever ends in a
    # "not found" that Django would log with its path.
    re_path(r"^link/(?P<token>[^/]+)/.*$", views.open_view, name="open"),
    path("", views.start_view, name="start"),
    path("question/<int:number>/", views.question_view, name="question"),
    path("check-your-answers/", views.check_view, name="check"),
    path("thank-you/", views.thanks_view, name="thanks"),
    path("busy/", views.busy_view, name="busy"),
]
