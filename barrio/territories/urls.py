from django.urls import path

from barrio.territories import views

app_name = "territories"
urlpatterns = [
    path("import/units/", views.units_import_page, name="import_units"),
    path("import/indicators/", views.indicators_import_page, name="import_indicators"),
    path("indices/", views.index_page, name="indices"),
    path("names/", views.names_page, name="names"),
    path("names/<int:choice_id>/", views.name_choose, name="name_choose"),
]
