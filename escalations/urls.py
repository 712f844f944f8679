from django.urls import path

from . import views

app_name = "escalations"
urlpatterns = [
    path("", views.escalation_list, name="list"),
    path("report/", views.director_report_view, name="report"),
    path("new/<uuid:public_id>/", views.escalation_raise_view, name="raise"),
    path("new/from-review/<uuid:public_id>/", views.escalation_raise_from_review_view, name="raise_from_review"),
    path("<uuid:public_id>/", views.escalation_detail, name="detail"),
    path("<uuid:public_id>/escalate/", views.escalation_stage_view, name="escalate"),
    path("<uuid:public_id>/refer/", views.escalation_refer_view, name="refer"),
    path("<uuid:public_id>/resolve/", views.escalation_resolve_view, name="resolve"),
    path("<uuid:public_id>/withdraw/", views.escalation_withdraw_view, name="withdraw"),
    path("stages/<uuid:public_id>/response/", views.stage_response_view, name="respond"),
]
