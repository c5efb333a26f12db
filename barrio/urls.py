"""Barrio's URLs: the pages of each app, the API under /api/v1/, and the admin."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from barrio.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("barrio.portal.urls")),
    path("", include("barrio.planning.urls")),
    path("accounts/", include("barrio.accounts.urls")),
    path("jobs/", include("barrio.jobs.urls")),
    path("territories/", include("barrio.territories.urls")),
    path("registry/", include("barrio.registry.urls")),
    path("participation/", include("barrio.participation.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "barrio.accounts.views.permission_denied"
handler404 = "barrio.accounts.views.page_not_found"
