"""The public registry's addresses, in the namespace ``registry`` (``path("registry/", include(...))``)."""

from django.urls import path

from .registry import progress, views

app_name = "registry"

urlpatterns = [
    path("", views.areas, name="areas"),
    path("zones/", views.zones, name="zones"),
    path("areas/<int:pk>/", views.area, name="area"),
    path("areas/<int:pk>/badge.svg", views.badge, name="badge"),
    path("zones/<int:pk>/", views.zone, name="zone"),
    path("statistics/", views.statistics, name="statistics"),
    path("map/", views.map_page, name="map"),
    path("areas.csv", views.areas_csv, name="areas_csv"),
    path("zones.csv", views.zones_csv, name="zones_csv"),
    path("progress/", progress.index, name="progress"),
    path("progress.csv", progress.index_csv, name="progress_csv"),
]
