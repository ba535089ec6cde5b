"""Attachment pages, mounted under core's namespace (`core:attachment-…`)."""

from django.urls import path

from danvan.core import attachment_views as views

urlpatterns = [
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/thumb/", views.attachment_thumbnail, name="attachment-thumbnail"),
    path(
        "attachments/upload/<str:owner_type>/<str:owner_id>/",
        views.attachment_upload,
        name="attachment-upload",
    ),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment-delete"),
    path(
        "attachments/<int:pk>/visibility/",
        views.attachment_visibility,
        name="attachment-visibility",
    ),
    path("public/attachments/<int:pk>/", views.attachment_public, name="attachment-public"),
    path(
        "public/attachments/<int:pk>/thumb/",
        views.attachment_public_thumbnail,
        name="attachment-public-thumbnail",
    ),
]
