"""Annual plans over the API: plans, indicators, tasks, progress reports, roll-up, sources.

Reads go through the scope filter (outside the caller's scope a record is not found: 404),
writes through the services (inside the scope without the right: 403; a broken rule: 400 with
a message; a stale `version`: 409).
"""

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Status

from danvan.core import indicators, scope
from danvan.core.api_utils import error_responses, paginated, unknown_choice
from danvan.core.errors import DomainError
from danvan.plans import selectors
from danvan.plans.models import Indicator, Period, PlanTask, ProgressReport
from danvan.plans.rollup import plan_rollup
from danvan.plans.schemas import (
    ComputeIn,
    IndicatorIn,
    IndicatorOut,
    PlanFiltersIn,
    PlanIn,
    PlanListOut,
    PlanOut,
    PlanUpdateIn,
    ReportOpenIn,
    ReportOut,
    RollupOut,
    SourceOut,
    StepIn,
    TaskIn,
    TaskOut,
    TaskUpdateIn,
    ValuesIn,
)
from danvan.plans.services import plans as services
from danvan.plans.services import progress
from danvan.plans.transitions import PLAN_LIFECYCLE
from danvan.territories.models import Territory

router = Router(tags=["plans"])

VIEW, CHANGE = "plans.view", "plans.change"
WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)
SENT_AS = {"organisation": "organisation_id", "documents": "document_ids", "owner": "owner_id"}


class Shown:
    def __init__(self, row, **parts) -> None:
        self._row = row
        self.__dict__.update(parts)

    def __getattr__(self, name: str):
        return getattr(self._row, name)


def _renamed(exc: DomainError) -> DomainError:
    if exc.field:
        exc.field = SENT_AS.get(exc.field, exc.field)
    return exc


def _require_anywhere(request, action: str) -> None:
    if not scope.can_anywhere(request.user, action):
        raise PermissionDenied(action)


def _plan_out(request, plan_id: int) -> Shown:
    plan = selectors.plan_get_for_user(request.user, plan_id)
    steps = [
        {"name": t.name, "label": str(t.label), "requires_reason": t.requires_reason}
        for t in PLAN_LIFECYCLE.available_for(plan, request.user)
    ]
    return Shown(plan, documents=selectors.plan_documents_for_user(request.user, plan), steps=steps)


def _plan_data(request, payload: PlanIn) -> services.PlanData:
    organisation = (
        selectors.organisations_for_plans(request.user).filter(pk=payload.organisation_id).first()
    )
    if organisation is None:
        raise unknown_choice("organisation_id")
    wanted = list(dict.fromkeys(payload.document_ids))
    documents = selectors.documents_for_picker(request.user).in_bulk(wanted)
    if len(documents) != len(wanted):
        raise unknown_choice("document_ids")
    return services.PlanData(
        organisation=organisation,
        year=payload.year,
        title=payload.title,
        goals=payload.goals,
        documents=[documents[pk] for pk in wanted],
    )


# --- plans ------------------------------------------------------------------------------------


@router.get("", response={200: list[PlanListOut], **error_responses(403, 422)})
@paginated
def plan_list(request, filters: Query[PlanFiltersIn]):
    """Plans within the caller's scope, filtered by unit subtree, year, organisation, status."""
    _require_anywhere(request, VIEW)
    territory = None
    if filters.territory_id is not None:
        territory = scope.filter(
            request.user, VIEW, Territory.objects.filter(pk=filters.territory_id), via=None
        ).first()
        if territory is None:
            raise unknown_choice("territory_id", source="query")
    return selectors.plan_list_for_user(
        request.user,
        selectors.PlanFilters(
            territory=territory,
            year=filters.year,
            organisation_id=filters.organisation_id,
            status=filters.status or "",
            query=filters.q,
        ),
    )


@router.post("", response={201: PlanOut, **WRITE_ERRORS})
def plan_create(request, payload: PlanIn):
    """A draft plan of an organisation in the caller's scope for one year."""
    _require_anywhere(request, CHANGE)
    try:
        plan = services.plan_create(data=_plan_data(request, payload), actor=request.user)
    except DomainError as exc:
        raise _renamed(exc) from None
    return Status(201, _plan_out(request, plan.pk))


@router.get("/sources", response=list[SourceOut])
def source_list(request):
    """The registered sources an indicator can be computed from."""
    _require_anywhere(request, VIEW)
    return [
        {"key": s.key, "label": str(s.label), "unit": str(s.unit), "domain": s.domain}
        for s in indicators.registered_sources()
    ]


@router.get("/{int:plan_id}", response={200: PlanOut, **error_responses(404)})
def plan_detail(request, plan_id: int):
    return _plan_out(request, plan_id)


@router.put("/{int:plan_id}", response={200: PlanOut, **WRITE_ERRORS})
def plan_update(request, plan_id: int, payload: PlanUpdateIn):
    """Replace the fields of a draft plan (send the `version` you read)."""
    plan = selectors.plan_get_for_user(request.user, plan_id)
    scope.require(request.user, CHANGE, plan.territory)
    try:
        services.plan_update(
            plan=plan,
            data=_plan_data(request, payload),
            actor=request.user,
            version=payload.version,
        )
    except DomainError as exc:
        raise _renamed(exc) from None
    return _plan_out(request, plan_id)


@router.post("/{int:plan_id}/steps/{name}", response={200: PlanOut, **WRITE_ERRORS})
def plan_step(request, plan_id: int, name: str, payload: StepIn):
    """approve, return_to_draft (reason), close, reopen (reason)."""
    plan = selectors.plan_get_for_user(request.user, plan_id)
    services.plan_transition(
        plan=plan, name=name, actor=request.user, reason=payload.reason, version=payload.version
    )
    return _plan_out(request, plan_id)


# --- indicators -------------------------------------------------------------------------------


def _indicator_data(payload: IndicatorIn) -> services.IndicatorData:
    return services.IndicatorData(**payload.dict())


def _indicator_get(request, indicator_id: int) -> Indicator:
    return scope.get_visible_or_404(
        request.user,
        VIEW,
        Indicator.objects.filter(plan__isnull=False).select_related("plan__territory"),
        via="plan__territory",
        pk=indicator_id,
    )


@router.get("/{int:plan_id}/indicators", response={200: list[IndicatorOut], **error_responses(404)})
def indicator_list(request, plan_id: int):
    plan = selectors.plan_get_for_user(request.user, plan_id)
    return list(plan.indicators.all())


@router.post("/{int:plan_id}/indicators", response={201: IndicatorOut, **WRITE_ERRORS})
def indicator_create(request, plan_id: int, payload: IndicatorIn):
    plan = selectors.plan_get_for_user(request.user, plan_id)
    indicator = services.indicator_create(
        plan=plan, data=_indicator_data(payload), actor=request.user
    )
    return Status(201, indicator)


@router.put("/indicators/{int:indicator_id}", response={200: IndicatorOut, **WRITE_ERRORS})
def indicator_update(request, indicator_id: int, payload: IndicatorIn):
    indicator = _indicator_get(request, indicator_id)
    return services.indicator_update(
        indicator=indicator, data=_indicator_data(payload), actor=request.user
    )


@router.delete("/indicators/{int:indicator_id}", response={204: None, **WRITE_ERRORS})
def indicator_delete(request, indicator_id: int):
    services.indicator_delete(indicator=_indicator_get(request, indicator_id), actor=request.user)
    return Status(204, None)


# --- tasks ------------------------------------------------------------------------------------


def _task_data(request, payload: TaskIn) -> services.TaskData:
    owner = None
    if payload.owner_id is not None:
        owner = (
            selectors.organisations_for_plans(request.user, VIEW)
            .filter(pk=payload.owner_id)
            .first()
        )
        if owner is None:
            raise unknown_choice("owner_id")
    return services.TaskData(
        title=payload.title, owner=owner, owner_name=payload.owner_name,
        deadline=payload.deadline, status=payload.status, note=payload.note,
    )  # fmt: skip


def _task_get(request, task_id: int) -> PlanTask:
    return scope.get_visible_or_404(
        request.user,
        VIEW,
        PlanTask.objects.select_related("plan__territory"),
        via="plan__territory",
        pk=task_id,
    )


def _task_out(task: PlanTask) -> Shown:
    from django.utils import timezone

    overdue = bool(
        task.deadline and task.deadline < timezone.localdate()
        and task.status in ("todo", "in_progress")
    )  # fmt: skip
    return Shown(task, is_overdue=overdue)


@router.get("/{int:plan_id}/tasks", response={200: list[TaskOut], **error_responses(404)})
def task_list(request, plan_id: int):
    plan = selectors.plan_get_for_user(request.user, plan_id)
    return selectors.tasks_of(plan)


@router.post("/{int:plan_id}/tasks", response={201: TaskOut, **WRITE_ERRORS})
def task_create(request, plan_id: int, payload: TaskIn):
    plan = selectors.plan_get_for_user(request.user, plan_id)
    scope.require(request.user, CHANGE, plan.territory)
    try:
        task = services.task_create(
            plan=plan, data=_task_data(request, payload), actor=request.user
        )
    except DomainError as exc:
        raise _renamed(exc) from None
    return Status(201, _task_out(task))


@router.put("/tasks/{int:task_id}", response={200: TaskOut, **WRITE_ERRORS})
def task_update(request, task_id: int, payload: TaskUpdateIn):
    task = _task_get(request, task_id)
    scope.require(request.user, CHANGE, task.plan.territory)
    try:
        task = services.task_update(
            task=task, data=_task_data(request, payload), actor=request.user,
            version=payload.version,
        )  # fmt: skip
    except DomainError as exc:
        raise _renamed(exc) from None
    return _task_out(task)


@router.delete("/tasks/{int:task_id}", response={204: None, **WRITE_ERRORS})
def task_delete(request, task_id: int):
    services.task_delete(task=_task_get(request, task_id), actor=request.user)
    return Status(204, None)


# --- progress reports -------------------------------------------------------------------------


def _report_get(request, report_id: int) -> ProgressReport:
    return scope.get_visible_or_404(
        request.user,
        VIEW,
        ProgressReport.objects.filter(plan__isnull=False).select_related("plan__territory"),
        via="plan__territory",
        pk=report_id,
    )


def _report_out(report: ProgressReport) -> Shown:
    report.refresh_from_db()
    first, last = progress.report_bounds(report)
    values = [
        {
            "indicator_id": row.indicator.pk, "name": row.indicator.name,
            "unit": row.indicator.unit, "target": row.target, "actual": row.actual,
            "percent": row.percent, "is_computed": row.is_computed,
            "source": row.indicator.source, "source_label": row.source_label,
            "drill_url": row.drill_url, "note": row.note, "computed_at": row.computed_at,
        }
        for row in selectors.indicator_progress(report)
    ]  # fmt: skip
    return Shown(report, first_day=first, last_day=last, values=values)


@router.get("/{int:plan_id}/reports", response={200: list[ReportOut], **error_responses(404)})
def report_list(request, plan_id: int):
    plan = selectors.plan_get_for_user(request.user, plan_id)
    return [_report_out(r) for r in selectors.plan_reports(plan)]


@router.post("/{int:plan_id}/reports", response={200: ReportOut, **WRITE_ERRORS})
def report_open(request, plan_id: int, payload: ReportOpenIn):
    """The plan's report for a period, created empty the first time."""
    plan = selectors.plan_get_for_user(request.user, plan_id)
    report = progress.progress_report_get_or_create(
        owner=plan, year=payload.year or plan.year, period=payload.period, actor=request.user
    )
    return _report_out(report)


@router.get("/reports/{int:report_id}", response={200: ReportOut, **error_responses(404)})
def report_detail(request, report_id: int):
    return _report_out(_report_get(request, report_id))


@router.put("/reports/{int:report_id}/values", response={200: ReportOut, **WRITE_ERRORS})
def report_values(request, report_id: int, payload: ValuesIn):
    """Save typed figures (send the report's `version`); computed indicators are refused."""
    report = _report_get(request, report_id)
    values = {v.indicator_id: v.value for v in payload.values}
    notes = {v.indicator_id: v.note for v in payload.values if v.note is not None}
    progress.progress_values_save(
        report=report, values=values, notes=notes, version=payload.version,
        actor=request.user, note=payload.note,
    )  # fmt: skip
    return _report_out(report)


@router.post("/reports/{int:report_id}/compute", response={200: ReportOut, **WRITE_ERRORS})
def report_compute(request, report_id: int, payload: ComputeIn):
    """Fill the computed indicators from the platform's records for the report's period."""
    report = _report_get(request, report_id)
    progress.progress_compute(report=report, actor=request.user, version=payload.version)
    return _report_out(report)


@router.post("/reports/{int:report_id}/steps/{name}", response={200: ReportOut, **WRITE_ERRORS})
def report_step(request, report_id: int, name: str, payload: StepIn):
    """submit, or reopen (with a reason)."""
    report = _report_get(request, report_id)
    if name == "submit":
        progress.progress_report_submit(report=report, actor=request.user, version=payload.version)
    elif name == "reopen":
        progress.progress_report_reopen(
            report=report, actor=request.user, reason=payload.reason, version=payload.version
        )
    else:
        raise unknown_choice("name", source="path")
    return _report_out(report)


# --- roll-up ----------------------------------------------------------------------------------


@router.get("/{int:plan_id}/rollup", response={200: list[RollupOut], **error_responses(404, 422)})
def rollup(request, plan_id: int, period: Period = Period.H1):
    """Per indicator: the figures of the lower-level plans for `period`, and who sent them."""
    plan = selectors.plan_get_for_user(request.user, plan_id)
    return [
        {
            "indicator_id": row.indicator.pk, "name": row.indicator.name,
            "unit": row.indicator.unit, "aggregation": row.indicator.aggregation,
            "value": row.value,
            "contributions": [
                {"plan_id": c.plan.pk, "organisation_name": c.plan.organisation.name,
                 "territory_name": c.plan.territory.name, "indicator_id": c.indicator.pk,
                 "value": c.value, "report_status": c.report_status}
                for c in row.contributions
            ],
        }
        for row in plan_rollup(plan, period, request.user)
    ]  # fmt: skip
