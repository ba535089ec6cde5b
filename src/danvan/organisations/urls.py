from django.urls import path

from danvan.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="organisation-list"),
    path("new/", views.organisation_create, name="organisation-create"),
    path("parents/", views.parent_options, name="organisation-parent-options"),
    path("<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("<int:pk>/edit/", views.organisation_update, name="organisation-update"),
    path("<int:pk>/delete/", views.organisation_delete, name="organisation-delete"),
]
