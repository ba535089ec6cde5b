from django.urls import path

from danvan.initiatives.views import councils, initiatives, public, statistics

app_name = "initiatives"

urlpatterns = [
    path("", initiatives.initiative_list, name="initiative-list"),
    path("new/", initiatives.initiative_create, name="initiative-create"),
    path("validate/", initiatives.initiative_validate, name="initiative-validate"),
    path("export/", initiatives.initiative_export, name="initiative-export"),
    path("organisations/", initiatives.organisation_options, name="organisation-options"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/export/", statistics.statistics_export, name="statistics-export"),
    path("<int:pk>/", initiatives.initiative_detail, name="initiative-detail"),
    path("<int:pk>/edit/", initiatives.initiative_update, name="initiative-update"),
    path("<int:pk>/step/", initiatives.initiative_transition, name="initiative-transition"),
    path("<int:pk>/replications/", initiatives.replication_add, name="replication-add"),
    path(
        "<int:pk>/replications/<int:replication_pk>/delete/",
        initiatives.replication_delete,
        name="replication-delete",
    ),
    path("<int:pk>/evaluations/", initiatives.evaluation_add, name="evaluation-add"),
    path("councils/", councils.council_list, name="council-list"),
    path("councils/new/", councils.council_create, name="council-create"),
    path("councils/<int:pk>/", councils.council_detail, name="council-detail"),
    path(
        "councils/<int:pk>/members/<int:member_pk>/remove/",
        councils.council_member_remove,
        name="council-member-remove",
    ),
    path("rounds/<int:pk>/", councils.round_detail, name="round-detail"),
    path("rounds/<int:pk>/entries/", councils.round_add_entries, name="round-add-entries"),
    path("rounds/<int:pk>/score/", councils.round_score, name="round-score"),
    path("rounds/<int:pk>/score/<int:entry_pk>/", councils.entry_score, name="entry-score"),
    path("rounds/<int:pk>/close/", councils.round_close, name="round-close"),
]

# The public showcase: no login, recognised models only.
public_urlpatterns = [
    path("", public.showcase, name="list"),
    path("<int:pk>/", public.showcase_detail, name="detail"),
    path("provinces/<int:code>/", public.showcase_province, name="province"),
]
