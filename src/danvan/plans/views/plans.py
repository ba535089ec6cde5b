"""Pages of annual plans: list, form, plan page (indicators, tasks, progress, roll-up)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from danvan.accounts.forms import add_domain_error
from danvan.core import current_territory, scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.forms import as_id
from danvan.core.pagination import paginate
from danvan.core.search import filter_by_search
from danvan.plans import selectors
from danvan.plans.forms import IndicatorForm, PlanForm, ReportOpenForm, StepForm, TaskForm
from danvan.plans.models import Indicator, Period, PlanStatus, PlanTask, TaskStatus
from danvan.plans.rollup import plan_rollup
from danvan.plans.services import plans as services
from danvan.plans.services import progress
from danvan.plans.transitions import PLAN_LIFECYCLE
from danvan.territories.models import Territory

VIEW, CHANGE, APPROVE = "plans.view", "plans.change", "plans.approve"
LIST_FILTERS = ("q", "year", "status", "organisation", "territory")
OPTIONS_SHOWN = 30


def _require_anywhere(request: HttpRequest, action: str) -> None:
    if not scope.can_anywhere(request.user, action):
        raise PermissionDenied


def year_param(value) -> int | None:
    year = as_id(value)
    return year if year is not None and 2000 <= year <= 2100 else None


def list_territory(request: HttpRequest):
    value = as_id(request.GET.get("territory"))
    if value is not None:
        return (
            scope.filter(request.user, VIEW, Territory.objects.filter(pk=value), via=None)
            .select_related("parent")
            .first()
        )
    return current_territory.get(request)


# --- list -------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, VIEW)
    territory = list_territory(request)
    get = request.GET
    filters = selectors.PlanFilters(
        territory=territory,
        year=year_param(get.get("year")),
        organisation_id=as_id(get.get("organisation")),
        status=get.get("status", ""),
        query=get.get("q", ""),
    )
    rows = selectors.plan_list_for_user(request.user, filters)
    this_year = timezone.localdate().year
    context = {
        "page": paginate(request, rows),
        "territory": territory,
        "filters": {key: get.get(key, "") for key in LIST_FILTERS},
        "chosen_organisation": selectors.organisations_for_plans(request.user, VIEW)
        .filter(pk=filters.organisation_id)
        .first()
        if filters.organisation_id
        else None,
        "statuses": PlanStatus.choices,
        "years": list(range(this_year + 1, this_year - 6, -1)),
        "can_create": scope.can_anywhere(request.user, CHANGE),
    }
    if request.htmx and request.htmx.target == "plan-table":
        return render(request, "plans/partials/plan_table.html", context)
    return render(request, "plans/plan_list.html", context)


# --- pickers (htmx) ---------------------------------------------------------------------------


@login_required
@require_GET
def organisation_options(request: HttpRequest) -> HttpResponse:
    """Radio choices of organisations for the plan form (name="organisation") or a task owner."""
    _require_anywhere(request, VIEW)
    # owner: a task's responsible body; filter: the list's filter; otherwise the plan form.
    field = request.GET.get("field", "")
    name = "owner" if field == "owner" else "organisation"
    action = VIEW if field in ("owner", "filter") else CHANGE
    rows = filter_by_search(
        selectors.organisations_for_plans(request.user, action), request.GET.get("oq", "")[:100]
    ).select_related("territory")
    return render(
        request,
        "plans/partials/organisation_options.html",
        {"organisations": rows[:OPTIONS_SHOWN], "name": name, "query": request.GET.get("oq", "")},
    )


@login_required
@require_GET
def document_options(request: HttpRequest) -> HttpResponse:
    """Checkboxes of guidance documents matching a number or words of the title."""
    _require_anywhere(request, VIEW)
    query = request.GET.get("dq", "")[:200]
    rows = selectors.documents_for_picker(request.user, query) if query.strip() else []
    chosen = {as_id(v) for v in request.GET.getlist("documents")}
    return render(
        request,
        "plans/partials/document_options.html",
        {"documents": list(rows[:OPTIONS_SHOWN]), "chosen": chosen, "query": query},
    )


# --- create / edit ----------------------------------------------------------------------------


def _plan_form(request: HttpRequest, plan=None) -> HttpResponse:
    form = PlanForm(request.POST or None, user=request.user, plan=plan)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if plan is None:
                    saved = services.plan_create(data=form.to_data(), actor=request.user)
                    messages.success(request, _("The plan was created."))
                else:
                    saved = services.plan_update(
                        plan=plan,
                        data=form.to_data(),
                        actor=request.user,
                        version=form.cleaned_data.get("version"),
                    )
                    messages.success(request, _("The plan was saved."))
                return redirect("plans:plan-detail", saved.pk)
            except ConflictError as exc:
                add_domain_error(form, exc)
                status = 409
            except DomainError as exc:
                add_domain_error(form, exc)
    chosen_org = None
    org_id = (
        as_id(form.data.get("organisation")) if form.is_bound else (plan and plan.organisation_id)
    )
    if org_id:
        chosen_org = form.fields["organisation"].queryset.filter(pk=org_id).first()
    context = {
        "form": form,
        "plan": plan,
        "chosen_organisation": chosen_org,
        "chosen_documents": form.chosen_documents(),
    }
    return render(request, "plans/plan_form.html", context, status=status)


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, CHANGE)
    return _plan_form(request)


@login_required
def plan_update(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    scope.require(request.user, CHANGE, plan.territory)
    return _plan_form(request, plan)


# --- plan page --------------------------------------------------------------------------------


def rollup_period(request: HttpRequest, default: str = Period.H1) -> str:
    value = request.GET.get("period", default)
    return value if value in Period.values else default


def _detail_context(request: HttpRequest, plan, **extra) -> dict:
    user = request.user
    reports = selectors.plan_reports(plan)
    latest = selectors.latest_report(plan)
    rows = selectors.indicator_progress(latest) if latest else None
    if rows is None:
        rows = [
            selectors.indicator_row(i, None, plan.territory, None, None)
            for i in plan.indicators.all()
        ]
    can_change = scope.can(user, CHANGE, plan.territory)
    period = rollup_period(request)
    reported = {r.period for r in reports}
    context = {
        "plan": plan,
        "documents": selectors.plan_documents_for_user(user, plan),
        "rows": rows,
        "latest": latest,
        "tasks": selectors.tasks_of(plan),
        "reports": reports,
        "open_periods": [(v, label) for v, label in Period.choices if v not in reported],
        "steps": PLAN_LIFECYCLE.available_for(plan, user),
        "step_form": StepForm(initial={"version": plan.version}),
        "can_change": can_change,
        "is_draft": plan.status == PlanStatus.DRAFT,
        "can_edit_tasks": can_change and plan.status != PlanStatus.CLOSED,
        "indicator_form": IndicatorForm(),
        "task_form": TaskForm(user=user),
        "report_form": ReportOpenForm(),
        "rollup": plan_rollup(plan, period, user),
        "rollup_period": period,
        "periods": Period.choices,
        "task_statuses": TaskStatus.choices,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    return render(request, "plans/plan_detail.html", _detail_context(request, plan))


@login_required
@require_GET
def plan_rollup_panel(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    period = rollup_period(request)
    return render(
        request,
        "plans/partials/rollup.html",
        {"plan": plan, "rollup": plan_rollup(plan, period, request.user),
         "rollup_period": period, "periods": Period.choices},
    )  # fmt: skip


def _again(request, plan, status: int = 400, **extra) -> HttpResponse:
    return render(
        request, "plans/plan_detail.html", _detail_context(request, plan, **extra), status=status
    )


@login_required
@require_POST
def plan_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    form = StepForm(request.POST)
    form.is_valid()
    try:
        services.plan_transition(
            plan=plan,
            name=name,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
            version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return _again(request, plan, 409 if isinstance(exc, ConflictError) else 400,
                      step_form=form)  # fmt: skip
    messages.success(request, _("The plan's status was changed."))
    return redirect("plans:plan-detail", plan.pk)


# --- indicators -------------------------------------------------------------------------------


def _indicator_get(request, pk: int) -> Indicator:
    indicator = scope.get_visible_or_404(
        request.user,
        VIEW,
        Indicator.objects.filter(plan__isnull=False).select_related("plan__territory"),
        via="plan__territory",
        pk=pk,
    )
    scope.require(request.user, CHANGE, indicator.plan.territory)
    return indicator


@login_required
@require_POST
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    scope.require(request.user, CHANGE, plan.territory)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_create(plan=plan, data=form.to_data(), actor=request.user)
            messages.success(request, _("The indicator was added."))
            return redirect(reverse("plans:plan-detail", args=[plan.pk]) + "#indicators")
        except DomainError as exc:
            add_domain_error(form, exc)
    return _again(request, plan, indicator_form=form, open_indicator_form=True)


@login_required
def indicator_update(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator_get(request, pk)
    form = IndicatorForm(request.POST or None, indicator=indicator)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.indicator_update(
                    indicator=indicator, data=form.to_data(), actor=request.user
                )
                messages.success(request, _("The indicator was saved."))
                return redirect(
                    reverse("plans:plan-detail", args=[indicator.plan_id]) + "#indicators"
                )
            except DomainError as exc:
                add_domain_error(form, exc)
    return render(
        request,
        "plans/indicator_form.html",
        {"form": form, "indicator": indicator, "plan": indicator.plan},
        status=status,
    )


@login_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator_get(request, pk)
    try:
        services.indicator_delete(indicator=indicator, actor=request.user)
        messages.success(request, _("The indicator was removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("plans:plan-detail", args=[indicator.plan_id]) + "#indicators")


# --- tasks ------------------------------------------------------------------------------------


def _task_get(request, pk: int) -> PlanTask:
    task = scope.get_visible_or_404(
        request.user,
        VIEW,
        PlanTask.objects.select_related("plan__territory", "owner"),
        via="plan__territory",
        pk=pk,
    )
    scope.require(request.user, CHANGE, task.plan.territory)
    return task


@login_required
@require_POST
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    scope.require(request.user, CHANGE, plan.territory)
    form = TaskForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.task_create(plan=plan, data=form.to_data(), actor=request.user)
            messages.success(request, _("The task was added."))
            return redirect(reverse("plans:plan-detail", args=[plan.pk]) + "#tasks")
        except DomainError as exc:
            add_domain_error(form, exc)
    return _again(request, plan, task_form=form, open_task_form=True)


@login_required
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_get(request, pk)
    form = TaskForm(request.POST or None, user=request.user, task=task)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.task_update(
                    task=task,
                    data=form.to_data(),
                    actor=request.user,
                    version=form.cleaned_data.get("version"),
                )
                messages.success(request, _("The task was saved."))
                return redirect(reverse("plans:plan-detail", args=[task.plan_id]) + "#tasks")
            except ConflictError as exc:
                add_domain_error(form, exc)
                status = 409
            except DomainError as exc:
                add_domain_error(form, exc)
    return render(
        request, "plans/task_form.html", {"form": form, "task": task, "plan": task.plan},
        status=status,
    )  # fmt: skip


@login_required
@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_get(request, pk)
    try:
        services.task_delete(task=task, actor=request.user)
        messages.success(request, _("The task was removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("plans:plan-detail", args=[task.plan_id]) + "#tasks")


# --- opening a progress report ----------------------------------------------------------------


@login_required
@require_POST
def report_open(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    form = ReportOpenForm(request.POST)
    if not form.is_valid():
        return _again(request, plan, report_form=form)
    try:
        report = progress.progress_report_get_or_create(
            owner=plan, year=plan.year, period=form.cleaned_data["period"], actor=request.user
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return _again(request, plan, report_form=form)
    return redirect("plans:report-detail", report.pk)


urlpatterns = [
    path("", plan_list, name="plan-list"),
    path("new/", plan_create, name="plan-create"),
    path("organisations/", organisation_options, name="organisation-options"),
    path("documents/", document_options, name="document-options"),
    path("<int:pk>/", plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", plan_update, name="plan-update"),
    path("<int:pk>/step/<slug:name>/", plan_step, name="plan-step"),
    path("<int:pk>/rollup/", plan_rollup_panel, name="plan-rollup"),
    path("<int:pk>/indicators/", indicator_create, name="indicator-create"),
    path("<int:pk>/tasks/", task_create, name="task-create"),
    path("<int:pk>/reports/", report_open, name="report-open"),
    path("indicators/<int:pk>/", indicator_update, name="indicator-update"),
    path("indicators/<int:pk>/delete/", indicator_delete, name="indicator-delete"),
    path("tasks/<int:pk>/", task_update, name="task-update"),
    path("tasks/<int:pk>/delete/", task_delete, name="task-delete"),
]
