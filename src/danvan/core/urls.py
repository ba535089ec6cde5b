from django.urls import include, path

from danvan.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("territory/switch/", views.territory_switch, name="territory-switch"),
    path(
        "territory/switch/options/", views.territory_switch_options, name="territory-switch-options"
    ),
    path("territory/options/", views.territory_options, name="territory-options"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="job-download"),
    path("healthz", views.healthz, name="healthz"),
    path("imports/", include("danvan.core.import_urls")),
    path("", include("danvan.core.attachment_urls")),
    path("notifications/", include("danvan.core.notification_views")),
]
