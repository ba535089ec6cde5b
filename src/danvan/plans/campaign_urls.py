"""Pages of campaigns, mounted at /campaigns/."""

from django.urls import path

from danvan.plans.views import campaigns as views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("options/organisations/", views.organisation_picker, name="organisation-options"),
    path("options/members/", views.member_picker, name="member-options"),
    path("options/documents/", views.document_picker, name="document-options"),
    path("<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("<int:pk>/step/<slug:name>/", views.campaign_step, name="campaign-step"),
    path("<int:pk>/indicators/", views.indicator_add, name="campaign-indicator-add"),
    path(
        "<int:pk>/indicators/<int:indicator_id>/edit/",
        views.indicator_edit,
        name="campaign-indicator-edit",
    ),
    path(
        "<int:pk>/indicators/<int:indicator_id>/delete/",
        views.indicator_delete,
        name="campaign-indicator-delete",
    ),
    path("<int:pk>/links/", views.link_add, name="campaign-link-add"),
    path("<int:pk>/links/search/", views.link_search, name="campaign-link-search"),
    path("<int:pk>/links/<int:link_id>/delete/", views.link_delete, name="campaign-link-delete"),
    path("<int:pk>/awards/", views.award_add, name="campaign-award-add"),
    path(
        "<int:pk>/awards/<int:award_id>/delete/", views.award_delete, name="campaign-award-delete"
    ),
    path("<int:pk>/progress/", views.campaign_progress, name="campaign-progress"),
]
