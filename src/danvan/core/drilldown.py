"""Figures broken down by unit, one level at a time, within what a user may see.

Statistics pages and dashboards show a unit (by default the user's whole scope) and one row per
unit directly below it. Records filed under historic units count in the current unit they roll
up to, because the grouping reads `scope_path`. `action` is the view action of the app asking.
"""

from django.db.models import Case, CharField, IntegerField, Value, When
from django.db.models.functions import StrIndex, Substr
from django.http import Http404

from danvan.core import scope
from danvan.territories.models import Era, Territory
from danvan.territories.models import Level as TerritoryLevel

COUNTRY_PATH = f"{Era.CURRENT}/"


def unit_for_user(user, action: str, territory_id: int | None = None) -> Territory | None:
    """The unit asked for when it is a current unit in the user's scope (anything else is
    404); by default the user's whole scope (None when that is the country or several units)."""
    units = Territory.objects.filter(era=Era.CURRENT).select_related("parent")
    if territory_id is not None:
        unit = scope.filter(user, action, units.filter(pk=territory_id), via=None).first()
        if unit is None:
            raise Http404
        return unit
    paths = scope.scope_paths(user, action)
    if paths is None or len(paths) != 1:
        return None
    return units.filter(path=paths[0]).first()


def unit_breadcrumb(user, action: str, unit: Territory | None) -> list[Territory]:
    """The units above `unit` the user may also open, top first, ending with `unit`."""
    chain = []
    while unit is not None:
        chain.append(unit)
        unit = unit.parent
    return [u for u in reversed(chain) if scope.can(user, action, u)]


def child_units(user, action: str, unit: Territory | None) -> list[Territory]:
    """The rows of the breakdown: the units directly below `unit`, or the user's granted units."""
    if unit is not None:
        children = Territory.objects.filter(parent=unit, era=Era.CURRENT)
    else:
        paths = scope.scope_paths(user, action)
        if paths is None:
            children = Territory.objects.filter(era=Era.CURRENT, level=TerritoryLevel.PROVINCE)
        else:
            # Several grants: one row per granted unit.
            children = Territory.objects.filter(path__in=paths)
    return list(children.order_by("code", "id"))


def child_key(user, action: str, unit: Territory | None, lookup: str = "territory__scope_path"):
    """SQL expression: the path of the breakdown row a record counts in."""
    paths = scope.scope_paths(user, action) if unit is None else None
    if unit is None and paths is not None:
        # Granted units may sit at different depths: a short CASE over the few grants.
        return Case(
            *(When(**{f"{lookup}__under": p}, then=Value(p)) for p in paths),
            default=Value(""),
            output_field=CharField(),
        )
    prefix = COUNTRY_PATH if unit is None else unit.path
    below = Substr(lookup, len(prefix) + 1)
    # Up to and including the next "/" below the prefix; the prefix itself when there is none.
    length = Value(len(prefix), output_field=IntegerField()) + StrIndex(below, Value("/"))
    return Substr(lookup, 1, length, output_field=CharField())
