from django.urls import path

from . import monitoring_views

urlpatterns = [
    path("case-notes/new/<uuid:public_id>/", monitoring_views.case_note_record_view, name="case_note_record"),
    path("midway-checks/new/<uuid:public_id>/", monitoring_views.midway_check_record_view, name="midway_check_record"),
]
