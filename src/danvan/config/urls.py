from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from danvan.config.api import api
from danvan.initiatives.urls import public_urlpatterns as public_initiative_urls

urlpatterns = [
    path("", include("danvan.core.urls")),
    path("accounts/", include("danvan.accounts.urls")),
    path("territories/", include("danvan.territories.urls")),
    path("organisations/", include("danvan.organisations.urls")),
    path("audit/", include("danvan.audit.urls")),
    path("models/", include("danvan.initiatives.urls")),
    path("clearance/", include("danvan.clearance.urls")),
    path("dialogues/", include("danvan.dialogues.urls")),
    path("public/petitions/", include("danvan.dialogues.public_urls")),
    path("documents/", include("danvan.documents.urls")),
    path("plans/", include("danvan.plans.urls")),
    path("campaigns/", include("danvan.plans.campaign_urls")),
    path("reports/", include("danvan.reports.urls")),
    path(
        "public/models/",
        include((public_initiative_urls, "initiatives_public"), namespace="showcase"),
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
