from django.urls import path

from . import monitoring_urls, views

app_name = "reviews"
urlpatterns = [
    path("new/<uuid:public_id>/", views.review_record_view, name="record"),
    path("<uuid:public_id>/edit/", views.review_edit_view, name="edit"),
    path("<uuid:public_id>/meeting/", views.meeting_book_view, name="book_meeting"),
    path("meetings/<uuid:public_id>/cancel/", views.meeting_cancel_view, name="cancel_meeting"),
    path("short-breaks/<uuid:public_id>/agreement/", views.short_break_agreement_view, name="short_break_agreement"),
]

# Monitoring between reviews: case notes and midway checks.
urlpatterns += monitoring_urls.urlpatterns
