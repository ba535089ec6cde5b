from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from danvan.core import scope
from danvan.core.pagination import paginate
from danvan.organisations.models import Organisation
from danvan.territories import selectors
from danvan.territories.models import Era, Territory


def _require_browse(user) -> None:
    # Units are public reference data, but only for people who hold a role somewhere.
    if not scope.can_anywhere(user, "territories.view"):
        raise PermissionDenied


@login_required
def territory_list(request):
    """Browse units tree-wise, or search them without accents."""
    _require_browse(request.user)
    era = request.GET.get("era") or Era.CURRENT
    if era not in Era.values:
        era = Era.CURRENT
    query = request.GET.get("q", "").strip()
    parent = None
    parent_id = request.GET.get("parent")
    if parent_id and parent_id.isdigit():
        parent = Territory.objects.filter(pk=parent_id, era=era).select_related("parent").first()
    if query:
        units = selectors.territory_search(query=query, era=era)
    else:
        units = selectors.territory_children(parent, era=era)
    page = paginate(request, units)
    context = {
        "page": page,
        "query": query,
        "era": era,
        "parent": parent,
        "ancestors": [*selectors.ancestors(parent), parent] if parent else [],
        "eras": Era.choices,
    }
    if request.htmx and request.htmx.target == "territory-results":
        return render(request, "territories/territory_list.html#results", context)
    return render(request, "territories/territory_list.html", context)


@login_required
def territory_detail(request, pk: int):
    _require_browse(request.user)
    territory = get_object_or_404(
        Territory.objects.select_related("parent", "parent__parent"), pk=pk
    )
    rolls_up_to = None
    if not territory.is_current:
        rolls_up_to = Territory.objects.filter(path=territory.scope_path).first()
    organisation_count = None
    if scope.can(request.user, "organisations.view", territory):
        organisation_count = scope.filter(
            request.user,
            "organisations.view",
            Organisation.objects.filter(territory__scope_path__under=territory.path),
        ).count()
    context = {
        "territory": territory,
        "ancestors": selectors.ancestors(territory),
        "children": selectors.territory_children(territory, era=territory.era),
        "successors": list(selectors.territory_successors(territory)),
        "predecessors": list(selectors.territory_predecessors(territory)),
        "rolls_up_to": rolls_up_to,
        "organisation_count": organisation_count,
        "can_switch": territory.is_current
        and scope.can(request.user, "territories.switch", territory),
    }
    return render(request, "territories/territory_detail.html", context)
