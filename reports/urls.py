from django.urls import path

from . import child_record_views, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("timeliness/", views.iro_timeliness, name="iro_timeliness"),
    path("sessional/", views.sessional, name="sessional"),
    path("sessional/download/", views.sessional_download, name="sessional_download"),
    path("figures/", views.figure_list, name="figures"),
    path("annual/", views.annual_report, name="annual"),
    path("annual/download/", views.annual_download, name="annual_download"),
    path("annual/edit/", views.annual_edit, name="annual_edit"),
    path("children/<uuid:public_id>/record/", child_record_views.child_record_download, name="child_record"),
]
