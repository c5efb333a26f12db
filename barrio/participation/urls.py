from django.urls import URLPattern, URLResolver, path

from barrio.participation.views import assemblies, reviews

app_name = "participation"
# Each subject's pages (calls, groups, proposals, reviews, assemblies) add their paths here.
urlpatterns: list[URLPattern | URLResolver] = []

# Committee review and assemblies (the review half of issue 7).
urlpatterns += [
    path("review/programmes/<slug:slug>/", reviews.review_queue, name="review_queue"),
    path(
        "review/assignments/<int:assignment_id>/",
        reviews.review_assignment,
        name="review_assignment",
    ),
    path("review/calls/<int:call_id>/", reviews.review_overview, name="review_overview"),
    path("review/calls/<int:call_id>/minutes.pdf", reviews.review_minutes, name="review_minutes"),
    path("assemblies/calls/<int:call_id>/", assemblies.assembly_list, name="assembly_list"),
    path("assemblies/calls/<int:call_id>/new/", assemblies.assembly_new, name="assembly_new"),
    path("assemblies/<int:assembly_id>/", assemblies.assembly, name="assembly"),
    path(
        "assemblies/<int:assembly_id>/minutes.pdf",
        assemblies.assembly_minutes,
        name="assembly_minutes",
    ),
    path(
        "programmes/<slug:slug>/approved/",
        assemblies.approved_proposals,
        name="approved_proposals",
    ),
]
