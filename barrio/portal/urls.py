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
]
