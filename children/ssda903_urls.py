from django.urls import path

from . import ssda903_views

app_name = "ssda903"
urlpatterns = [
    path("", ssda903_views.ssda903_page, name="page"),
    path("download/", ssda903_views.ssda903_download, name="download"),
]
