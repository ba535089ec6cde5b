"""Pages of periodic reports: the list, generating one, its page with live progress, templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from danvan.accounts.forms import add_domain_error
from danvan.core import attachments, current_territory, scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.forms import as_id
from danvan.core.models import AttachmentKind
from danvan.core.pagination import paginate
from danvan.reports import selectors, services
from danvan.reports.documents import placeholder_values
from danvan.reports.forms import GenerateForm, TemplateForm, organisation_choices, report_years
from danvan.reports.models import ReportKind, ReportStatus
from danvan.reports.placeholders import PLACEHOLDERS, fill
from danvan.territories.models import Territory

VIEW, GENERATE, CONFIGURE = selectors.VIEW, selectors.GENERATE, selectors.CONFIGURE
LIST_FILTERS = ("territory", "organisation", "year", "kind")


def _require_anywhere(request: HttpRequest, action: str) -> None:
    if not scope.can_anywhere(request.user, action):
        raise PermissionDenied


def list_territory(request: HttpRequest):
    """The unit whose subtree the list shows: ?territory=, else the header's current unit."""
    value = as_id(request.GET.get("territory"))
    if value is not None:
        return scope.filter(
            request.user, VIEW, Territory.objects.filter(pk=value), via=None
        ).first()
    return current_territory.get(request)


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, VIEW)
    get = request.GET
    territory = list_territory(request)
    rows = selectors.report_list_for_user(request.user)
    if territory is not None:
        rows = rows.filter(territory__scope_path__under=territory.path)
    if (organisation := as_id(get.get("organisation"))) is not None:
        rows = rows.filter(organisation_id=organisation)
    if (year := as_id(get.get("year"))) is not None:
        rows = rows.filter(year=year)
    if get.get("kind") in ReportKind.values:
        rows = rows.filter(kind=get["kind"])
    context = {
        "page": paginate(request, rows.order_by("-created_at", "-pk")),
        "territory": territory,
        "filters": {key: get.get(key, "") for key in LIST_FILTERS},
        "kinds": ReportKind.choices,
        "years": report_years(),
        "can_generate": scope.can_anywhere(request.user, GENERATE),
        "can_configure": scope.can_anywhere(request.user, CONFIGURE),
    }
    if request.htmx and request.htmx.target == "report-table":
        return render(request, "reports/partials/report_table.html", context)
    return render(request, "reports/report_list.html", context)


@login_required
def report_generate(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, GENERATE)
    form = GenerateForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.report_generate(
                    organisation=data["organisation"],
                    kind=data["kind"],
                    year=data["year"],
                    issued_on=data["issued_on"],
                    signer_name=data["signer_name"],
                    actor=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Report %(number)s is being generated.") % {"number": report.number_label},
                )
                return redirect("reports:report-detail", report.pk)
    context = {"form": form, "organisations": form.organisation_options}
    return render(request, "reports/report_generate.html", context, status=status)


@login_required
@require_GET
def organisation_options(request: HttpRequest) -> HttpResponse:
    """htmx: the organisation choices of the generate form matching the typed name."""
    _require_anywhere(request, GENERATE)
    options = organisation_choices(request.user, request.GET.get("organisation_q", "")[:200])
    return render(request, "reports/partials/organisation_options.html", {"organisations": options})


def _files(report) -> dict:
    files = {}
    for attachment in attachments.attachments_for(report).filter(is_generated=True):
        if attachment.kind in (AttachmentKind.DOCX, AttachmentKind.PDF):
            files[attachment.kind] = attachment
    return files


def _printed_title(report) -> str:
    """The summary line as the document prints it (always in Vietnamese)."""
    with translation.override("vi"):
        return fill(report.template_snapshot.get("title", ""), placeholder_values(report))


def _report_context(request: HttpRequest, report) -> dict:
    return {
        "report": report,
        "printed_title": _printed_title(report),
        "job": report.job,
        "files": _files(report),
        "is_pending": report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING),
        "can_retry": services.can_retry(report)
        and scope.can(request.user, GENERATE, report.territory),
    }


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(request.user, pk)
    context = _report_context(request, report)
    if request.htmx and request.htmx.target == "report-status":
        return render(request, "reports/partials/report_status.html", context)
    return render(request, "reports/report_detail.html", context)


@login_required
@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the status block, polled while the report is being generated."""
    report = selectors.report_get_for_user(request.user, pk)
    context = _report_context(request, report)
    response = render(request, "reports/partials/report_status.html", context)
    if not context["is_pending"] and request.htmx:
        # The figures appear with the files: reload the whole page once.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(request.user, pk)
    try:
        services.report_retry(report=report, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The report is being generated again."))
    return redirect("reports:report-detail", report.pk)


# --- templates ----------------------------------------------------------------------------------


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, VIEW)
    templates = list(selectors.template_list_for_user(request.user))
    for template in templates:
        template.can_edit = scope.can(request.user, CONFIGURE, template.territory)
    context = {
        "templates": templates,
        "can_create": scope.can_anywhere(request.user, CONFIGURE),
    }
    return render(request, "reports/template_list.html", context)


def _template_edit(request: HttpRequest, template) -> HttpResponse:
    form = TemplateForm(request.POST or None, user=request.user, template=template)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if template is None:
                    saved = services.template_create(data=form.to_data(), actor=request.user)
                else:
                    saved = services.template_update(
                        template=template,
                        data=form.to_data(),
                        actor=request.user,
                        expected_version=form.cleaned_data.get("version"),
                    )
            except ConflictError as exc:
                add_domain_error(form, exc)
                status = 409
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The template %(name)s was saved.") % {"name": saved})
                return redirect("reports:template-list")
    context = {"form": form, "template": template, "placeholders": PLACEHOLDERS}
    return render(request, "reports/template_form.html", context, status=status)


@login_required
def template_create(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, CONFIGURE)
    return _template_edit(request, None)


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get_for_user(request.user, pk)
    scope.require(request.user, CONFIGURE, template.territory)
    return _template_edit(request, template)
