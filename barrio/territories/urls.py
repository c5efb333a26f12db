from django.urls import path

from barrio.territories import views

app_name = "territories"
urlpatterns = [path("import/units/", views.units_import_page, name="import_units")]
