from django.urls import path

from barrio.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<slug:slug>/territory/", views.territory, name="territory"),
    path(
        "programmes/<slug:slug>/territory.geojson",
        views.territory_geojson,
        name="territory_geojson",
    ),
    path("programmes/<slug:slug>/units/<int:unit_id>/", views.unit_detail, name="unit"),
    path(
        "programmes/<slug:slug>/units/<int:unit_id>.geojson",
        views.unit_geojson,
        name="unit_geojson",
    ),
    path(
        "programmes/<slug:slug>/territory.csv",
        views.territory_download,
        {"extension": "csv"},
        name="territory_csv",
    ),
    path(
        "programmes/<slug:slug>/territory.xlsx",
        views.territory_download,
        {"extension": "xlsx"},
        name="territory_xlsx",
    ),
]
