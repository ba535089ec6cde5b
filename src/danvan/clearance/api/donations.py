"""Land donations (hiến đất) over the API."""

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Status

from danvan.audit.api import register_history
from danvan.clearance import selectors
from danvan.clearance.api.common import (
    fields_as_sent,
    household_or_422,
    project_or_422,
    territory_or_422,
)
from danvan.clearance.models import Donation
from danvan.clearance.schemas import DonationFiltersIn, DonationIn, DonationOut
from danvan.clearance.services import donations as services
from danvan.core import scope
from danvan.core.api_utils import error_responses, paginated

router = Router(tags=["clearance"])
register_history("clearance.donation", selectors.donation_get)

WRITE_ERRORS = error_responses(400, 403, 404, 422)


@router.get("", response={200: list[DonationOut], **error_responses(422)})
@paginated
def donation_list(request, filters: Query[DonationFiltersIn]):
    """Donations within the caller's scope, newest first; area in m², value in whole VND."""
    user = request.user
    territory = project = None
    if filters.territory_id is not None:
        territory = territory_or_422(filters.territory_id, source="query")
    if filters.project_id is not None:
        project = project_or_422(user, filters.project_id, source="query")
    return selectors.donation_list(
        user, territory=territory, query=filters.q, year=filters.year, project=project
    )


def _save(request, payload: DonationIn, donation: Donation | None = None) -> Donation:
    user = request.user
    if not scope.can_anywhere(user, "clearance.change"):
        raise PermissionDenied("clearance.change")
    values = payload.dict()
    values["territory"] = territory_or_422(values.pop("territory_id"))
    project_id, household_id = values.pop("project_id"), values.pop("household_id")
    values["project"] = project_or_422(user, project_id) if project_id is not None else None
    values["household"] = household_or_422(user, household_id) if household_id else None
    with fields_as_sent():
        return services.donation_save(
            data=services.DonationData(**values), donation=donation, actor=user
        )


@router.post("", response={201: DonationOut, **WRITE_ERRORS})
def donation_create(request, payload: DonationIn):
    """Record land given free for public works."""
    donation = _save(request, payload)
    return Status(201, selectors.donation_get(request.user, donation.pk))


@router.get("/{int:donation_id}", response={200: DonationOut, **error_responses(404)})
def donation_detail(request, donation_id: int):
    """One donation."""
    return selectors.donation_get(request.user, donation_id)


@router.put("/{int:donation_id}", response={200: DonationOut, **WRITE_ERRORS})
def donation_update(request, donation_id: int, payload: DonationIn):
    """Replace every field of a donation."""
    donation = selectors.donation_get(request.user, donation_id)
    _save(request, payload, donation)
    return selectors.donation_get(request.user, donation_id)


@router.delete("/{int:donation_id}", response={204: None, **error_responses(403, 404)})
def donation_delete(request, donation_id: int):
    """Remove a donation recorded by mistake."""
    services.donation_delete(
        donation=selectors.donation_get(request.user, donation_id), actor=request.user
    )
    return Status(204, None)
