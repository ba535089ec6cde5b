"""Organisations over the API: the same selectors and services as the pages, within scope."""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from danvan.audit.api import register_history
from danvan.core.api_utils import error_responses, field_error, paginated, unknown_choice
from danvan.organisations import selectors, services
from danvan.organisations.models import Organisation
from danvan.organisations.schemas import (
    OrganisationFiltersIn,
    OrganisationIn,
    OrganisationKindOut,
    OrganisationOut,
    OrganisationPatchIn,
    OrganisationUpdateIn,
)
from danvan.territories.models import Territory

router = Router(tags=["organisations"])
register_history("organisations.organisation", selectors.organisation_get_for_user)

NULLABLE = {"parent_id", "founded_on", "member_count"}
WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)


def _resolved(user, values: dict[str, Any]) -> dict[str, Any]:
    """Schema fields turned into OrganisationData fields (ids to the rows they name)."""
    fields = dict(values)
    fields.pop("version", None)
    for name, value in fields.items():
        if value is None and name not in NULLABLE:
            raise field_error(name, _("This field is required."))
    if "kind" in fields:
        kind = selectors.organisation_kinds().filter(code=fields["kind"]).first()
        if kind is None:
            raise unknown_choice("kind")
        fields["kind"] = kind
    if "territory_id" in fields:
        territory = Territory.objects.filter(pk=fields.pop("territory_id")).first()
        if territory is None:
            raise unknown_choice("territory_id")
        fields["territory"] = territory
    if "parent_id" in fields:
        parent_id = fields.pop("parent_id")
        fields["parent"] = None
        if parent_id is not None:
            try:
                fields["parent"] = selectors.organisation_get_for_user(user, parent_id)
            except Http404:
                raise field_error(
                    "parent_id", _("Choose a parent organisation within your scope.")
                ) from None
    return fields


def _get(request, organisation_id: int) -> Organisation:
    return selectors.organisation_get_for_user(request.user, organisation_id)


def _with_parent_territory(organisation: Organisation) -> Organisation:
    # The output shows the parent only when its territory is in the caller's view scope.
    if organisation.parent_id is not None:
        organisation.parent = Organisation.objects.select_related("territory").get(
            pk=organisation.parent_id
        )
    return organisation


@router.get("/kinds", response=list[OrganisationKindOut])
def organisation_kind_list(request):
    """The active kinds of organisation (data, not code)."""
    return selectors.organisation_kinds()


@router.get("", response={200: list[OrganisationOut], **error_responses(422)})
@paginated
def organisation_list(request, filters: Query[OrganisationFiltersIn]):
    """Organisations within the caller's scope, searched, filtered and sorted."""
    territory = None
    if filters.territory_id is not None:
        territory = Territory.objects.filter(pk=filters.territory_id).first()
        if territory is None:
            raise unknown_choice("territory_id", source="query")
    return selectors.organisation_list_for_user(
        request.user,
        query=filters.q,
        kind=filters.kind,
        territory=territory,
        is_active=filters.is_active,
        sort=filters.sort,
    ).select_related("parent__territory")


@router.post("", response={201: OrganisationOut, **WRITE_ERRORS})
def organisation_create(request, payload: OrganisationIn):
    fields = _resolved(request.user, payload.dict())
    organisation = services.organisation_create(
        data=services.OrganisationData(**fields), actor=request.user
    )
    return Status(201, _with_parent_territory(organisation))


@router.get("/{int:organisation_id}", response={200: OrganisationOut, **error_responses(404)})
def organisation_detail(request, organisation_id: int):
    return _with_parent_territory(_get(request, organisation_id))


def _update(request, organisation_id: int, values: dict[str, Any], version: int | None):
    organisation = _get(request, organisation_id)
    data = services.data_from_instance(organisation, **_resolved(request.user, values))
    updated = services.organisation_update(
        organisation=organisation, data=data, actor=request.user, expected_version=version
    )
    return _with_parent_territory(updated)


@router.put("/{int:organisation_id}", response={200: OrganisationOut, **WRITE_ERRORS})
def organisation_replace(request, organisation_id: int, payload: OrganisationUpdateIn):
    """Replace every field; send the `version` you read to refuse overwriting a newer edit."""
    return _update(request, organisation_id, payload.dict(), payload.version)


@router.patch("/{int:organisation_id}", response={200: OrganisationOut, **WRITE_ERRORS})
def organisation_patch(request, organisation_id: int, payload: OrganisationPatchIn):
    """Change only the fields sent; `version` works as with PUT."""
    return _update(request, organisation_id, payload.dict(exclude_unset=True), payload.version)


@router.delete("/{int:organisation_id}", response={204: None, **error_responses(400, 403, 404)})
def organisation_delete(request, organisation_id: int):
    """Delete an organisation nothing refers to any more (otherwise deactivate it)."""
    services.organisation_delete(organisation=_get(request, organisation_id), actor=request.user)
    return Status(204, None)
