"""Attachments over the API: list, upload, metadata, download and delete, within the owner's scope.

An owner is named as in the audit trail: `owner_type` ("initiatives.initiative") and `owner_id`.
"""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from danvan.audit.api import register_history
from danvan.core import attachments
from danvan.core.api_utils import error_responses, field_error, paginated
from danvan.core.attachment_views import file_response
from danvan.core.models import Attachment

router = Router(tags=["attachments"])
register_history("core.attachment", attachments.attachment_get_for_user)


class AttachmentOwnerIn(Schema):
    owner_type: str = Field(description='The record\'s type as in the audit trail, "app.model".')
    owner_id: str = Field(description="The record's id.")


class AttachmentOut(Schema):
    id: int
    owner_type: str
    owner_id: str
    kind: str = Field(description="image, pdf, docx or xlsx, read from the file's content.")
    original_name: str
    mime_type: str
    size: int = Field(description="Bytes.")
    sha256: str
    caption: str
    is_generated: bool = Field(description="Produced by the system; cannot be deleted.")
    is_public: bool
    uploaded_by: str | None = Field(None, description="Display name of the uploader.")
    created_at: datetime
    download_url: str
    thumbnail_url: str | None = Field(None, description="A JPEG of at most 320 px, for images.")

    @staticmethod
    def resolve_uploaded_by(obj: Attachment) -> str | None:
        return obj.uploaded_by.display_name if obj.uploaded_by_id else None

    @staticmethod
    def resolve_download_url(obj: Attachment) -> str:
        return reverse("api:attachment_download", kwargs={"attachment_id": obj.pk})

    @staticmethod
    def resolve_thumbnail_url(obj: Attachment) -> str | None:
        return reverse("core:attachment-thumbnail", args=[obj.pk]) if obj.thumbnail else None


def _owner(request, owner_type: str, owner_id: str, *, source: str):
    try:
        return attachments.owner_get_for_user(request.user, owner_type, owner_id)
    except attachments.UnknownOwnerType:
        raise field_error(
            "owner_type",
            _("Files cannot be attached to “%(type)s”. Use one of: %(types)s.")
            % {"type": owner_type, "types": ", ".join(attachments.registered_owner_types())},
            source=source,
        ) from None


@router.get("", response={200: list[AttachmentOut], **error_responses(404, 422)})
@paginated
def attachment_list(request, owner: Query[AttachmentOwnerIn]):
    """The files of one record the caller may see, oldest first."""
    record = _owner(request, owner.owner_type, owner.owner_id, source="query")
    return attachments.attachments_for(record)


@router.post("", response={201: AttachmentOut, **error_responses(400, 403, 404, 422)})
def attachment_upload(
    request,
    owner_type: Form[str],
    owner_id: Form[str],
    file: File[UploadedFile],
    caption: Form[str] = "",
):
    """Attach a photo (JPEG, PNG, WebP, GIF), PDF, Word (.docx) or Excel (.xlsx) file.

    The type is read from the content and must agree with the file name; refused files answer
    400 with `details.field` = "file" and are not stored.
    """
    record = _owner(request, owner_type, owner_id, source="form")
    attachment = attachments.attachment_add(
        owner=record, uploaded_file=file, actor=request.user, caption=caption
    )
    return Status(201, attachment)


@router.get("/{int:attachment_id}", response={200: AttachmentOut, **error_responses(404)})
def attachment_detail(request, attachment_id: int):
    return attachments.attachment_get_for_user(request.user, attachment_id)


@router.get(
    "/{int:attachment_id}/download",
    response={200: None, **error_responses(404)},
    url_name="attachment_download",
)
def attachment_download(request, attachment_id: int):
    """The file itself, as a download under its original name."""
    return file_response(attachments.attachment_get_for_user(request.user, attachment_id))


@router.delete("/{int:attachment_id}", response={204: None, **error_responses(400, 403, 404)})
def attachment_delete(request, attachment_id: int):
    """Delete an uploaded file (files the system produced cannot be deleted: 400)."""
    attachment = attachments.attachment_get_for_user(request.user, attachment_id)
    attachments.attachment_delete(attachment=attachment, actor=request.user)
    return Status(204, None)
