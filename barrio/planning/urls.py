from django.urls import path

from barrio.planning import views

app_name = "planning"
urlpatterns = [
    path("programmes/<slug:slug>/planning/", views.plans, name="plans"),
    path("programmes/<slug:slug>/targeting/new/", views.targeting_new, name="targeting_new"),
    path(
        "programmes/<slug:slug>/targeting/compare/",
        views.targeting_compare,
        name="targeting_compare",
    ),
    path(
        "programmes/<slug:slug>/targeting/<int:run_id>/",
        views.targeting_run,
        name="targeting_run",
    ),
    path(
        "programmes/<slug:slug>/targeting/<int:run_id>.csv",
        views.targeting_run_csv,
        name="targeting_run_csv",
    ),
    path(
        "programmes/<slug:slug>/targeting/<int:run_id>.geojson",
        views.targeting_run_geojson,
        name="targeting_run_geojson",
    ),
    path(
        "programmes/<slug:slug>/targeting/<int:run_id>/approve/",
        views.targeting_approve,
        name="targeting_approve",
    ),
    path(
        "programmes/<slug:slug>/apportionments/new/",
        views.apportionment_new,
        name="apportionment_new",
    ),
    path(
        "programmes/<slug:slug>/apportionments/<int:apportionment_id>/",
        views.apportionment,
        name="apportionment",
    ),
]
