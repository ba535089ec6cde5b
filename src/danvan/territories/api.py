"""Administrative units: public reference data for every staff user, browsed and searched."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from danvan.core import scope
from danvan.core.api_utils import error_responses, paginated, unknown_choice
from danvan.territories import selectors
from danvan.territories.models import Era, Level, Territory
from danvan.territories.schemas import (
    TerritoryChildOut,
    TerritoryDetailOut,
    TerritoryFiltersIn,
    TerritoryLinkOut,
    TerritoryOut,
)

router = Router(tags=["territories"])


def _require_view(request) -> None:
    if not scope.can_anywhere(request.user, "territories.view"):
        raise PermissionDenied("territories.view")


def _get(territory_id: int) -> Territory:
    return get_object_or_404(Territory.objects.select_related("parent"), pk=territory_id)


def _parent_from(filters: TerritoryFiltersIn) -> Territory | None:
    if filters.parent_id is not None:
        parent = Territory.objects.filter(pk=filters.parent_id).first()
        if parent is None:
            raise unknown_choice("parent_id", source="query")
        return parent
    if filters.parent_code is None:
        return None
    parents = Territory.objects.filter(
        era=filters.era or Era.CURRENT, code=filters.parent_code
    ).exclude(level=Level.COMMUNE)
    if filters.parent_level:
        parents = parents.filter(level=filters.parent_level)
    # A historic province and district may share a code; the province wins unless told.
    parent = parents.order_by("path").first()
    if parent is None:
        raise unknown_choice("parent_code", source="query")
    return parent


@router.get("", response={200: list[TerritoryOut], **error_responses(403, 422)})
@paginated
def territory_list(request, filters: Query[TerritoryFiltersIn]):
    """Search units by name, era, level and parent."""
    _require_view(request)
    parent = _parent_from(filters)
    units = selectors.territory_search(
        query=filters.q, era=filters.era or "", level=filters.level or ""
    )
    if parent is not None:
        units = units.filter(path__under=parent.path).exclude(pk=parent.pk)
    return units


@router.get("/{int:territory_id}", response={200: TerritoryDetailOut, **error_responses(403, 404)})
def territory_detail(request, territory_id: int):
    _require_view(request)
    territory = _get(territory_id)
    territory.ancestors = selectors.ancestors(territory)
    return territory


@router.get(
    "/{int:territory_id}/children",
    response={200: list[TerritoryChildOut], **error_responses(403, 404)},
)
@paginated
def territory_children(request, territory_id: int):
    """The units directly below one unit, for browsing the tree."""
    _require_view(request)
    return selectors.territory_children(_get(territory_id)).select_related("parent")


@router.get(
    "/{int:territory_id}/successors",
    response={200: list[TerritoryLinkOut], **error_responses(403, 404)},
)
def territory_successors(request, territory_id: int):
    """The current units a historic commune went into (several when it was split)."""
    _require_view(request)
    links = selectors.territory_successors(_get(territory_id))
    return [
        {"territory": link.current_commune, "partly_merged": link.partly_merged} for link in links
    ]


@router.get(
    "/{int:territory_id}/predecessors",
    response={200: list[TerritoryLinkOut], **error_responses(403, 404)},
)
def territory_predecessors(request, territory_id: int):
    """The historic communes a current unit was formed from."""
    _require_view(request)
    links = selectors.territory_predecessors(_get(territory_id))
    return [
        {"territory": link.legacy_commune, "partly_merged": link.partly_merged} for link in links
    ]
