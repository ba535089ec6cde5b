from django.urls import path

from danvan.core import import_views

urlpatterns = [
    path("", import_views.import_list, name="import-list"),
    path("<int:pk>/", import_views.import_detail, name="import-detail"),
    path("<int:pk>/commit/", import_views.import_commit, name="import-commit"),
    path("<int:pk>/rejected.xlsx", import_views.import_rejected, name="import-rejected"),
    path("<slug:schema>/", import_views.import_start, name="import-start"),
    path("<slug:schema>/template.xlsx", import_views.import_template, name="import-template"),
]
