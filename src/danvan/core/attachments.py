"""Files attached to any record: which owners accept them, checks, storage, thumbnails, reads.

An app opts in once, usually in its `AppConfig.ready`:

    attachments.register(Initiative, view_action="initiatives.view",
                         change_action="initiatives.change", public=lambda i: i.is_published)

Who may see or change the files then follows the owner record: its view action and territory
decide reads, its change action decides uploads, deletions and the public flag. Detail pages add
the block with one line, `{% load attachments %}{% attachments_block obj %}`, or include
`core/partials/attachments.html` with the dict `attachments_context(request, obj)` returns.
"""

import hashlib
import io
import logging
import re
import unicodedata
import uuid
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from danvan.audit import services as audit
from danvan.core import scope
from danvan.core.errors import DomainError
from danvan.core.models import Attachment, AttachmentKind
from danvan.core.templatetags.vn import format_number

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_UNPACKED_BYTES = 100 * MB
MAX_ZIP_ENTRIES = 10_000
THUMBNAIL_SIZE = 320
HEAD_BYTES = 8192

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIME = "application/pdf"

# Detected MIME type -> (kind, file name endings that may carry it, Pillow's format name).
FORMATS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "image/jpeg": (AttachmentKind.IMAGE, (".jpg", ".jpeg", ".jfif"), "JPEG"),
    "image/png": (AttachmentKind.IMAGE, (".png",), "PNG"),
    "image/webp": (AttachmentKind.IMAGE, (".webp",), "WEBP"),
    "image/gif": (AttachmentKind.IMAGE, (".gif",), "GIF"),
    PDF_MIME: (AttachmentKind.PDF, (".pdf",), ""),
    DOCX_MIME: (AttachmentKind.DOCX, (".docx",), ""),
    XLSX_MIME: (AttachmentKind.XLSX, (".xlsx",), ""),
}
# For the file picker; the server checks the content whatever the browser lets through.
ACCEPT = ",".join(ext for _kind, exts, _fmt in FORMATS.values() for ext in exts)


# --- Registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerType:
    """How one model takes attachments: its actions, where its territory is, when it is public."""

    key: str
    model: type[models.Model]
    view_action: str
    change_action: str
    territory_attr: str = "territory"
    public: Callable[[Any], bool] | None = None
    # Called with the owner when its files or their extracted text changed (an owner that
    # indexes the text of its files rebuilds its search column there).
    on_files_changed: Callable[[Any], None] | None = None

    def territory_of(self, owner: models.Model):
        value: Any = owner
        for part in self.territory_attr.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def is_public(self, owner: models.Model) -> bool:
        return self.public is not None and bool(self.public(owner))


_OWNERS: dict[str, OwnerType] = {}


class UnknownOwnerType(LookupError):
    """The owner type names no model registered for attachments."""


def _key_of(model_or_obj) -> str:
    return audit.object_type_of(model_or_obj)


def register(
    model_class: type[models.Model],
    *,
    view_action: str,
    change_action: str,
    territory_attr: str = "territory",
    public: Callable[[Any], bool] | None = None,
    on_files_changed: Callable[[Any], None] | None = None,
) -> None:
    """Let records of `model_class` take attachments, guarded by the given scope actions.

    `territory_attr` may be a dotted path ("campaign.territory"); `public(owner)` says whether
    the owner is shown on the public portal (files marked public are served only then);
    `on_files_changed(owner)` runs after a file was removed or its text was extracted.
    """
    key = _key_of(model_class)
    _OWNERS[key] = OwnerType(
        key, model_class, view_action, change_action, territory_attr, public, on_files_changed
    )


def notify_files_changed(owner_type: str, owner_id) -> None:
    """Tell the owner (if it still exists and asked to be told) that its files changed."""
    try:
        config = owner_type_for(owner_type)
    except UnknownOwnerType:
        return
    if config.on_files_changed is None:
        return
    owner = config.model._default_manager.filter(pk=owner_id).first()
    if owner is not None:
        config.on_files_changed(owner)


def owner_type_for(key: str) -> OwnerType:
    try:
        return _OWNERS[key]
    except KeyError as exc:
        raise UnknownOwnerType(key) from exc


def registered_owner_types() -> list[str]:
    return sorted(_OWNERS)


def _config_of(owner: models.Model) -> OwnerType:
    return owner_type_for(_key_of(owner))


def owner_of(attachment: Attachment) -> models.Model:
    """The record the attachment belongs to (raises the model's DoesNotExist when it is gone)."""
    cached = getattr(attachment, "_owner", None)
    if cached is not None:
        return cached
    config = owner_type_for(attachment.owner_type)
    owner = config.model._default_manager.get(pk=attachment.owner_id)
    attachment._owner = owner
    return owner


def _owner_filter(owner: models.Model) -> dict[str, str]:
    return {"owner_type": _key_of(owner), "owner_id": str(owner.pk)}


# --- Checking an upload ----------------------------------------------------------------------


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _size_in_mb(size: int) -> str:
    return format_number(size / MB, 1).removesuffix(",0")


def _reject(message: str, code: str = "bad_file") -> DomainError:
    return DomainError(message, code=code, field="file")


def _read_head(uploaded_file) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    return head


def _office_mime(uploaded_file) -> str:
    """DOCX or XLSX from the names inside the zip; other zips and zip bombs are refused."""
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise _reject(_("This file is damaged or is not a Word or Excel document.")) from exc
    finally:
        uploaded_file.seek(0)
    # The sizes declared in the directory bound what extracting could produce; a document
    # that claims more is a zip bomb, not a report.
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise _reject(_("This document unpacks to more than 100 MB and is refused."), "too_large")
    names = {entry.filename for entry in entries}
    if "word/document.xml" in names:
        return DOCX_MIME
    if "xl/workbook.xml" in names:
        return XLSX_MIME
    raise _reject(
        _("Archives are not accepted: only Word (.docx) and Excel (.xlsx) documents are.")
    )


def _too_many_pixels() -> DomainError:
    return _reject(
        _("The image is larger than %(mp)s megapixels; reduce its size first.")
        % {"mp": MAX_IMAGE_PIXELS // 1_000_000},
        "too_large",
    )


def _check_image(uploaded_file, pillow_format: str) -> None:
    damaged = _("This image is damaged or could not be read.")
    try:
        with warnings.catch_warnings():
            # Our own pixel limit is lower than Pillow's warning threshold and answers first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            uploaded_file.seek(0)
            with Image.open(uploaded_file) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels()
                if image.format != pillow_format:
                    raise _reject(damaged)
                image.verify()
            # verify() checks the structure only; decoding proves the pixels are readable too.
            uploaded_file.seek(0)
            with Image.open(uploaded_file) as image:
                image.load()
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _reject(damaged) from exc
    finally:
        uploaded_file.seek(0)


def _detect_mime(uploaded_file, head: bytes) -> str:
    if head.startswith(b"%PDF-"):
        return PDF_MIME
    if head.startswith(b"PK\x03\x04"):
        return _office_mime(uploaded_file)
    guess = filetype.image_match(head)
    if guess is not None and guess.mime in FORMATS:
        return guess.mime
    raise _reject(
        _(
            "This type of file is not accepted. Attach a photo (JPEG, PNG, WebP, GIF), "
            "a PDF, a Word (.docx) or an Excel (.xlsx) document."
        ),
        "bad_type",
    )


def validate_upload(uploaded_file: UploadedFile) -> tuple[str, str]:
    """The kind and MIME type of an upload, read from its content; raises DomainError.

    The name only has to agree with the content: a PNG called .pdf is refused, so nobody
    downloads a file that opens as something else than it says.
    """
    size = uploaded_file.size or 0
    if size <= 0:
        raise _reject(_("The file is empty."), "empty")
    max_bytes = _limit("DANVAN_ATTACHMENT_MAX_BYTES", 20 * MB)
    if size > max_bytes:
        raise _reject(
            _("The file is larger than %(limit)s MB.") % {"limit": _size_in_mb(max_bytes)},
            "too_large",
        )
    head = _read_head(uploaded_file)
    mime_type = _detect_mime(uploaded_file, head)
    kind, extensions, pillow_format = FORMATS[mime_type]
    if kind == AttachmentKind.IMAGE:
        image_max = _limit("DANVAN_ATTACHMENT_IMAGE_MAX_BYTES", 10 * MB)
        if size > image_max:
            raise _reject(
                _("Images may be at most %(limit)s MB.") % {"limit": _size_in_mb(image_max)},
                "too_large",
            )
    suffix = PurePosixPath(safe_filename(uploaded_file.name or "")).suffix.lower()
    if suffix not in extensions:
        values = {
            "suffix": suffix,
            "kind": _format_label(mime_type),
            "expected": " / ".join(extensions),
        }
        if suffix:
            message = _(
                "The file name ends in “%(suffix)s” but the file is a %(kind)s; "
                "rename it to end in %(expected)s."
            )
        else:
            message = _(
                "The file name has no extension but the file is a %(kind)s; "
                "rename it to end in %(expected)s."
            )
        raise _reject(message % values, "wrong_extension")
    if kind == AttachmentKind.IMAGE:
        _check_image(uploaded_file, pillow_format)
    return kind, mime_type


def _format_label(mime_type: str) -> str:
    labels = {
        "image/jpeg": _("JPEG image"),
        "image/png": _("PNG image"),
        "image/webp": _("WebP image"),
        "image/gif": _("GIF image"),
        PDF_MIME: _("PDF document"),
        DOCX_MIME: _("Word document"),
        XLSX_MIME: _("Excel workbook"),
    }
    return str(labels.get(mime_type, mime_type))


_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_filename(name: str, *, fallback: str = "file") -> str:
    """A name fit for a Content-Disposition header: no folders, no control characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    # Browsers on Windows send "C:\\...\\photo.jpg" now and then.
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_CHARS.sub("_", name).strip().lstrip(".").strip()
    if not name:
        return fallback
    if len(name) > 200:
        path = PurePosixPath(name)
        suffix = path.suffix[:20]
        name = path.stem[: 200 - len(suffix)] + suffix
    return name


# --- Thumbnails --------------------------------------------------------------------------------


def make_thumbnail(source) -> bytes | None:
    """A JPEG at most 320 px wide or high, upright, without the photo's metadata (GPS, camera)."""
    try:
        source.seek(0)
        with Image.open(source) as image:
            image.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            if upright.mode in {"RGBA", "LA", "P", "PA"}:
                rgba = upright.convert("RGBA")
                flat = Image.new("RGB", rgba.size, "white")
                flat.paste(rgba, mask=rgba.getchannel("A"))
                upright = flat
            elif upright.mode != "RGB":
                upright = upright.convert("RGB")
            out = io.BytesIO()
            # A fresh save without exif= writes no metadata.
            upright.save(out, format="JPEG", quality=82, optimize=True)
            return out.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        logger.warning("Could not make a thumbnail", exc_info=True)
        return None
    finally:
        source.seek(0)


# --- Writes ------------------------------------------------------------------------------------

# Files whose words are read in the background for full-text search (core.text_extraction).
TEXT_KINDS = frozenset({AttachmentKind.PDF, AttachmentKind.DOCX})


def _extract_text_later(attachment_id: int) -> None:
    from danvan.core import tasks

    # After commit: a rolled-back upload must not be read, and the upload never waits for it.
    transaction.on_commit(lambda: tasks.attachment_extract_text.enqueue(attachment_id))


def _check_room(owner: models.Model) -> None:
    limit = _limit("DANVAN_ATTACHMENTS_PER_RECORD", 50)
    if Attachment.objects.filter(**_owner_filter(owner)).count() >= limit:
        raise DomainError(
            _("This record already has %(limit)s files, the most it may hold.") % {"limit": limit},
            code="too_many",
            field="file",
        )


def _clean_caption(caption: str) -> str:
    caption = unicodedata.normalize("NFC", (caption or "").strip())
    if len(caption) > 255:
        raise DomainError(
            _("Enter at most %(max)s characters.") % {"max": 255}, code="too_long", field="caption"
        )
    return caption


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _snapshot(attachment: Attachment) -> dict[str, Any]:
    """The audit view of a row: file fields as their stored names."""
    values = audit.snapshot(
        attachment,
        [
            f.attname
            for f in Attachment._meta.concrete_fields
            # The extracted text is derived from the file and may be long: not audit material.
            if f.attname not in {"file", "thumbnail", "text", "text_extracted_at"}
        ],
    )
    values["file"] = attachment.file.name or ""
    values["thumbnail"] = attachment.thumbnail.name or ""
    return values


def _delete_files_later(attachment: Attachment) -> None:
    names = [f.name for f in (attachment.file, attachment.thumbnail) if f]
    storage = attachment.file.storage

    def delete() -> None:
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete attachment file %s", name, exc_info=True)

    transaction.on_commit(delete)


def _store(
    *,
    owner: models.Model,
    territory,
    content,
    original_name: str,
    kind: str,
    mime_type: str,
    actor,
    caption: str,
    is_public: bool,
    is_generated: bool,
) -> Attachment:
    attachment = Attachment(
        **_owner_filter(owner),
        territory=territory,
        kind=kind,
        original_name=original_name,
        mime_type=mime_type,
        size=content.size,
        sha256=_sha256(content),
        caption=caption,
        is_generated=is_generated,
        is_public=is_public,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    thumbnail = make_thumbnail(content) if kind == AttachmentKind.IMAGE else None
    # Stored under a random name: the original name is only metadata, never a path.
    stem = uuid.uuid4().hex
    suffix = PurePosixPath(original_name).suffix.lower()
    saved: list[str] = []
    try:
        attachment.file.save(f"{stem}{suffix}", content, save=False)
        saved.append(attachment.file.name)
        if thumbnail:
            attachment.thumbnail.save(f"{stem}.jpg", ContentFile(thumbnail), save=False)
            saved.append(attachment.thumbnail.name)
        with transaction.atomic():
            attachment.save()
            audit.record_one(
                audit.Action.CREATE,
                attachment,
                actor=actor,
                changes=audit.diff({}, _snapshot(attachment)),
            )
            if kind in TEXT_KINDS:
                _extract_text_later(attachment.pk)
    except BaseException:
        # Django has no on-rollback hook: remove what was written before failing.
        for name in saved:
            attachment.file.storage.delete(name)
        raise
    attachment._owner = owner
    return attachment


@transaction.atomic
def attachment_add(
    *, owner: models.Model, uploaded_file: UploadedFile, actor, caption: str = "", is_public=False
) -> Attachment:
    """Check an upload and attach it to `owner`; nothing is stored when it is refused."""
    config = _config_of(owner)
    territory = config.territory_of(owner)
    scope.require(actor, config.change_action, territory)
    caption = _clean_caption(caption)
    _check_room(owner)
    kind, mime_type = validate_upload(uploaded_file)
    return _store(
        owner=owner,
        territory=territory,
        content=uploaded_file,
        original_name=safe_filename(uploaded_file.name or ""),
        kind=kind,
        mime_type=mime_type,
        actor=actor,
        caption=caption,
        is_public=bool(is_public),
        is_generated=False,
    )


@transaction.atomic
def attachment_add_from_citizen(
    *, owner: models.Model, uploaded_file: UploadedFile, kinds: tuple[str, ...] | None = None
) -> Attachment:
    """A file a citizen sent without an account (the public portal); the caller rate-limits.

    The same checks as any upload; `kinds` narrows the accepted kinds. Nobody is recorded as
    the uploader and the file is never public: an officer decides what to publish.
    """
    _check_room(owner)
    kind, mime_type = validate_upload(uploaded_file)
    if kinds is not None and kind not in kinds:
        raise _reject(
            _("This type of file is not accepted here. Attach a photo or a PDF."), "bad_type"
        )
    return _store(
        owner=owner,
        territory=_config_of(owner).territory_of(owner),
        content=uploaded_file,
        original_name=safe_filename(uploaded_file.name or ""),
        kind=kind,
        mime_type=mime_type,
        actor=None,
        caption="",
        is_public=False,
        is_generated=False,
    )


@transaction.atomic
def attachment_add_generated(
    *,
    owner: models.Model,
    filename: str,
    content: bytes,
    kind: str,
    mime_type: str,
    actor,
    caption: str = "",
    is_public: bool = False,
) -> Attachment:
    """Attach a file the system produced (a decision, a report); the caller checks the scope.

    `is_public` marks a file that was itself published (a recognition decision), so the
    record's public page may offer it.
    """
    config = _config_of(owner)
    return _store(
        owner=owner,
        territory=config.territory_of(owner),
        content=ContentFile(content, name=filename),
        original_name=safe_filename(filename),
        kind=kind,
        mime_type=mime_type,
        actor=actor,
        caption=_clean_caption(caption),
        is_public=bool(is_public),
        is_generated=True,
    )


def _require_change(actor, attachment: Attachment) -> None:
    config = owner_type_for(attachment.owner_type)
    try:
        territory = config.territory_of(owner_of(attachment))
    except config.model.DoesNotExist:
        territory = attachment.territory
    scope.require(actor, config.change_action, territory)


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor) -> None:
    """Remove an uploaded file; generated documents stay, as the record of what was issued."""
    _require_change(actor, attachment)
    if attachment.is_generated:
        raise DomainError(
            _("Files produced by the system cannot be deleted."), code="generated", field="file"
        )
    before = _snapshot(attachment)
    pk, label, territory_id = attachment.pk, str(attachment), attachment.territory_id
    owner_type, owner_id = attachment.owner_type, attachment.owner_id
    _delete_files_later(attachment)
    attachment.delete()
    notify_files_changed(owner_type, owner_id)
    audit.record(
        [
            audit.Change(
                action=audit.Action.DELETE,
                object_type=_key_of(Attachment),
                object_id=str(pk),
                object_repr=label,
                territory_id=territory_id,
                changes=audit.diff(before, {}),
            )
        ],
        actor=actor,
    )


@transaction.atomic
def attachments_delete_for_owner(*, owner: models.Model, actor) -> int:
    """Remove every file of a record that is itself being deleted (generated ones too: they go
    with the record they were issued for); the caller has checked the right to delete it."""
    changes = []
    rows = list(Attachment.objects.filter(**_owner_filter(owner)))
    for attachment in rows:
        changes.append(
            audit.Change(
                action=audit.Action.DELETE,
                object_type=_key_of(Attachment),
                object_id=str(attachment.pk),
                object_repr=str(attachment),
                territory_id=attachment.territory_id,
                changes=audit.diff(_snapshot(attachment), {}),
            )
        )
        _delete_files_later(attachment)
    Attachment.objects.filter(pk__in=[a.pk for a in rows]).delete()
    if changes:
        audit.record(changes, actor=actor)
    return len(rows)


@transaction.atomic
def attachment_set_public(*, attachment: Attachment, actor, is_public: bool) -> Attachment:
    """Show or hide a file on the public portal (it shows only while its record is public)."""
    _require_change(actor, attachment)
    if attachment.is_public == bool(is_public):
        return attachment
    before = _snapshot(attachment)
    attachment.is_public = bool(is_public)
    attachment.save(update_fields=["is_public"])
    audit.record_one(
        audit.Action.UPDATE,
        attachment,
        actor=actor,
        changes=audit.diff(before, _snapshot(attachment)),
    )
    return attachment


@transaction.atomic
def attachments_follow_owner(*, owner: models.Model) -> int:
    """Copy the owner's territory again after it moved, so scope filters stay right."""
    territory = _config_of(owner).territory_of(owner)
    return (
        Attachment.objects.filter(**_owner_filter(owner))
        .exclude(territory=territory)
        .update(territory=territory)
    )


# --- Reads -------------------------------------------------------------------------------------


def attachments_for(owner: models.Model) -> QuerySet[Attachment]:
    """The owner's files, oldest first; the caller has already checked it may see the owner."""
    return (
        Attachment.objects.filter(**_owner_filter(owner))
        .select_related("uploaded_by")
        .order_by("created_at", "id")
    )


def owner_get_for_user(user, owner_type: str, owner_id, *, action: str | None = None):
    """The owner record if `user` may see it (404 otherwise); raises UnknownOwnerType."""
    config = owner_type_for(owner_type)
    try:
        owner = config.model._default_manager.get(pk=owner_id)
    # A malformed key for the column type (text for an integer, not a UUID) is also not found.
    except (config.model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.can(user, action or config.view_action, config.territory_of(owner)):
        raise Http404
    return owner


def attachment_get_for_user(user, pk) -> Attachment:
    """One attachment whose owner `user` may see; anything else is simply not found."""
    try:
        attachment = Attachment.objects.select_related("uploaded_by").get(pk=pk)
        config = owner_type_for(attachment.owner_type)
        owner = owner_of(attachment)
    except (ObjectDoesNotExist, UnknownOwnerType, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.can(user, config.view_action, config.territory_of(owner)):
        raise Http404
    return attachment


def public_attachments_for(owner: models.Model) -> QuerySet[Attachment]:
    """Files marked public, and only while the owner itself is public."""
    config = _config_of(owner)
    if not config.is_public(owner):
        return Attachment.objects.none()
    return Attachment.objects.filter(**_owner_filter(owner), is_public=True).order_by(
        "created_at", "id"
    )


def attachment_get_public(pk) -> Attachment:
    """An attachment anyone may download: marked public, on a public owner; else 404."""
    try:
        attachment = Attachment.objects.get(pk=pk, is_public=True)
        config = owner_type_for(attachment.owner_type)
        owner = owner_of(attachment)
    except (ObjectDoesNotExist, UnknownOwnerType, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not config.is_public(owner):
        raise Http404
    return attachment


def can_change_attachments(user, owner: models.Model) -> bool:
    config = _config_of(owner)
    return scope.can(user, config.change_action, config.territory_of(owner))


def block_id(owner: models.Model) -> str:
    """The HTML id of an owner's attachment block, the target of its htmx requests."""
    return f"attachments-{_key_of(owner).replace('.', '-')}-{owner.pk}"


def attachments_context(
    request, owner: models.Model, *, error: str = "", next_url: str | None = None
) -> dict[str, Any]:
    """Everything `core/partials/attachments.html` needs, for a user who may see `owner`.

    `next_url` is the page the block sits on (where forms return without htmx); it defaults
    to the current request's path.
    """
    key = _key_of(owner)
    return {
        "attachment_owner": owner,
        "attachments": list(attachments_for(owner)),
        "can_change_attachments": can_change_attachments(request.user, owner),
        "attachment_block_id": block_id(owner),
        "attachment_upload_url": reverse("core:attachment-upload", args=[key, owner.pk]),
        "attachment_accept": ACCEPT,
        "attachment_max_mb": _size_in_mb(_limit("DANVAN_ATTACHMENT_MAX_BYTES", 20 * MB)),
        "attachment_image_max_mb": _size_in_mb(
            _limit("DANVAN_ATTACHMENT_IMAGE_MAX_BYTES", 10 * MB)
        ),
        "attachment_error": error,
        "attachment_next": request.get_full_path() if next_url is None else next_url,
    }
