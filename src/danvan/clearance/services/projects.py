"""Projects: registration, editing, lifecycle steps, recovery decisions and phases."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.clearance.models import (
    Phase,
    Project,
    ProjectKind,
    ProjectStatus,
    RecoveryDecision,
    TaskForce,
)
from danvan.clearance.transitions import PROJECT_LIFECYCLE
from danvan.core import scope, workflow
from danvan.core.errors import ConflictError, DomainError
from danvan.core.search import nfc, search_key
from danvan.territories.models import Territory

# Units from before the reorganisation of 1 July 2025 only hold records up to 2025.
LAST_LEGACY_YEAR = 2025
FIRST_YEAR = 2000
MAX_AMOUNT = 10**15

EDITABLE_FIELDS = (
    "name", "code", "investor", "purpose", "kind", "territory", "year", "planned_area",
    "planned_households", "budget", "starts_on", "handover_deadline", "task_force",
)  # fmt: skip


@dataclass
class ProjectData:
    name: str
    code: str
    territory: Territory
    year: int
    kind: str = ProjectKind.STATE_RECOVERY
    investor: str = ""
    purpose: str = ""
    planned_area: Decimal = Decimal("0")
    planned_households: int = 0
    budget: int = 0
    starts_on: date | None = None
    handover_deadline: date | None = None
    task_force: TaskForce | None = None
    units: list[Territory] = field(default_factory=list)


def _check(data: ProjectData, actor) -> None:
    scope.require(actor, "clearance.change", data.territory)
    if not data.name.strip():
        raise DomainError(_("Enter the project's name."), code="name", field="name")
    if not data.code.strip():
        raise DomainError(_("Enter the project's code."), code="code", field="code")
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= data.year <= this_year + 1:
        raise DomainError(
            _("Enter a year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year + 1},
            code="year",
            field="year",
        )
    if data.kind not in ProjectKind.values:
        raise DomainError(_("Choose the kind of project."), code="kind", field="kind")
    for unit in [data.territory, *data.units]:
        if not unit.is_current and data.year > LAST_LEGACY_YEAR:
            raise DomainError(
                _("Units from before 07/2025 are only for records of 2025 and earlier."),
                code="legacy_territory",
                field="territory",
            )
        if not scope.can(actor, "clearance.view", unit):
            raise DomainError(_("Choose units within your scope."), code="units", field="units")
    if data.planned_area is None or data.planned_area < 0:
        raise DomainError(_("The area cannot be negative."), code="area", field="planned_area")
    if data.planned_households < 0:
        raise DomainError(
            _("The number of households cannot be negative."),
            code="households",
            field="planned_households",
        )
    if (
        isinstance(data.budget, bool)
        or not isinstance(data.budget, int)
        or not (0 <= data.budget <= MAX_AMOUNT)
    ):
        raise DomainError(
            _("The budget is a whole number of đồng, not negative."),
            code="budget",
            field="budget",
        )
    if data.starts_on and data.handover_deadline and data.handover_deadline < data.starts_on:
        raise DomainError(
            _("The handover deadline cannot be before the start date."),
            code="deadline",
            field="handover_deadline",
        )
    if data.task_force is not None and not scope.can(
        actor, "clearance.view", data.task_force.territory
    ):
        raise DomainError(
            _("Choose a task force within your scope."), code="task_force", field="task_force"
        )


def _apply(project: Project, data: ProjectData) -> None:
    for name in EDITABLE_FIELDS:
        value = getattr(data, name)
        setattr(project, name, nfc(value).strip() if isinstance(value, str) else value)
    project.search_name = search_key(project.code, project.name)[:300]


def _duplicate() -> DomainError:
    return DomainError(_("Another project already uses this code."), code="duplicate", field="code")


def _unit_ids(project: Project) -> list[int]:
    return sorted(project.units.values_list("pk", flat=True))


@transaction.atomic
def project_create(*, data: ProjectData, actor) -> Project:
    _check(data, actor)
    project = Project(created_by=actor if getattr(actor, "pk", None) else None)
    _apply(project, data)
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as exc:
        raise _duplicate() from exc
    project.units.set(data.units or [data.territory])
    changes = audit.diff({}, audit.snapshot(project))
    changes["units"] = [None, _unit_ids(project)]
    audit.record_one(audit.Action.CREATE, project, actor=actor, changes=changes)
    return project


@transaction.atomic
def project_update(
    *, project: Project, data: ProjectData, actor, expected_version: int | None = None
) -> Project:
    scope.require(actor, "clearance.change", project.territory)
    _check(data, actor)
    current = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    before = audit.snapshot(current)
    before_units = _unit_ids(current)
    _apply(current, data)
    current.version += 1
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as exc:
        raise _duplicate() from exc
    current.units.set(data.units or [data.territory])
    changes = audit.diff(before, audit.snapshot(current))
    for noise in ("updated_at", "version"):
        changes.pop(noise, None)
    if (after_units := _unit_ids(current)) != before_units:
        changes["units"] = [before_units, after_units]
    if changes:
        audit.record_one(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


def project_transition(
    *, project: Project, name: str, actor, reason: str = "", expected_version: int | None = None
) -> Project:
    extra: dict[str, Any] = {}
    if name == "suspend":
        extra = {"suspended_from": project.status, "status_note": reason.strip()}
    elif name.startswith("resume_"):
        extra = {"suspended_from": "", "status_note": ""}
    return workflow.apply(
        PROJECT_LIFECYCLE,
        project,
        name=name,
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        extra=extra,
    )


@transaction.atomic
def decision_add(
    *, project: Project, number: str, signed_on: date, actor, note: str = ""
) -> RecoveryDecision:
    scope.require(actor, "clearance.change", project.territory)
    number = nfc(number or "").strip()
    if not number:
        raise DomainError(_("Enter the decision number."), code="number", field="number")
    if signed_on is None or signed_on > timezone.localdate():
        raise DomainError(
            _("Enter the decision date; it cannot be in the future."),
            code="signed_on",
            field="signed_on",
        )
    if project.decisions.filter(number=number).exists():
        raise DomainError(
            _("This decision is already recorded for the project."),
            code="duplicate",
            field="number",
        )
    decision = RecoveryDecision.objects.create(
        project=project, number=number, signed_on=signed_on, note=nfc(note).strip()
    )
    audit.record_one(
        audit.Action.CREATE, decision, actor=actor, changes=audit.diff({}, audit.snapshot(decision))
    )
    return decision


@transaction.atomic
def decision_delete(*, decision: RecoveryDecision, actor) -> None:
    scope.require(actor, "clearance.change", decision.project.territory)
    audit.record_one(
        audit.Action.DELETE, decision, actor=actor, changes=audit.diff(audit.snapshot(decision), {})
    )
    decision.delete()


@transaction.atomic
def phase_save(
    *,
    project: Project,
    name: str,
    actor,
    phase: Phase | None = None,
    order: int = 1,
    starts_on: date | None = None,
    ends_on: date | None = None,
    done_on: date | None = None,
    note: str = "",
) -> Phase:
    """Add a phase, or change one when `phase` is given."""
    scope.require(actor, "clearance.change", project.territory)
    name = nfc(name or "").strip()
    if not name:
        raise DomainError(_("Enter the phase's name."), code="name", field="name")
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(
            _("The end date cannot be before the start date."), code="ends_on", field="ends_on"
        )
    before = audit.snapshot(phase) if phase else {}
    phase = phase or Phase(project=project)
    phase.name, phase.order, phase.note = name, order, nfc(note).strip()
    phase.starts_on, phase.ends_on, phase.done_on = starts_on, ends_on, done_on
    phase.save()
    changes = audit.diff(before, audit.snapshot(phase))
    if changes:
        audit.record_one(
            audit.Action.UPDATE if before else audit.Action.CREATE,
            phase,
            actor=actor,
            changes=changes,
        )
    return phase


@transaction.atomic
def phase_delete(*, phase: Phase, actor) -> None:
    scope.require(actor, "clearance.change", phase.project.territory)
    audit.record_one(
        audit.Action.DELETE, phase, actor=actor, changes=audit.diff(audit.snapshot(phase), {})
    )
    phase.delete()


__all__ = [
    "ProjectData", "ProjectStatus", "decision_add", "decision_delete", "phase_delete",
    "phase_save", "project_create", "project_transition", "project_update",
]  # fmt: skip
