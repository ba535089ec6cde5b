"""The project board and the project page: the officers' view of every clearance project."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.forms import add_domain_error
from danvan.clearance import selectors
from danvan.clearance.forms import (
    DecisionForm,
    PhaseForm,
    PlanApprovalForm,
    ProjectForm,
    StepForm,
)
from danvan.clearance.models import (
    CaseStatus,
    CompensationPlan,
    Phase,
    PlanLine,
    PlanStatus,
    Plot,
    Project,
    ProjectKind,
    ProjectStatus,
    RecoveryDecision,
    Visit,
)
from danvan.clearance.services import money
from danvan.clearance.services import projects as services
from danvan.clearance.transitions import project_steps_for
from danvan.core import current_territory, scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.forms import as_id
from danvan.core.pagination import paginate
from danvan.territories.models import Territory

VIEW = "clearance.view"
SEARCH_COUNT_LIMIT = 1000
PLOTS_SHOWN = 100
VISITS_SHOWN = 15
BOARD_FILTERS = ("q", "status", "kind", "year", "year_from", "year_to")
HOUSEHOLD_FILTERS = ("hq", "hstatus", "complaints", "outstanding")


def steps_with_blockers(steps, obj) -> list[tuple]:
    """Each step with why it cannot be taken yet (its first failing guard), or None: a button
    that would only be refused is shown greyed out with the reason beside it."""
    return [
        (step, next((problem for guard in step.guards if (problem := guard(obj))), None))
        for step in steps
    ]


def board_territory(request: HttpRequest):
    """The unit whose subtree the board shows: ?territory=, else the header's current unit."""
    value = as_id(request.GET.get("territory"))
    if value is not None:
        return (
            scope.filter(request.user, VIEW, Territory.objects.filter(pk=value), via=None)
            .select_related("parent")
            .first()
        )
    return current_territory.get(request)


def board_filters(request: HttpRequest, territory) -> selectors.ProjectFilters:
    get = request.GET

    def year(key: str) -> int | None:
        value = as_id(get.get(key))
        return value if value and 2000 <= value <= 2100 else None

    # The dashboard links here with a period (year_from, year_to); the board's own filter is one year.
    return selectors.ProjectFilters(
        query=get.get("q", "")[:200],
        territory=territory,
        status=get.get("status", "") if get.get("status") in ProjectStatus.values else "",
        kind=get.get("kind", "") if get.get("kind") in ProjectKind.values else "",
        year=year("year"),
        year_from=year("year_from"),
        year_to=year("year_to"),
    )


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, VIEW):
        raise PermissionDenied
    sort = request.GET.get("sort", "-year")
    sort = sort if sort in selectors.PROJECT_SORTS else "-year"
    territory = board_territory(request)
    filters = board_filters(request, territory)
    page = paginate(
        request,
        selectors.project_list(request.user, filters, sort=sort),
        count_limit=SEARCH_COUNT_LIMIT if filters.query.strip() else None,
    )
    context = {
        "page": page,
        "filters": {key: request.GET.get(key, "") for key in BOARD_FILTERS},
        "territory": territory,
        "sort": sort,
        "statuses": ProjectStatus.choices,
        "kinds": ProjectKind.choices,
        "can_create": scope.can_anywhere(request.user, "clearance.change"),
        "can_import": scope.can_anywhere(request.user, "clearance.import"),
    }
    if request.htmx and request.htmx.target == "project-table":
        return render(request, "clearance/project_list.html#project-table", context)
    return render(request, "clearance/project_list.html", context)


# --- The project page ---------------------------------------------------------------------------


def household_filters(request: HttpRequest) -> selectors.HouseholdFilters:
    get = request.GET
    return selectors.HouseholdFilters(
        query=get.get("hq", "")[:200],
        status=get.get("hstatus", "") if get.get("hstatus") in CaseStatus.values else "",
        complaints=get.get("complaints") == "1",
        outstanding=get.get("outstanding") == "1",
    )


def household_rows(request: HttpRequest, project: Project):
    last_visit = (
        Visit.objects.filter(household=OuterRef("pk"))
        .order_by("-visited_on", "-id")
        .values("visited_on")[:1]
    )
    households = selectors.household_list(
        request.user, project, household_filters(request)
    ).annotate(last_visit=Subquery(last_visit))
    return paginate(request, households)


def _permissions(user, project: Project) -> dict:
    territory = project.territory
    return {
        "can_change": scope.can(user, "clearance.change", territory),
        "can_approve": scope.can(user, "clearance.approve", territory),
        "can_import": scope.can(user, "clearance.import", territory),
    }


def _detail_context(request: HttpRequest, project: Project, **forms) -> dict:
    from danvan.core.attachments import attachments_context

    user = request.user
    draft_plans = CompensationPlan.objects.filter(
        household__project=project, status=PlanStatus.DRAFT
    )
    draft_total = (
        PlanLine.objects.filter(plan__in=draft_plans).aggregate(total=Sum("amount"))["total"] or 0
    )
    plots = Plot.objects.filter(household__project=project).select_related("household")
    task_force = project.task_force
    return {
        "project": project,
        **_permissions(user, project),
        "steps": steps_with_blockers(project_steps_for(project, user), project),
        "page": household_rows(request, project),
        "household_filters": {key: request.GET.get(key, "") for key in HOUSEHOLD_FILTERS},
        "case_statuses": CaseStatus.choices,
        "plots": plots.order_by("map_sheet", "plot_number", "id")[:PLOTS_SHOWN],
        "plot_count": plots.count(),
        "plots_shown": PLOTS_SHOWN,
        "team": list(task_force.members.select_related("user")) if task_force else [],
        "visits": Visit.objects.filter(household__project=project)
        .select_related("household")
        .prefetch_related("officers")
        .order_by("-visited_on", "-id")[:VISITS_SHOWN],
        "campaigns": project.campaigns.order_by("-starts_on"),
        "draft_plan_count": draft_plans.count(),
        "draft_plan_total": draft_total,
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "phase_form": forms.get("phase_form")
        or PhaseForm(initial={"order": len(project.phases.all()) + 1}),
        "approval_form": forms.get("approval_form") or PlanApprovalForm(),
        "step_error": forms.get("step_error"),
        **attachments_context(request, project),
    }


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.user, pk)
    if request.htmx and request.htmx.target == "household-table":
        context = {
            "project": project,
            "page": household_rows(request, project),
            "household_filters": {key: request.GET.get(key, "") for key in HOUSEHOLD_FILTERS},
        }
        return render(request, "clearance/project_detail.html#household-table", context)
    return render(request, "clearance/project_detail.html", _detail_context(request, project))


def _detail_with_errors(request: HttpRequest, project: Project, **forms) -> HttpResponse:
    return render(
        request, "clearance/project_detail.html", _detail_context(request, project, **forms),
        status=400,
    )  # fmt: skip


# --- Create and edit ----------------------------------------------------------------------------


def _edit(request: HttpRequest, project: Project | None) -> HttpResponse:
    form = ProjectForm(
        request.POST or None,
        user=request.user,
        instance=project,
        task_forces=selectors.task_force_list(request.user),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            territory = form.cleaned_data["territory"]
            chosen = [u for u in form.cleaned_data.get("units") or [] if u.pk != territory.pk]
            data = form.to_data(units=[territory, *chosen])
            try:
                if project is None:
                    saved = services.project_create(data=data, actor=request.user)
                else:
                    saved = services.project_update(
                        project=project,
                        data=data,
                        actor=request.user,
                        expected_version=form.cleaned_data.get("version"),
                    )
            except ConflictError as exc:
                add_domain_error(form, exc)
                status = 409
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The project was saved."))
                return redirect("clearance:project-detail", saved.pk)
    context = {"form": form, "project": project, "chosen_territory": form.chosen_territory()}
    return render(request, "clearance/project_form.html", context, status=status)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, "clearance.change"):
        raise PermissionDenied
    return _edit(request, None)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.user, pk)
    scope.require(request.user, "clearance.change", project.territory)
    return _edit(request, project)


# --- Steps and the parts of a project ----------------------------------------------------------


@login_required
@require_POST
def project_step(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.user, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown step."))
        return redirect("clearance:project-detail", project.pk)
    try:
        services.project_transition(
            project=project,
            name=form.cleaned_data["name"],
            actor=request.user,
            reason=form.cleaned_data.get("reason") or "",
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: the status is updated."))
    return redirect("clearance:project-detail", project.pk)


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.user, pk)
    scope.require(request.user, "clearance.change", project.territory)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_add(
                project=project,
                number=form.cleaned_data["number"],
                signed_on=form.cleaned_data["signed_on"],
                note=form.cleaned_data.get("note") or "",
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("clearance:project-detail", project.pk)
    return _detail_with_errors(request, project, decision_form=form)


@login_required
@require_POST
def decision_delete(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    project = selectors.project_get(request.user, pk)
    scope.require(request.user, "clearance.change", project.territory)
    decision = RecoveryDecision.objects.filter(project=project, pk=decision_pk).first()
    if decision is not None:
        services.decision_delete(decision=decision, actor=request.user)
        messages.success(request, _("The decision was removed."))
    return redirect("clearance:project-detail", project.pk)


@login_required
@require_POST
def phase_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.user, pk)
    scope.require(request.user, "clearance.change", project.territory)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            services.phase_save(project=project, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The phase was saved."))
            return redirect("clearance:project-detail", project.pk)
    return _detail_with_errors(request, project, phase_form=form)


@login_required
@require_POST
def phase_done(request: HttpRequest, pk: int, phase_pk: int) -> HttpResponse:
    """Mark a phase done today (or take the mark back)."""
    from django.utils import timezone

    project = selectors.project_get(request.user, pk)
    scope.require(request.user, "clearance.change", project.territory)
    phase = Phase.objects.filter(project=project, pk=phase_pk).first()
    if phase is not None:
        services.phase_save(
            project=project,
            phase=phase,
            actor=request.user,
            name=phase.name,
            order=phase.order,
            starts_on=phase.starts_on,
            ends_on=phase.ends_on,
            done_on=None if phase.done_on else timezone.localdate(),
            note=phase.note,
        )
        messages.success(request, _("The phase was saved."))
    return redirect("clearance:project-detail", project.pk)


@login_required
@require_POST
def phase_delete(request: HttpRequest, pk: int, phase_pk: int) -> HttpResponse:
    project = selectors.project_get(request.user, pk)
    scope.require(request.user, "clearance.change", project.territory)
    phase = Phase.objects.filter(project=project, pk=phase_pk).first()
    if phase is not None:
        services.phase_delete(phase=phase, actor=request.user)
        messages.success(request, _("The phase was removed."))
    return redirect("clearance:project-detail", project.pk)


@login_required
@require_POST
def plans_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader approves every draft plan of the project under one decision."""
    project = selectors.project_get(request.user, pk)
    scope.require(request.user, "clearance.approve", project.territory)
    form = PlanApprovalForm(request.POST)
    if form.is_valid():
        plans = CompensationPlan.objects.filter(household__project=project, status=PlanStatus.DRAFT)
        try:
            count = money.plans_approve(
                plans,
                decision_number=form.cleaned_data["decision_number"],
                approved_on=form.cleaned_data["approved_on"],
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(count)s plans were approved under decision %(number)s.")
                % {"count": count, "number": form.cleaned_data["decision_number"]},
            )
            return redirect("clearance:project-detail", project.pk)
    return _detail_with_errors(request, project, approval_form=form)


urlpatterns = [
    path("", project_list, name="project-list"),
    path("projects/new/", project_create, name="project-create"),
    path("projects/<int:pk>/", project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", project_edit, name="project-edit"),
    path("projects/<int:pk>/step/", project_step, name="project-step"),
    path("projects/<int:pk>/decisions/", decision_add, name="project-decision-add"),
    path(
        "projects/<int:pk>/decisions/<int:decision_pk>/delete/",
        decision_delete,
        name="project-decision-delete",
    ),
    path("projects/<int:pk>/phases/", phase_add, name="project-phase-add"),
    path("projects/<int:pk>/phases/<int:phase_pk>/done/", phase_done, name="project-phase-done"),
    path(
        "projects/<int:pk>/phases/<int:phase_pk>/delete/",
        phase_delete,
        name="project-phase-delete",
    ),
    path("projects/<int:pk>/plans/approve/", plans_approve, name="project-plans-approve"),
]
