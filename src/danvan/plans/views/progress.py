"""The progress report page of a plan: figures typed by hand (htmx), computed ones, submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from danvan.core import scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.forms import as_id
from danvan.plans import selectors
from danvan.plans.models import ProgressReport, ReportStatus
from danvan.plans.services import progress
from danvan.plans.templatetags.plans_tags import figure
from danvan.plans.transitions import PLAN_REPORT_LIFECYCLE

VIEW, CHANGE = "plans.view", "plans.change"


def report_get(user, pk: int) -> ProgressReport:
    """A plan's progress report the user may see (else 404)."""
    return scope.get_visible_or_404(
        user,
        VIEW,
        ProgressReport.objects.filter(plan__isnull=False).select_related(
            "plan__organisation", "plan__territory", "submitted_by"
        ),
        via="plan__territory",
        pk=pk,
    )


def _context(request: HttpRequest, report: ProgressReport, **extra) -> dict:
    plan = report.plan
    first, last = progress.report_bounds(report)
    rows = selectors.indicator_progress(report)
    typed, errors = extra.get("typed", {}), extra.get("errors", {})
    for row in rows:
        # After a refused save the officer sees what they typed, not the stored figure.
        pk = row.indicator.pk
        row.extra = {"input": typed.get(pk, figure(row.actual)), "error": errors.get(pk, "")}
    context = {
        "report": report,
        "plan": plan,
        "rows": rows,
        "first": first,
        "last": last,
        "is_draft": report.status == ReportStatus.DRAFT,
        "can_change": scope.can(request.user, CHANGE, plan.territory)
        and report.status == ReportStatus.DRAFT,
        "has_computed": any(row.is_computed for row in rows),
        "steps": PLAN_REPORT_LIFECYCLE.available_for(report, request.user),
        "errors": {},
        "typed": {},
        "error": "",
    }
    context.update(extra)
    return context


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get(request.user, pk)
    return render(request, "plans/report_detail.html", _context(request, report))


def _render_values(request, report, status=200, **extra) -> HttpResponse:
    template = "plans/partials/report_values.html" if request.htmx else "plans/report_detail.html"
    return render(request, template, _context(request, report, **extra), status=status)


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the typed figures; on htmx only the table is swapped back."""
    report = report_get(request.user, pk)
    scope.require(request.user, CHANGE, report.plan.territory)
    values: dict[int, str] = {}
    notes: dict[int, str] = {}
    typed: dict[int, str] = {}
    for key, raw in request.POST.items():
        if key.startswith("value_") and (pk_ := as_id(key[6:])) is not None:
            values[pk_] = raw[:30]
            typed[pk_] = raw[:30]
        elif key.startswith("note_") and (pk_ := as_id(key[5:])) is not None:
            notes[pk_] = raw
    # Computed rows carry no input; anything posted for them is refused by the service.
    try:
        report = progress.progress_values_save(
            report=report,
            values=values,
            notes=notes,
            version=as_id(request.POST.get("version")),
            actor=request.user,
            note=request.POST.get("note") if "note" in request.POST else None,
        )
    except DomainError as exc:
        errors = {}
        if exc.field and exc.field.startswith("value_"):
            errors[as_id(exc.field[6:])] = exc.message
        status = 409 if isinstance(exc, ConflictError) else 400
        return _render_values(
            request, report, status=status, error=exc.message, errors=errors, typed=typed
        )
    if request.htmx:
        return _render_values(request, report, saved=True)
    messages.success(request, _("The figures were saved."))
    return redirect("plans:report-detail", report.pk)


@login_required
@require_POST
def report_compute(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get(request.user, pk)
    scope.require(request.user, CHANGE, report.plan.territory)
    try:
        progress.progress_compute(report=report, actor=request.user)
        messages.success(request, _("The computed figures were refreshed from the records."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("plans:report-detail", report.pk)


@login_required
@require_POST
def report_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    report = report_get(request.user, pk)
    version = as_id(request.POST.get("version"))
    try:
        if name == "submit":
            progress.progress_report_submit(report=report, actor=request.user, version=version)
            messages.success(request, _("The report was submitted."))
        elif name == "reopen":
            progress.progress_report_reopen(
                report=report,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                version=version,
            )
            messages.success(request, _("The report was reopened for corrections."))
        else:
            raise DomainError(_("Unknown step."), code="unknown_transition")
    except DomainError as exc:
        status = 409 if isinstance(exc, ConflictError) else 400
        return render(
            request,
            "plans/report_detail.html",
            _context(request, report, error=exc.message),
            status=status,
        )
    return redirect("plans:report-detail", report.pk)


urlpatterns = [
    path("reports/<int:pk>/", report_detail, name="report-detail"),
    path("reports/<int:pk>/values/", report_save, name="report-save"),
    path("reports/<int:pk>/compute/", report_compute, name="report-compute"),
    path("reports/<int:pk>/step/<slug:name>/", report_step, name="report-step"),
]
