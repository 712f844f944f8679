from django.urls import path

from . import views

app_name = "children"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("<uuid:public_id>/", views.child_detail, name="detail"),
    path("<uuid:public_id>/about/", views.child_about, name="about"),
    path("<uuid:public_id>/history/", views.child_history, name="history"),
    path("<uuid:public_id>/audit/", views.child_audit_view, name="audit"),
    path("<uuid:public_id>/details/", views.child_details_view, name="details"),
    path("<uuid:public_id>/people/new/", views.contact_add_view, name="contact_add"),
    path("people/<uuid:public_id>/", views.contact_edit_view, name="contact_edit"),
    path("people/<uuid:public_id>/remove/", views.contact_remove_view, name="contact_remove"),
    path("<uuid:public_id>/siblings/", views.siblings_view, name="siblings"),
    path("<uuid:public_id>/iro/", views.allocation_change_view, name="allocate"),
    path("<uuid:public_id>/missing/new/", views.missing_episode_record_view, name="missing_record"),
    path("cover/new/", views.cover_record_view, name="cover_record"),
    path("reallocate/", views.caseload_reallocate_view, name="reallocate"),
    path("missing/<uuid:public_id>/", views.missing_episode_edit_view, name="missing_edit"),
]
