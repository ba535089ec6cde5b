"""Records of one domain that a record of another may point at (a campaign's linked models).

Each domain app registers its linkable models in a `record_links.py` module. A link is stored
by the linking side as a plain pair (type key, id), so the linking app imports nothing of the
linked one and keeps working when that domain is not installed. Every read goes through the
registered `visible(user)` queryset, which the owning app builds from its own selectors, so
nobody can pick, link or see a record outside their scope through a link.

    register(LinkType(key="initiatives.model", label=_("Model"), visible=..., title=..., url=...))
    resolve(user, [("initiatives.model", "12"), ("clearance.project", "7")])  # -> [LinkedRow]

Rows the user may not see are kept in place as "outside your scope", without title or link:
the linking record is visible to them, so that something is linked is no secret, but what it
is stays hidden. A deleted record looks the same, so nobody learns which ids exist elsewhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from danvan.core.forms import as_id
from danvan.core.search import filter_by_search

if TYPE_CHECKING:
    from danvan.territories.models import Territory

# Candidates offered by one picker search.
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class LinkType:
    key: str  # "initiatives.model"
    label: str  # translatable: "Skilled Mass Mobilisation model"
    # The rows `user` may see, through the owning app's selectors (scope already applied).
    visible: Callable[[Any], QuerySet]
    title: Callable[[Model], str]
    url: Callable[[Model], str]
    status: Callable[[Model], str] = lambda obj: ""
    # The path to the record's unit, for narrowing candidates to a subtree.
    territory_field: str = "territory"
    # The normalised column searched by words (accents optional).
    search_field: str = "search_name"
    # Shown under the title in pickers and lists ("Phường Mạo Khê · 2024").
    detail: Callable[[Model], str] = lambda obj: ""

    def territory_of(self, obj: Model) -> Territory | None:
        value: Any = obj
        for part in self.territory_field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value


@dataclass(frozen=True)
class LinkedRow:
    """One link as a user sees it; `title` and `url` are empty when the record is hidden."""

    type_key: str
    target_id: str
    type_label: str
    is_visible: bool
    title: str = ""
    url: str = ""
    status: str = ""
    detail: str = ""
    territory: Any = None
    obj: Any = None

    @property
    def display(self) -> str:
        return self.title if self.is_visible else _("A record outside your scope")


_TYPES: dict[str, LinkType] = {}
_discovered = False


def _discover() -> None:
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("record_links")
        _discovered = True


def register(link_type: LinkType) -> None:
    _TYPES[link_type.key] = link_type


def get_type(key: str) -> LinkType | None:
    _discover()
    return _TYPES.get(key)


def registered_types() -> list[LinkType]:
    _discover()
    return [_TYPES[key] for key in sorted(_TYPES)]


def search(
    user, key: str, query: str, *, within: Territory | None = None, limit: int = SEARCH_LIMIT
) -> list[LinkedRow]:
    """Records of type `key` the user may see whose name holds every word of `query`,
    optionally only in `within`'s subtree. Unknown types find nothing."""
    link_type = get_type(key)
    if link_type is None:
        return []
    rows = link_type.visible(user)
    if within is not None:
        rows = rows.filter(**{f"{link_type.territory_field}__scope_path__under": within.path})
    rows = filter_by_search(rows, (query or "")[:200], field=link_type.search_field)
    return [_row(link_type, obj) for obj in rows[:limit]]


def get_visible(user, key: str, target_id: Any) -> Model | None:
    """The record of type `key` and id `target_id` if the user may see it, else None."""
    link_type = get_type(key)
    pk = as_id(target_id)
    if link_type is None or pk is None:
        return None
    return link_type.visible(user).filter(pk=pk).first()


def resolve(user, pairs: Iterable[tuple[str, Any]]) -> list[LinkedRow]:
    """Display rows for (type key, id) pairs, in the given order: one query per type."""
    pairs = [(key, str(target_id)) for key, target_id in pairs]
    wanted: dict[str, set[int]] = defaultdict(set)
    for key, target_id in pairs:
        if (pk := as_id(target_id)) is not None:
            wanted[key].add(pk)
    found: dict[str, dict[str, Model]] = {}
    for key, ids in wanted.items():
        link_type = get_type(key)
        if link_type is None:
            continue
        found[key] = {str(pk): obj for pk, obj in link_type.visible(user).in_bulk(ids).items()}
    rows = []
    for key, target_id in pairs:
        link_type = get_type(key)
        obj = found.get(key, {}).get(target_id)
        if link_type is None or obj is None:
            label = link_type.label if link_type else _("Record of another domain")
            rows.append(LinkedRow(key, target_id, str(label), is_visible=False))
        else:
            rows.append(_row(link_type, obj))
    return rows


def _row(link_type: LinkType, obj: Model) -> LinkedRow:
    return LinkedRow(
        type_key=link_type.key,
        target_id=str(obj.pk),
        type_label=str(link_type.label),
        is_visible=True,
        title=link_type.title(obj),
        url=link_type.url(obj),
        status=str(link_type.status(obj) or ""),
        detail=link_type.detail(obj),
        territory=link_type.territory_of(obj),
        obj=obj,
    )
