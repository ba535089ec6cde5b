"""Pages of the spreadsheet import: upload, progress, preview with errors, import, result."""

import io
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danvan.core import scope
from danvan.core.errors import DomainError
from danvan.core.imports import services
from danvan.core.imports.report import write_template
from danvan.core.models import ImportStatus
from danvan.core.pagination import paginate

ERRORS_PER_PAGE = 50


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet file"),
        help_text=gettext_lazy("Excel workbook (.xlsx) or CSV in UTF-8; the first sheet is read."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _schema_for(user, key: str):
    schema_cls = services.get_schema(key)
    if not scope.can_anywhere(user, schema_cls.action):
        raise PermissionDenied(schema_cls.action)
    return schema_cls


@login_required
def import_list(request):
    page = paginate(request, services.import_batch_list_for_user(request.user))
    return render(request, "core/imports/import_list.html", {"page": page})


@login_required
def import_start(request, schema):
    schema_cls = _schema_for(request.user, schema)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_upload(
                schema_key=schema,
                upload=form.cleaned_data["file"],
                actor=request.user,
                language=getattr(request, "LANGUAGE_CODE", ""),
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("core:import-detail", batch.pk)
    recent = services.import_batch_list_for_user(request.user).filter(schema=schema)[:5]
    context = {
        "form": form,
        "schema": schema_cls,
        "schema_key": schema,
        "recent": recent,
        "max_mb": settings.DANVAN_IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(
        request, "core/imports/import_start.html", context, status=400 if form.errors else 200
    )


@login_required
def import_template(request, schema):
    schema_cls = _schema_for(request.user, schema)
    buffer = io.BytesIO()
    write_template(schema_cls, buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{schema_cls.template_filename}"'
    return response


@login_required
def import_detail(request, pk):
    batch = services.import_batch_get_for_user(request.user, pk)
    if request.htmx and request.GET.get("poll"):
        if batch.is_busy:
            return render(request, "core/imports/partials/import_progress.html", {"batch": batch})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    schema_cls = services.get_schema(batch.schema)
    errors = Paginator(batch.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "batch": batch,
        "schema": schema_cls,
        "headers": [str(c.label) for c in schema_cls.columns],
        "errors_page": errors,
        "errors_truncated": batch.error_count > len(batch.errors or []),
        "previous": services.previous_commit(batch)
        if batch.status in {ImportStatus.VALIDATED, ImportStatus.INVALID}
        else None,
        "can_commit": batch.status == ImportStatus.VALIDATED
        and not batch.error_count
        and batch.valid_count,
    }
    return render(request, "core/imports/import_detail.html", context)


@login_required
@require_POST
def import_commit(request, pk):
    batch = services.import_batch_get_for_user(request.user, pk)
    try:
        services.import_commit_request(batch=batch, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("core:import-detail", batch.pk)


@login_required
def import_rejected(request, pk):
    batch = services.import_batch_get_for_user(request.user, pk)
    if not batch.rejected_file:
        raise Http404
    stem = Path(batch.original_name).stem or "import"
    return FileResponse(
        batch.rejected_file.open("rb"),
        as_attachment=True,
        filename=_("%(name)s-errors.xlsx") % {"name": stem},
    )
