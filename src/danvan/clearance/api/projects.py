"""Clearance projects over the API: the board, one project with its decisions and phases, its
lifecycle, and its households.

Reads go through the selectors (outside the caller's scope a project is not found: 404), writes
through the services (inside the scope without the right: 403).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from danvan.audit.api import register_history
from danvan.clearance import selectors
from danvan.clearance.api import households as household_api
from danvan.clearance.api.common import (
    Shown,
    fields_as_sent,
    step_list,
    task_force_or_422,
    territories_or_422,
    territory_or_422,
)
from danvan.clearance.models import Phase, Project, RecoveryDecision
from danvan.clearance.schemas import (
    DecisionIn,
    DecisionOut,
    HouseholdFiltersIn,
    HouseholdIn,
    HouseholdListOut,
    HouseholdOut,
    PhaseIn,
    PhaseOut,
    ProjectFiltersIn,
    ProjectIn,
    ProjectListOut,
    ProjectOut,
    ProjectPatchIn,
    ProjectTransitionIn,
    ProjectUpdateIn,
)
from danvan.clearance.services import projects as services
from danvan.clearance.transitions import project_steps_for
from danvan.core import scope
from danvan.core.api_utils import error_responses, field_error, paginated

router = Router(tags=["clearance"])
register_history("clearance.project", selectors.project_get)

WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)
# Fields a PATCH may clear by sending null.
NULLABLE = {"starts_on", "handover_deadline", "task_force_id"}


def _get(request, project_id: int) -> Project:
    """The project, if the caller may see it, without the prefetches of the full detail."""
    project = selectors.project_list(request.user).filter(pk=project_id).first()
    if project is None:
        raise Http404
    return project


def _detail(request, project_id: int) -> Shown:
    project = selectors.project_get(request.user, project_id)
    return Shown(project, steps=step_list(project_steps_for(project, request.user)))


def _data(request, values: dict[str, Any], current: Project | None = None) -> services.ProjectData:
    """The service's ProjectData: the project as it is, with the fields sent put over it."""
    values = dict(values)
    values.pop("version", None)
    for name, value in values.items():
        if value is None and name not in NULLABLE:
            raise field_error(name, _("This field is required."))
    if current is not None:
        fields = {name: getattr(current, name) for name in services.EDITABLE_FIELDS}
        fields["units"] = list(current.units.all())
    else:
        fields = {}
    if "territory_id" in values:
        values["territory"] = territory_or_422(values.pop("territory_id"))
    if "unit_ids" in values:
        values["units"] = territories_or_422(values.pop("unit_ids"))
    if "task_force_id" in values:
        pk = values.pop("task_force_id")
        values["task_force"] = task_force_or_422(request.user, pk) if pk is not None else None
    fields.update(values)
    return services.ProjectData(**fields)


@router.get("", response={200: list[ProjectListOut], **error_responses(422)})
@paginated
def project_list(request, filters: Query[ProjectFiltersIn]):
    """Projects within the caller's scope with their stored progress totals, filtered and sorted."""
    territory = None
    if filters.territory_id is not None:
        territory = territory_or_422(filters.territory_id, source="query")
    return selectors.project_list(
        request.user,
        selectors.ProjectFilters(
            query=filters.q,
            territory=territory,
            status=filters.status or "",
            kind=filters.kind or "",
            year=filters.year,
        ),
        sort=filters.sort,
    )


@router.post("", response={201: ProjectOut, **WRITE_ERRORS})
def project_create(request, payload: ProjectIn):
    """Register a project (status "preparing") in a unit of the caller's scope."""
    if not scope.can_anywhere(request.user, "clearance.change"):
        raise PermissionDenied("clearance.change")
    with fields_as_sent():
        project = services.project_create(data=_data(request, payload.dict()), actor=request.user)
    return Status(201, _detail(request, project.pk))


@router.get("/{int:project_id}", response={200: ProjectOut, **error_responses(404)})
def project_detail(request, project_id: int):
    """A project with its decisions, phases, communes, stored totals and the caller's steps."""
    return _detail(request, project_id)


def _update(request, project_id: int, values: dict[str, Any], version: int):
    project = _get(request, project_id)
    with fields_as_sent():
        services.project_update(
            project=project,
            data=_data(request, values, current=project),
            actor=request.user,
            expected_version=version,
        )
    return _detail(request, project_id)


@router.put("/{int:project_id}", response={200: ProjectOut, **WRITE_ERRORS})
def project_replace(request, project_id: int, payload: ProjectUpdateIn):
    """Replace every field; a `version` older than the stored one answers 409."""
    return _update(request, project_id, payload.dict(), payload.version)


@router.patch("/{int:project_id}", response={200: ProjectOut, **WRITE_ERRORS})
def project_patch(request, project_id: int, payload: ProjectPatchIn):
    """Change only the fields sent; `version` works as with PUT."""
    return _update(request, project_id, payload.dict(exclude_unset=True), payload.version)


@router.post("/{int:project_id}/transitions", response={200: ProjectOut, **WRITE_ERRORS})
def project_transition(request, project_id: int, payload: ProjectTransitionIn):
    """Take one of the `steps` of the detail (suspending needs a reason; resume_* goes back)."""
    services.project_transition(
        project=_get(request, project_id),
        name=payload.name,
        actor=request.user,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _detail(request, project_id)


# --- decisions and phases ----------------------------------------------------------------------


@router.post("/{int:project_id}/decisions", response={201: DecisionOut, **WRITE_ERRORS})
def decision_add(request, project_id: int, payload: DecisionIn):
    """Record a land recovery decision behind the project."""
    decision = services.decision_add(
        project=_get(request, project_id),
        number=payload.number,
        signed_on=payload.signed_on,
        note=payload.note,
        actor=request.user,
    )
    return Status(201, decision)


@router.delete(
    "/{int:project_id}/decisions/{int:decision_id}",
    response={204: None, **error_responses(403, 404)},
)
def decision_delete(request, project_id: int, decision_id: int):
    """Remove a decision recorded by mistake."""
    project = _get(request, project_id)
    decision = RecoveryDecision.objects.filter(project=project, pk=decision_id).first()
    if decision is None:
        raise Http404
    services.decision_delete(decision=decision, actor=request.user)
    return Status(204, None)


def _phase(project: Project, phase_id: int) -> Phase:
    phase = Phase.objects.filter(project=project, pk=phase_id).first()
    if phase is None:
        raise Http404
    return phase


@router.post("/{int:project_id}/phases", response={201: PhaseOut, **WRITE_ERRORS})
def phase_add(request, project_id: int, payload: PhaseIn):
    """Add a phase of the project's schedule."""
    phase = services.phase_save(
        project=_get(request, project_id), actor=request.user, **payload.dict()
    )
    return Status(201, phase)


@router.put("/{int:project_id}/phases/{int:phase_id}", response={200: PhaseOut, **WRITE_ERRORS})
def phase_update(request, project_id: int, phase_id: int, payload: PhaseIn):
    """Change a phase; every field is replaced."""
    project = _get(request, project_id)
    return services.phase_save(
        project=project, phase=_phase(project, phase_id), actor=request.user, **payload.dict()
    )


@router.delete(
    "/{int:project_id}/phases/{int:phase_id}", response={204: None, **error_responses(403, 404)}
)
def phase_delete(request, project_id: int, phase_id: int):
    """Remove a phase."""
    project = _get(request, project_id)
    services.phase_delete(phase=_phase(project, phase_id), actor=request.user)
    return Status(204, None)


# --- households --------------------------------------------------------------------------------


@router.get(
    "/{int:project_id}/households",
    response={200: list[HouseholdListOut], **error_responses(404, 422)},
)
@paginated
def project_households(request, project_id: int, filters: Query[HouseholdFiltersIn]):
    """The project's households with their stored totals; personal numbers are not listed."""
    return selectors.household_list(
        request.user,
        _get(request, project_id),
        selectors.HouseholdFilters(
            query=filters.q,
            status=filters.status or "",
            complaints=filters.complaints,
            outstanding=filters.outstanding,
            officer_id=filters.officer_id,
        ),
    )


@router.post("/{int:project_id}/households", response={201: HouseholdOut, **WRITE_ERRORS})
def household_create(request, project_id: int, payload: HouseholdIn):
    """Add an affected household to the project; the answer shows its numbers masked."""
    household = household_api.create_in(request, _get(request, project_id), payload)
    return Status(201, household_api.detail(request, household.pk))
