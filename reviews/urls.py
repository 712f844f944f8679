from django.urls import path

from . import monitoring_urls, views

app_name = "reviews"
urlpatterns = [
    path("new/<uuid:public_id>/", views.review_record_view, name="record"),
    path("<uuid:public_id>/", views.review_detail_view, name="detail"),
    path("<uuid:public_id>/edit/", views.review_edit_view, name="edit"),
    path("<uuid:public_id>/meeting/", views.meeting_book_view, name="book_meeting"),
    path("meetings/<uuid:public_id>/cancel/", views.meeting_cancel_view, name="cancel_meeting"),
    path("short-breaks/<uuid:public_id>/agreement/", views.short_break_agreement_view, name="short_break_agreement"),
    # Preparing the review.
    path("<uuid:public_id>/prepare/", views.review_prepare_view, name="prepare"),
    path("<uuid:public_id>/people/add/", views.participant_add_view, name="add_participant"),
    path("people/<uuid:public_id>/remove/", views.participant_remove_view, name="remove_participant"),
    path("<uuid:public_id>/views/add/", views.views_add_view, name="add_views"),
    path("views/<uuid:public_id>/remove/", views.views_remove_view, name="remove_views"),
    # Recording it, page by page, from a draft.
    path("<uuid:public_id>/record/", views.journey_start_view, name="journey_start"),
    path("<uuid:public_id>/record/check-your-answers/", views.journey_check_view, name="journey_check"),
    path("<uuid:public_id>/record/discard/", views.journey_discard_view, name="journey_discard"),
    path("<uuid:public_id>/record/<slug:page>/", views.journey_page_view, name="journey"),
    # Its actions and documents.
    path("actions/<uuid:public_id>/", views.action_update_view, name="update_action"),
    path("<uuid:public_id>/documents/<slug:document>.<str:fmt>", views.document_download_view, name="document"),
    path("<uuid:public_id>/documents/<slug:document>/sent/", views.document_sent_view, name="document_sent"),
]

# Monitoring between reviews: case notes and midway checks.
urlpatterns += monitoring_urls.urlpatterns
