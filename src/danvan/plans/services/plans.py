"""Annual plans: the plan itself, its documents, indicators and tasks, and its lifecycle.

A plan belongs to one organisation and one year and is filed under the organisation's unit.
Goals, documents and indicators are edited while the plan is a draft; once approved only the
tasks move (their status through the year) and progress is reported; a closed plan is frozen.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.core import indicators, scope, workflow
from danvan.core.errors import ConflictError, DomainError
from danvan.core.search import nfc, search_key
from danvan.plans.models import (
    Aggregation,
    Indicator,
    IndicatorValue,
    Plan,
    PlanStatus,
    PlanTask,
    ReportStatus,
    TaskStatus,
)
from danvan.plans.services.progress import check_value
from danvan.plans.transitions import PLAN_LIFECYCLE

CHANGE = "plans.change"
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass
class PlanData:
    organisation: object
    year: int
    title: str
    goals: str = ""
    documents: list = field(default_factory=list)


def _clean_text(value: str | None) -> str:
    return nfc(value or "").strip()


def _check_plan(data: PlanData, actor) -> None:
    if data.organisation is None:
        raise DomainError(_("Choose the organisation."), code="organisation", field="organisation")
    scope.require(actor, CHANGE, data.organisation.territory)
    if not data.organisation.is_active:
        raise DomainError(
            _("This organisation is no longer active."), code="organisation", field="organisation"
        )
    if (
        isinstance(data.year, bool)
        or not isinstance(data.year, int)
        or not MIN_YEAR <= data.year <= MAX_YEAR
    ):
        raise DomainError(
            _("Enter a year between %(first)s and %(last)s.")
            % {"first": MIN_YEAR, "last": MAX_YEAR},
            code="year",
            field="year",
        )
    if not _clean_text(data.title):
        raise DomainError(_("Enter the title of the plan."), code="title", field="title")
    if len(_clean_text(data.title)) > 300:
        raise DomainError(_("The title is too long."), code="title", field="title")
    _check_documents(data.documents, actor)


def _check_documents(documents, actor) -> None:
    from danvan.plans.selectors import documents_for_picker

    ids = {d.pk for d in documents}
    if ids and documents_for_picker(actor).filter(pk__in=ids).count() != len(ids):
        raise DomainError(
            _("Choose documents from the register you can read."),
            code="documents",
            field="documents",
        )


def _duplicate(data: PlanData, exclude_pk: int | None = None) -> None:
    rows = Plan.objects.filter(organisation=data.organisation, year=data.year)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    if rows.exists():
        raise DomainError(
            _("%(organisation)s already has a plan for %(year)s.")
            % {"organisation": data.organisation, "year": data.year},
            code="duplicate",
            field="year",
        )


def _snapshot(plan: Plan) -> dict:
    snap = audit.snapshot(plan)
    for noise in ("updated_at", "created_at", "search_text"):
        snap.pop(noise, None)
    return snap


def _document_ids(plan: Plan) -> list[int]:
    return sorted(plan.documents.values_list("pk", flat=True))


def _apply(plan: Plan, data: PlanData) -> None:
    plan.organisation = data.organisation
    plan.territory = data.organisation.territory
    plan.year = data.year
    plan.title = _clean_text(data.title)
    plan.goals = _clean_text(data.goals)
    plan.search_text = search_key(plan.title, data.organisation.name)[:600]


@transaction.atomic
def plan_create(*, data: PlanData, actor) -> Plan:
    """A draft plan of an organisation for a year (one per organisation and year)."""
    _check_plan(data, actor)
    _duplicate(data)
    plan = Plan(created_by=actor if getattr(actor, "pk", None) else None)
    _apply(plan, data)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # a colleague saved the same plan a moment ago
        raise DomainError(
            _("%(organisation)s already has a plan for %(year)s.")
            % {"organisation": data.organisation, "year": data.year},
            code="duplicate",
            field="year",
        ) from exc
    plan.documents.set(data.documents)
    changes = _snapshot(plan)
    changes["documents"] = _document_ids(plan)
    audit.record_one(audit.Action.CREATE, plan, actor=actor, changes=changes)
    return plan


def _lock(plan: Plan, version: int | None, *, editable=(PlanStatus.DRAFT,)) -> Plan:
    current = Plan.objects.select_for_update().select_related("organisation").get(pk=plan.pk)
    if version is not None and current.version != version:
        raise ConflictError()
    if current.status not in editable:
        if current.status == PlanStatus.CLOSED:
            message = _("This plan is closed; a leader must reopen it first.")
        else:
            message = _("This plan is approved; a leader must return it to draft to change it.")
        raise DomainError(message, code="not_editable")
    return current


@transaction.atomic
def plan_update(*, plan: Plan, data: PlanData, actor, version: int | None) -> Plan:
    """Edit a draft plan (organisation, year, title, goals, documents)."""
    scope.require(actor, CHANGE, plan.territory)
    _check_plan(data, actor)
    current = _lock(plan, version)
    _duplicate(data, exclude_pk=current.pk)
    before, before_documents = _snapshot(current), _document_ids(current)
    _apply(current, data)
    current.version += 1
    current.save()
    # Links the editor cannot read in the register (a provincial resolution on a commune's
    # plan) were not offered to them, so they stay as they are.
    from danvan.plans.selectors import documents_for_picker

    unseen = current.documents.exclude(pk__in=documents_for_picker(actor).values("pk"))
    current.documents.set([*data.documents, *unseen])
    changes = audit.diff(before, _snapshot(current))
    changes.pop("version", None)
    if (after_documents := _document_ids(current)) != before_documents:
        changes["documents"] = [before_documents, after_documents]
    if changes:
        audit.record_one(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


def plan_transition(
    *, plan: Plan, name: str, actor, reason: str = "", version: int | None = None
) -> Plan:
    """Approve, close, reopen or return a plan to draft (see transitions.PLAN_LIFECYCLE)."""
    return workflow.apply(
        PLAN_LIFECYCLE, plan, name=name, actor=actor, reason=reason, expected_version=version
    )


# --- indicators -------------------------------------------------------------------------------


@dataclass
class IndicatorData:
    name: str
    unit: str
    target_value: Decimal | None = None
    measurement: str = ""
    code: str = ""
    source: str = ""
    aggregation: str = Aggregation.SUM
    sort_order: int | None = None


def _check_indicator(data: IndicatorData) -> None:
    from django.utils.text import slugify

    data.name = _clean_text(data.name)
    data.unit = _clean_text(data.unit)
    data.measurement = _clean_text(data.measurement)
    data.code = slugify(_clean_text(data.code))[:60]
    if not data.name:
        raise DomainError(_("Enter the indicator."), code="name", field="name")
    if len(data.name) > 300:
        raise DomainError(_("The indicator name is too long."), code="name", field="name")
    if not data.unit or len(data.unit) > 40:
        raise DomainError(_("Enter the unit (at most 40 letters)."), code="unit", field="unit")
    if data.aggregation not in Aggregation.values:
        raise DomainError(_("Choose how it rolls up."), code="aggregation", field="aggregation")
    if data.source and indicators.get_source(data.source) is None:
        raise DomainError(_("Choose a source from the list."), code="source", field="source")
    try:
        data.target_value = check_value(data.target_value)
    except DomainError as exc:
        raise DomainError(exc.message, code="target", field="target_value") from exc


def _indicator_snapshot(indicator: Indicator) -> dict:
    return audit.snapshot(
        indicator,
        ["plan_id", "code", "name", "unit", "target_value", "measurement", "source",
         "aggregation", "sort_order"],
    )  # fmt: skip


def _record_on_plan(plan: Plan, actor, changes: dict, action=audit.Action.UPDATE) -> None:
    """Indicator and task changes are filed on the plan, so its history reads in one place."""
    Plan.objects.filter(pk=plan.pk).update(version=plan.version + 1, updated_at=timezone.now())
    plan.version += 1
    audit.record_one(action, plan, actor=actor, changes=changes)


@transaction.atomic
def indicator_create(*, plan: Plan, data: IndicatorData, actor) -> Indicator:
    scope.require(actor, CHANGE, plan.territory)
    current = _lock(plan, None)
    _check_indicator(data)
    if data.sort_order is None:
        data.sort_order = min(current.indicators.count() + 1, 32000)
    indicator = Indicator.objects.create(
        plan=current,
        **{k: getattr(data, k) for k in IndicatorData.__dataclass_fields__},
    )
    _record_on_plan(
        current, actor, {f"indicator:{indicator.pk}": [None, _indicator_snapshot(indicator)]}
    )
    plan.version = current.version
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, data: IndicatorData, actor) -> Indicator:
    scope.require(actor, CHANGE, indicator.plan.territory)
    current_plan = _lock(indicator.plan, None)
    _check_indicator(data)
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    before = _indicator_snapshot(current)
    for name in IndicatorData.__dataclass_fields__:
        value = getattr(data, name)
        if name == "sort_order" and value is None:
            continue
        setattr(current, name, value)
    current.save()
    after = _indicator_snapshot(current)
    if before != after:
        _record_on_plan(current_plan, actor, {f"indicator:{current.pk}": [before, after]})
    return current


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor) -> None:
    scope.require(actor, CHANGE, indicator.plan.territory)
    current_plan = _lock(indicator.plan, None)
    if IndicatorValue.objects.filter(
        indicator=indicator, report__status=ReportStatus.SUBMITTED
    ).exists():
        raise DomainError(
            _("Figures of this indicator were submitted; it cannot be removed."),
            code="has_values",
        )
    before, pk = _indicator_snapshot(indicator), indicator.pk
    indicator.delete()
    _record_on_plan(current_plan, actor, {f"indicator:{pk}": [before, None]})


# --- tasks ------------------------------------------------------------------------------------


@dataclass
class TaskData:
    title: str
    owner: object = None
    owner_name: str = ""
    deadline: date | None = None
    status: str = TaskStatus.TODO
    done_on: date | None = None
    note: str = ""


TASK_FIELDS = ("title", "owner_id", "owner_name", "deadline", "status", "done_on", "note")


def _check_task(plan: Plan, data: TaskData, actor) -> None:
    data.title = _clean_text(data.title)
    data.owner_name = _clean_text(data.owner_name)
    data.note = _clean_text(data.note)
    if not data.title:
        raise DomainError(_("Enter the task."), code="title", field="title")
    if len(data.title) > 500:
        raise DomainError(_("The task is too long."), code="title", field="title")
    if len(data.owner_name) > 200:
        raise DomainError(_("The name is too long."), code="owner_name", field="owner_name")
    if data.status not in TaskStatus.values:
        raise DomainError(_("Choose a status."), code="status", field="status")
    owner = data.owner
    # The responsible body is one the officer can see, or one above the plan's unit (the
    # provincial Front taking on a commune task).
    if owner is not None and not (
        scope.can(actor, "plans.view", owner.territory)
        or plan.territory.scope_path.startswith(owner.territory.scope_path)
    ):
        raise DomainError(
            _("Choose an organisation of this unit or above it."), code="owner", field="owner"
        )
    if data.status != TaskStatus.DONE:
        data.done_on = None
    if data.deadline and not (MIN_YEAR <= data.deadline.year <= MAX_YEAR):
        raise DomainError(_("Enter a valid deadline."), code="deadline", field="deadline")


def _task_snapshot(task: PlanTask) -> dict:
    return audit.snapshot(task, TASK_FIELDS)


EDITABLE_FOR_TASKS = (PlanStatus.DRAFT, PlanStatus.APPROVED)


@transaction.atomic
def task_create(*, plan: Plan, data: TaskData, actor) -> PlanTask:
    scope.require(actor, CHANGE, plan.territory)
    current = _lock(plan, None, editable=EDITABLE_FOR_TASKS)
    _check_task(current, data, actor)
    task = PlanTask.objects.create(
        plan=current,
        title=data.title,
        owner=data.owner,
        owner_name=data.owner_name,
        deadline=data.deadline,
        status=data.status,
        done_on=data.done_on or (timezone.localdate() if data.status == TaskStatus.DONE else None),
        note=data.note,
        sort_order=min(current.tasks.count() + 1, 32000),
    )
    _record_on_plan(current, actor, {f"task:{task.pk}": [None, _task_snapshot(task)]})
    return task


@transaction.atomic
def task_update(*, task: PlanTask, data: TaskData, actor, version: int | None) -> PlanTask:
    scope.require(actor, CHANGE, task.plan.territory)
    current_plan = _lock(task.plan, None, editable=EDITABLE_FOR_TASKS)
    _check_task(current_plan, data, actor)
    current = PlanTask.objects.select_for_update().get(pk=task.pk)
    if version is not None and current.version != version:
        raise ConflictError()
    before = _task_snapshot(current)
    current.title, current.owner, current.owner_name = data.title, data.owner, data.owner_name
    current.deadline, current.status, current.note = data.deadline, data.status, data.note
    if data.status == TaskStatus.DONE:
        # A task done earlier keeps its date when only the note changes.
        current.done_on = data.done_on or current.done_on or timezone.localdate()
    else:
        current.done_on = None
    current.version += 1
    current.save()
    changes = audit.diff(before, _task_snapshot(current))
    if changes:
        _record_on_plan(current_plan, actor, {f"task:{current.pk}": changes})
    return current


@transaction.atomic
def task_delete(*, task: PlanTask, actor) -> None:
    scope.require(actor, CHANGE, task.plan.territory)
    current_plan = _lock(task.plan, None)
    before, pk = _task_snapshot(task), task.pk
    task.delete()
    _record_on_plan(current_plan, actor, {f"task:{pk}": [before, None]})
