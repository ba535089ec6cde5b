from django.db.models import QuerySet

from danvan.core import scope
from danvan.core.search import filter_by_search
from danvan.organisations.models import Organisation, OrganisationKind

SORTS = {
    "name": "search_name",
    "-name": "-search_name",
    "kind": "kind__sort_order",
    "-kind": "-kind__sort_order",
    "territory": "territory__path",
    "-territory": "-territory__path",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def organisation_list_for_user(
    user,
    *,
    query: str = "",
    kind: str = "",
    territory=None,
    is_active: bool | None = None,
    sort: str = "name",
) -> QuerySet[Organisation]:
    """Organisations the user may see, filtered, with what list pages display preloaded."""
    qs = scope.filter(user, "organisations.view", Organisation.objects.all())
    if territory is not None:
        qs = qs.filter(territory__scope_path__under=territory.path)
    if kind:
        qs = qs.filter(kind__code=kind)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    qs = filter_by_search(qs, query)
    order = SORTS.get(sort, "search_name")
    return qs.select_related("kind", "territory__parent", "parent").order_by(order, "id")


def organisation_get_for_user(user, pk) -> Organisation:
    return scope.get_visible_or_404(
        user,
        "organisations.view",
        Organisation.objects.select_related("kind", "territory", "parent", "territory__parent"),
        pk=pk,
    )


def organisation_kinds() -> QuerySet[OrganisationKind]:
    return OrganisationKind.objects.filter(is_active=True)
