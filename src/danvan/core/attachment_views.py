"""Pages behind the attachment block: download, thumbnail, upload, delete, public flag.

The block itself (`core/partials/attachments.html`) sits on the owner's detail page; with htmx
each form answers the refreshed block, without it the browser returns to the page it came from.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from danvan.core import attachments
from danvan.core.errors import DomainError
from danvan.core.models import Attachment, AttachmentKind

BLOCK_TEMPLATE = "core/partials/attachments.html"


def file_response(
    attachment: Attachment, *, thumbnail: bool = False, inline: bool = False
) -> FileResponse:
    """The stored file (or its thumbnail) with headers that keep browsers from guessing."""
    field = attachment.thumbnail if thumbnail else attachment.file
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if thumbnail:
        response = FileResponse(handle, content_type="image/jpeg")
    else:
        # Only raster images are shown in the browser; documents are always downloaded.
        shown_inline = inline and attachment.kind == AttachmentKind.IMAGE
        response = FileResponse(
            handle,
            as_attachment=not shown_inline,
            filename=attachment.original_name,
            content_type=attachment.mime_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _next_url(request) -> str:
    """Where the block sits: the form's `next`, else the page htmx reports; never off-site."""
    candidates = [request.POST.get("next"), request.GET.get("next")]
    if request.htmx:
        candidates.append(request.htmx.current_url_abs_path)
    for target in candidates:
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
    return ""


def _answer(request, owner, *, error: str = "", done: str = ""):
    """The refreshed block for htmx; otherwise a message and back to the page."""
    next_url = _next_url(request)
    if request.htmx:
        context = attachments.attachments_context(request, owner, error=error, next_url=next_url)
        # 200 even for a refused file: htmx swaps only successful answers, and the block
        # carries the message.
        return render(request, BLOCK_TEMPLATE, context)
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect(next_url or "core:home")


def _owner_or_404(request, owner_type: str, owner_id: str):
    try:
        return attachments.owner_get_for_user(request.user, owner_type, owner_id)
    except attachments.UnknownOwnerType as exc:
        raise Http404 from exc


@login_required
@require_GET
def attachment_download(request, pk: int):
    attachment = attachments.attachment_get_for_user(request.user, pk)
    response = file_response(attachment, inline=request.GET.get("inline") == "1")
    patch_cache_control(response, private=True, max_age=3600)
    return response


@login_required
@require_GET
def attachment_thumbnail(request, pk: int):
    attachment = attachments.attachment_get_for_user(request.user, pk)
    response = file_response(attachment, thumbnail=True)
    patch_cache_control(response, private=True, max_age=3600)
    return response


@login_required
@require_POST
def attachment_upload(request, owner_type: str, owner_id: str):
    owner = _owner_or_404(request, owner_type, owner_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError(_("Choose a file to attach."), code="required", field="file")
        attachments.attachment_add(
            owner=owner,
            uploaded_file=upload,
            actor=request.user,
            caption=request.POST.get("caption", ""),
        )
    except DomainError as exc:
        return _answer(request, owner, error=exc.message)
    return _answer(request, owner, done=_("The file was attached."))


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = attachments.attachment_get_for_user(request.user, pk)
    owner = attachments.owner_of(attachment)
    try:
        attachments.attachment_delete(attachment=attachment, actor=request.user)
    except DomainError as exc:
        return _answer(request, owner, error=exc.message)
    return _answer(request, owner, done=_("The file was deleted."))


@login_required
@require_POST
def attachment_visibility(request, pk: int):
    attachment = attachments.attachment_get_for_user(request.user, pk)
    owner = attachments.owner_of(attachment)
    is_public = request.POST.get("is_public") == "1"
    attachments.attachment_set_public(
        attachment=attachment, actor=request.user, is_public=is_public
    )
    done = _("The file is now public.") if is_public else _("The file is no longer public.")
    return _answer(request, owner, done=done)


@require_GET
def attachment_public(request, pk: int):
    """For the public portal: no sign-in, but only files marked public on a public record."""
    attachment = attachments.attachment_get_public(pk)
    response = file_response(attachment, inline=request.GET.get("inline") == "1")
    # Short: a file taken off the portal should stop being served by caches soon.
    patch_cache_control(response, public=True, max_age=300)
    return response


@require_GET
def attachment_public_thumbnail(request, pk: int):
    attachment = attachments.attachment_get_public(pk)
    response = file_response(attachment, thumbnail=True)
    patch_cache_control(response, public=True, max_age=300)
    return response
