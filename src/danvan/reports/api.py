"""Periodic reports over the API: templates, generating a report, reading its status and files.

Reads go through the scope filter (outside the caller's scope a record is not found: 404),
writes through the services (inside the scope without the right: 403; a broken rule: 400 with
a message; a stale `version`: 409).
"""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from ninja import Query, Router, Status

from danvan.core import attachments, scope
from danvan.core.api_utils import error_responses, paginated, unknown_choice
from danvan.core.models import AttachmentKind
from danvan.organisations.models import OrganisationKind
from danvan.reports import selectors, services
from danvan.reports.placeholders import PLACEHOLDERS
from danvan.reports.schemas import (
    GenerateIn,
    GenerateOut,
    PlaceholderOut,
    ReportFiltersIn,
    ReportListOut,
    ReportOut,
    TemplateIn,
    TemplateOut,
)
from danvan.territories.models import Territory

router = Router(tags=["reports"])

VIEW, GENERATE, CONFIGURE = selectors.VIEW, selectors.GENERATE, selectors.CONFIGURE
WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)


def _require_anywhere(request, action: str) -> None:
    if not scope.can_anywhere(request.user, action):
        raise PermissionDenied(action)


# --- templates ----------------------------------------------------------------------------------


@router.get("/templates", response={200: list[TemplateOut], **error_responses(403)})
def template_list(request):
    """Nationwide templates and those of units in the caller's scope."""
    _require_anywhere(request, VIEW)
    return list(selectors.template_list_for_user(request.user))


@router.get("/templates/placeholders", response=list[PlaceholderOut])
def placeholder_list(request):
    """The placeholders a template may use; any other name in braces is refused."""
    return [{"name": name, "meaning": str(meaning)} for name, meaning in PLACEHOLDERS.items()]


@router.get("/templates/{template_id}", response={200: TemplateOut, **error_responses(404)})
def template_detail(request, template_id: int):
    return selectors.template_get_for_user(request.user, template_id)


def _template_data(request, payload: TemplateIn) -> services.TemplateData:
    territory = None
    if payload.territory_id is not None:
        territory = Territory.objects.filter(pk=payload.territory_id).first()
        if territory is None:
            raise unknown_choice("territory_id")
        scope.require(request.user, CONFIGURE, territory)
    organisation_kind = None
    if payload.organisation_kind_id is not None:
        organisation_kind = OrganisationKind.objects.filter(pk=payload.organisation_kind_id).first()
        if organisation_kind is None:
            raise unknown_choice("organisation_kind_id")
    values = payload.dict(exclude={"territory_id", "organisation_kind_id", "version"})
    return services.TemplateData(**values, territory=territory, organisation_kind=organisation_kind)


@router.post("/templates", response={201: TemplateOut, **WRITE_ERRORS})
def template_create(request, payload: TemplateIn):
    _require_anywhere(request, CONFIGURE)
    template = services.template_create(data=_template_data(request, payload), actor=request.user)
    return Status(201, template)


@router.put("/templates/{template_id}", response={200: TemplateOut, **WRITE_ERRORS})
def template_update(request, template_id: int, payload: TemplateIn):
    """Change a template; reports already generated keep the wording they used."""
    template = selectors.template_get_for_user(request.user, template_id)
    scope.require(request.user, CONFIGURE, template.territory)
    return services.template_update(
        template=template,
        data=_template_data(request, payload),
        actor=request.user,
        expected_version=payload.version,
    )


# --- reports ------------------------------------------------------------------------------------


@router.post("/generate", response={202: GenerateOut, **WRITE_ERRORS})
def report_generate(request, payload: GenerateIn):
    """Number a report and queue its building; poll the report for its status and files."""
    _require_anywhere(request, GENERATE)
    organisation = (
        selectors.organisations_for_generation(request.user)
        .filter(pk=payload.organisation_id)
        .first()
    )
    if organisation is None:
        raise unknown_choice("organisation_id")
    report = services.report_generate(
        organisation=organisation,
        kind=payload.kind,
        year=payload.year,
        issued_on=payload.issued_on,
        signer_name=payload.signer_name,
        actor=request.user,
    )
    return Status(
        202,
        {
            "report_id": report.pk,
            "job_id": report.job_id,
            "number_label": report.number_label,
            "status": report.status,
        },
    )


@router.post("/{report_id}/retry", response={202: GenerateOut, **WRITE_ERRORS})
def report_retry(request, report_id: int):
    """Queue a failed (or abandoned) report again; it keeps its number."""
    report = services.report_retry(
        report=selectors.report_get_for_user(request.user, report_id), actor=request.user
    )
    return Status(
        202,
        {
            "report_id": report.pk,
            "job_id": report.job_id,
            "number_label": report.number_label,
            "status": report.status,
        },
    )


@router.get("", response={200: list[ReportListOut], **error_responses(403, 422)})
@paginated
def report_list(request, filters: Query[ReportFiltersIn]):
    """Reports within the caller's scope, newest first."""
    _require_anywhere(request, VIEW)
    rows = selectors.report_list_for_user(request.user)
    if filters.territory_id is not None:
        territory = Territory.objects.filter(pk=filters.territory_id).first()
        if territory is None:
            raise unknown_choice("territory_id", source="query")
        rows = rows.filter(territory__scope_path__under=territory.path)
    if filters.organisation_id is not None:
        rows = rows.filter(organisation_id=filters.organisation_id)
    if filters.year is not None:
        rows = rows.filter(year=filters.year)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows.order_by("-created_at", "-pk")


@router.get("/{report_id}", response={200: ReportOut, **error_responses(404)})
def report_detail(request, report_id: int):
    """A report: its status and progress, the figures it printed, links to its DOCX and PDF."""
    report = selectors.report_get_for_user(request.user, report_id)
    report.files = [
        {
            "kind": attachment.kind,
            "filename": attachment.original_name,
            "url": reverse("core:attachment-download", args=[attachment.pk]),
        }
        for attachment in attachments.attachments_for(report).filter(
            is_generated=True, kind__in=[AttachmentKind.DOCX, AttachmentKind.PDF]
        )
    ]
    return report
