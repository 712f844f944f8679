from django.urls import path

from . import views

app_name = "children"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("<uuid:public_id>/", views.child_detail, name="detail"),
    path("<uuid:public_id>/iro/", views.allocation_change_view, name="allocate"),
]
