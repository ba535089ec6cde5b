"""Figures that plans, campaigns and reports can take from the platform's own records.

Each domain app registers its sources in an `indicator_sources.py` module ("models recognised",
"households that agreed to hand over land", "petitions answered on time"). A plan indicator
names a source by key; when a progress report is filled in, the value is computed for the
plan's unit subtree and period, and the page links to `drill_url` to show the records behind
the number. Nothing here imports a domain app, so each side works without the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from danvan.territories.models import Territory

# compute(territory or None for the whole country, first day, last day) -> the figure.
Compute = Callable[["Territory | None", date, date], int | Decimal]
DrillUrl = Callable[["Territory | None", date, date], str]


@dataclass(frozen=True)
class IndicatorSource:
    key: str  # "initiatives.recognised"
    label: str  # translatable, shown in the source picker and next to computed values
    unit: str  # translatable ("models", "households", "%")
    domain: str  # the `core.roles.Domain` it reads, for grouping in pickers
    compute: Compute
    drill_url: DrillUrl | None = None


_SOURCES: dict[str, IndicatorSource] = {}
_discovered = False


def _discover() -> None:
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("indicator_sources")
        _discovered = True


def register_source(source: IndicatorSource) -> None:
    _SOURCES[source.key] = source


def get_source(key: str) -> IndicatorSource | None:
    _discover()
    return _SOURCES.get(key)


def registered_sources() -> list[IndicatorSource]:
    _discover()
    return [_SOURCES[key] for key in sorted(_SOURCES)]


def compute(key: str, territory: Territory | None, first: date, last: date) -> Decimal | None:
    """The figure of source `key` for `territory`'s subtree between two dates (None: unknown key)."""
    source = get_source(key)
    if source is None:
        return None
    return Decimal(source.compute(territory, first, last))


# --- helpers for the sources ------------------------------------------------------------------


def subtree_q(territory: Territory | None, via: str = "territory"):
    """Rows filed under `territory`'s subtree (old units included); everything for None."""
    from django.db.models import Q

    if territory is None:
        return Q()
    # `__under` is the indexed prefix match the scope policy uses. A historic unit's subtree is
    # its own old tree: its scope path is the whole unit it merged into.
    column = "scope_path" if territory.is_current else "path"
    return Q(**{f"{via}__{column}__under": territory.path})


def moment_bounds(first: date, last: date):
    """[start, end) in aware datetimes covering the local days `first`..`last`, for timestamps."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def list_url(url_name: str, territory: Territory | None, **params) -> str:
    """A domain list page filtered to `territory` and the given parameters (empty ones dropped)."""
    from django.urls import NoReverseMatch, reverse
    from django.utils.http import urlencode

    try:
        base = reverse(url_name)
    except NoReverseMatch:
        return ""
    query = {"territory": territory.pk if territory is not None else "", **params}
    query = {key: value for key, value in query.items() if value not in ("", None)}
    return f"{base}?{urlencode(query)}" if query else base
