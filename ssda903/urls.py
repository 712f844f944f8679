from django.urls import path

from . import views

app_name = "ssda903"
urlpatterns = [
    path("", views.ssda903_page, name="page"),
    path("download/", views.ssda903_download, name="download"),
]
