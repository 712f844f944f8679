from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    # Signed in: asking from the review due next.
    path("ask/<uuid:public_id>/", views.consultation_send_view, name="send"),
    path("<uuid:public_id>/revoke/", views.consultation_revoke_view, name="revoke"),
    path("<uuid:public_id>/resend/", views.consultation_resend_view, name="resend"),
    # Public: answering with the link, no account.
    path("link/<str:token>/", views.open_view, name="open"),
    path("", views.start_view, name="start"),
    path("question/<int:number>/", views.question_view, name="question"),
    path("check-your-answers/", views.check_view, name="check"),
    path("thank-you/", views.thanks_view, name="thanks"),
    path("busy/", views.busy_view, name="busy"),
]
