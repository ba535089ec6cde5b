from django.urls import path

from danvan.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("new/", views.document_create, name="document-create"),
    path("counts/", views.document_counts, name="document-counts"),
    path("export/", views.document_export, name="document-export"),
    path("issuers/", views.issuer_picker, name="issuer-options"),
    path("<int:pk>/", views.document_detail, name="document-detail"),
    path("<int:pk>/edit/", views.document_edit, name="document-edit"),
    path("<int:pk>/delete/", views.document_delete, name="document-delete"),
    path("<int:pk>/relations/", views.relation_add, name="relation-add"),
    path("<int:pk>/relations/targets/", views.relation_targets, name="relation-targets"),
    path(
        "<int:pk>/relations/<int:relation_id>/delete/",
        views.relation_delete,
        name="relation-delete",
    ),
]
