from django.urls import URLPattern, URLResolver

app_name = "participation"
# Each subject's pages (calls, groups, proposals, reviews, assemblies) add their paths here.
urlpatterns: list[URLPattern | URLResolver] = []
