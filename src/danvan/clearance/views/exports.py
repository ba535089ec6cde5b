"""Downloads of land clearance: payment lists (XLSX, PDF, Word), compensation summaries, the
donation list and a project's household list.

Spreadsheets go through `export_response_or_job`: a download when small, a background job when
large. Every view first reads what it names through the scoped selectors, so an object out of
scope answers 404 here, in the request, rather than failing later in a job.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_GET

from danvan.clearance import exports, payment_list, selectors
from danvan.core import scope
from danvan.core.errors import DomainError
from danvan.core.exports import attachment_header, export_response_or_job
from danvan.core.forms import as_id
from danvan.territories.models import Territory

VIEW = exports.VIEW
XLSX = "xlsx"


def _require_view(request: HttpRequest) -> None:
    if not scope.can_anywhere(request.user, VIEW):
        raise PermissionDenied


def _visible_unit_or_404(request: HttpRequest) -> None:
    """A unit named in the query must be one the user sees; anything else is not found."""
    territory_id = request.GET.get("territory")
    if not territory_id:
        return
    unit_id = as_id(territory_id)
    visible = (
        unit_id is not None
        and scope.filter(
            request.user, VIEW, Territory.objects.filter(pk=unit_id), via=None
        ).exists()
    )
    if not visible:
        raise Http404


@login_required
@require_GET
def payments_export(request: HttpRequest, pk: int, fmt: str = "") -> HttpResponse:
    """A project's payment list: XLSX (download or job), PDF or Word in the official format."""
    project = selectors.project_get(request.user, pk)
    fmt = (fmt or request.GET.get("format") or XLSX).lower()
    if fmt == XLSX:
        return export_response_or_job(request, exports.PAYMENTS, {"project": project.pk})
    if fmt not in payment_list.FORMATS:
        raise Http404
    try:
        content = payment_list.render_payment_list(project, fmt)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("clearance:project-detail", project.pk)
    response = HttpResponse(content, content_type=payment_list.FORMATS[fmt])
    response["Content-Disposition"] = attachment_header(payment_list.filename(project, fmt))
    return response


@login_required
@require_GET
def compensation_export(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Amounts per category for one project, or for the projects of the board's filters."""
    _require_view(request)
    stage = request.GET.get("stage", "")
    if pk is not None:
        project = selectors.project_get(request.user, pk)
        params = {"project": project.pk, "stage": stage}
    else:
        _visible_unit_or_404(request)
        params = {
            key: request.GET[key] for key in exports.PROJECT_FILTER_KEYS if request.GET.get(key)
        }
        params["stage"] = stage
    return export_response_or_job(request, exports.COMPENSATION, params)


@login_required
@require_GET
def donations_export(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    _visible_unit_or_404(request)
    params = {key: request.GET[key] for key in ("territory", "year", "q") if request.GET.get(key)}
    return export_response_or_job(request, exports.DONATIONS, params)


@login_required
@require_GET
def households_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's household list; full ID and phone numbers only on request, for roles that may
    see them (403 otherwise), each household so shown logged."""
    project = selectors.project_get(request.user, pk)
    params = {"project": project.pk}
    if exports.wants_personal(request.GET):
        if not scope.can(request.user, exports.PERSONAL, project.territory):
            raise PermissionDenied
        params["personal"] = "1"
    return export_response_or_job(request, exports.HOUSEHOLDS, params)


urlpatterns = [
    path("projects/<int:pk>/payments.<str:fmt>", payments_export, name="export-payments"),
    path("projects/<int:pk>/payments/", payments_export, name="export-payments"),
    path("projects/<int:pk>/compensation.xlsx", compensation_export, name="export-compensation"),
    path("projects/compensation.xlsx", compensation_export, name="export-compensation"),
    path("donations/export.xlsx", donations_export, name="export-donations"),
    path("projects/<int:pk>/households.xlsx", households_export, name="export-households"),
]
