"""Task forces and peak campaigns over the API (mounted at /clearance/)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Status

from danvan.audit.api import register_history
from danvan.clearance import selectors
from danvan.clearance.api.common import (
    Shown,
    fields_as_sent,
    person_or_422,
    territory_or_422,
)
from danvan.clearance.models import PeakCampaign, TaskForce
from danvan.clearance.schemas import (
    BurnDownOut,
    CampaignIn,
    CampaignOut,
    TaskForceDetailOut,
    TaskForceIn,
    TaskForceOut,
)
from danvan.clearance.services import mobilisation as services
from danvan.core import scope
from danvan.core.api_utils import error_responses, paginated, unknown_choice
from danvan.organisations.selectors import organisation_get_for_user

router = Router(tags=["clearance"])
register_history("clearance.taskforce", selectors.task_force_get)
register_history("clearance.peakcampaign", selectors.campaign_get)

WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)


# --- task forces -------------------------------------------------------------------------------


def _task_force(request, task_force_id: int) -> Shown:
    task_force = selectors.task_force_get(request.user, task_force_id)
    # Only the projects the caller may see, even when the team also works elsewhere.
    projects = selectors.project_list(request.user).filter(task_force=task_force)
    return Shown(task_force, projects=list(projects))


def _save_task_force(request, payload: TaskForceIn, task_force: TaskForce | None = None):
    user = request.user
    if not scope.can_anywhere(user, "clearance.change"):
        raise PermissionDenied("clearance.change")
    territory = territory_or_422(payload.territory_id)
    # A unit outside the caller's rights is refused before its members are looked at.
    scope.require(user, "clearance.change", territory)
    organisation = None
    if payload.organisation_id is not None:
        try:
            organisation = organisation_get_for_user(user, payload.organisation_id)
        except Http404:
            raise unknown_choice("organisation_id") from None
    members = None
    if payload.members is not None:
        members = [
            services.MemberData(
                full_name=member.full_name,
                position=member.position,
                is_leader=member.is_leader,
                user=person_or_422(member.user_id, territory, f"members.{index}.user_id"),
            )
            for index, member in enumerate(payload.members)
        ]
    with fields_as_sent():
        return services.task_force_save(
            name=payload.name,
            territory=territory,
            organisation=organisation,
            note=payload.note,
            members=members,
            task_force=task_force,
            actor=user,
        )


@router.get("/task-forces", response=list[TaskForceOut])
@paginated
def task_force_list(request):
    """Mobilisation teams within the caller's scope, with their members."""
    return selectors.task_force_list(request.user)


@router.post("/task-forces", response={201: TaskForceDetailOut, **WRITE_ERRORS})
def task_force_create(request, payload: TaskForceIn):
    """Form a team; one member at most is its leader."""
    task_force = _save_task_force(request, payload)
    return Status(201, _task_force(request, task_force.pk))


@router.get(
    "/task-forces/{int:task_force_id}", response={200: TaskForceDetailOut, **error_responses(404)}
)
def task_force_detail(request, task_force_id: int):
    """A team with its members and the projects it works on."""
    return _task_force(request, task_force_id)


@router.put("/task-forces/{int:task_force_id}", response={200: TaskForceDetailOut, **WRITE_ERRORS})
def task_force_update(request, task_force_id: int, payload: TaskForceIn):
    """Change a team; `members`, when sent, replaces the whole list."""
    task_force = selectors.task_force_get(request.user, task_force_id)
    _save_task_force(request, payload, task_force)
    return _task_force(request, task_force_id)


# --- peak campaigns ----------------------------------------------------------------------------


def _campaigns(request):
    # Each campaign's projects come with their units, so the schema can leave out those the
    # caller may not see without a query per project.
    return selectors.campaign_list(request.user).prefetch_related("projects__territory")


def _campaign(request, campaign_id: int) -> PeakCampaign:
    campaign = _campaigns(request).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def _campaign_data(request, payload: CampaignIn) -> services.CampaignData:
    wanted = list(dict.fromkeys(payload.project_ids))
    found = selectors.project_list(request.user).in_bulk(wanted)
    if len(found) != len(wanted):
        raise unknown_choice("project_ids")
    return services.CampaignData(
        name=payload.name,
        territory=territory_or_422(payload.territory_id),
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        target_households=payload.target_households,
        target_area=payload.target_area,
        projects=[found[pk] for pk in wanted],
        note=payload.note,
    )


@router.get("/campaigns", response=list[CampaignOut])
@paginated
def campaign_list(request):
    """Peak campaigns within the caller's scope, newest first."""
    return _campaigns(request)


@router.post("/campaigns", response={201: CampaignOut, **WRITE_ERRORS})
def campaign_create(request, payload: CampaignIn):
    """Open a peak campaign: a period, its projects and the households and m² to hand over."""
    if not scope.can_anywhere(request.user, "clearance.change"):
        raise PermissionDenied("clearance.change")
    with fields_as_sent():
        campaign = services.campaign_save(data=_campaign_data(request, payload), actor=request.user)
    return Status(201, _campaign(request, campaign.pk))


@router.get("/campaigns/{int:campaign_id}", response={200: CampaignOut, **error_responses(404)})
def campaign_detail(request, campaign_id: int):
    """A peak campaign with its targets and projects."""
    return _campaign(request, campaign_id)


@router.put("/campaigns/{int:campaign_id}", response={200: CampaignOut, **WRITE_ERRORS})
def campaign_update(request, campaign_id: int, payload: CampaignIn):
    """Change a campaign; every field is replaced."""
    campaign = selectors.campaign_get(request.user, campaign_id)
    with fields_as_sent():
        services.campaign_save(
            data=_campaign_data(request, payload), campaign=campaign, actor=request.user
        )
    return _campaign(request, campaign_id)


@router.get(
    "/campaigns/{int:campaign_id}/progress",
    response={200: list[BurnDownOut], **error_responses(404)},
)
def campaign_progress(request, campaign_id: int):
    """One row per day: households still to hand over against the straight line to zero."""
    return selectors.campaign_progress(selectors.campaign_get(request.user, campaign_id))
