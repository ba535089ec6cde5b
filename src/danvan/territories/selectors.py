from django.db.models import Count, QuerySet

from danvan.core.search import filter_by_search
from danvan.territories.models import Era, Level, Territory, TerritoryMapping


def territory_search(
    *, query: str = "", era: str = "", level: str = "", parent=None
) -> QuerySet[Territory]:
    """Administrative units matching an accent-insensitive query (public reference data)."""
    qs = Territory.objects.all()
    if era:
        qs = qs.filter(era=era)
    if level:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent=parent)
    qs = filter_by_search(qs, query)
    return qs.select_related("parent", "parent__parent").order_by(
        "era", "level", "search_name", "code"
    )


def territory_children(territory: Territory | None, era: str = Era.CURRENT) -> QuerySet[Territory]:
    if territory is None:
        return (
            Territory.objects.filter(era=era, level=Level.PROVINCE)
            .annotate(child_count=Count("children"))
            .order_by("search_name")
        )
    return territory.children.annotate(child_count=Count("children")).order_by("search_name")


def territory_subtree(territory: Territory) -> QuerySet[Territory]:
    """Every unit (of either era) that rolls up into `territory`, itself included."""
    return Territory.objects.filter(scope_path__under=territory.path)


def territory_successors(territory: Territory) -> QuerySet[TerritoryMapping]:
    return TerritoryMapping.objects.filter(legacy_commune=territory).select_related(
        "current_commune", "current_commune__parent"
    )


def territory_predecessors(territory: Territory) -> QuerySet[TerritoryMapping]:
    return TerritoryMapping.objects.filter(current_commune=territory).select_related(
        "legacy_commune", "legacy_commune__parent", "legacy_commune__parent__parent"
    )


def ancestors(territory: Territory) -> list[Territory]:
    chain = []
    node = territory.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))
