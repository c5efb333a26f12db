from django.urls import path

from barrio.registry.views import households

app_name = "registry"
urlpatterns = [
    path("programmes/<slug:slug>/", households.dashboard, name="dashboard"),
    path("programmes/<slug:slug>/households/", households.household_list, name="households"),
    path("programmes/<slug:slug>/register/", households.register, name="register"),
    path(
        "programmes/<slug:slug>/drafts/<int:draft_id>/delete/",
        households.draft_delete,
        name="draft_delete",
    ),
    path("households/<int:household_id>/", households.household_detail, name="household"),
]
