"""The one place that decides who may see and do what, and where.

A user holds role grants; each grant names a role, a territory (its whole subtree in today's
tree; none means the whole country) and optionally one domain. Each app declares, as data in its
`policies.py`, which roles may perform each of its actions (`register`). Everything else asks
here: `can` / `require` for one object, `filter` for a queryset.

Objects outside the user's view scope must look like they do not exist (404); inside the view
scope but without the right to act, the answer is 403. `get_visible_or_404` does the first part.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from danvan.core.roles import Domain, Role


@dataclass(frozen=True)
class ActionRule:
    action: str
    roles: frozenset[str]
    # A grant narrowed to one domain only counts for actions of that domain.
    domain: str = Domain.ALL


_RULES: dict[str, ActionRule] = {}


def register(rules: dict[str, Iterable[str]], *, domain: str = Domain.ALL) -> None:
    """Declare which roles may perform each action (system administrators may do everything)."""
    for action, roles in rules.items():
        _RULES[action] = ActionRule(action, frozenset(roles), domain)


def rule(action: str) -> ActionRule:
    try:
        return _RULES[action]
    except KeyError as exc:
        raise LookupError(f"Unknown action {action!r}: declare it in a policies.py") from exc


def registered_actions() -> list[str]:
    return sorted(_RULES)


@dataclass(frozen=True)
class Grant:
    role: str
    domain: str
    path: str | None  # None: the whole country


def grants_of(user) -> tuple[Grant, ...]:
    """The user's active grants, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_danvan_grants", None)
    if cached is not None:
        return cached
    from danvan.accounts.models import RoleGrant

    rows = RoleGrant.objects.filter(user_id=user.pk).values_list(
        "role", "domain", "territory__path"
    )
    grants = tuple(Grant(role, domain, path) for role, domain, path in rows)
    # A superuser reaches everything, even when also holding a territorial admin grant.
    if user.is_superuser and not any(
        g.role == Role.SYSTEM_ADMIN and g.path is None for g in grants
    ):
        grants = (*grants, Grant(Role.SYSTEM_ADMIN, Domain.ALL, None))
    user._danvan_grants = grants
    return grants


def forget_grants(user) -> None:
    if hasattr(user, "_danvan_grants"):
        del user._danvan_grants


def is_system_admin(user) -> bool:
    return any(g.role == Role.SYSTEM_ADMIN for g in grants_of(user))


def _matching_grants(user, action: str) -> list[Grant]:
    action_rule = rule(action)
    grants = grants_of(user)
    return [
        g
        for g in grants
        if g.role == Role.SYSTEM_ADMIN
        or (
            g.role in action_rule.roles
            # A grant narrowed to one domain keeps the shared actions (territories,
            # organisations), which are declared without a domain.
            and (not g.domain or not action_rule.domain or g.domain == action_rule.domain)
        )
    ]


def scope_paths(user, action: str) -> list[str] | None:
    """Territory path prefixes where `user` may do `action`; None means everywhere."""
    paths: list[str] = []
    for grant in _matching_grants(user, action):
        if grant.path is None:
            return None
        paths.append(grant.path)
    # Drop paths already covered by a shorter one, so filters stay small.
    paths.sort()
    kept: list[str] = []
    for path in paths:
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def can(user, action: str, territory=None) -> bool:
    """May `user` do `action` on something filed under `territory` (None: national records)?"""
    paths = scope_paths(user, action)
    if paths is None:
        return True
    if territory is None:
        return False
    return any(territory.scope_path.startswith(p) for p in paths)


def can_anywhere(user, action: str) -> bool:
    """Does `user` hold `action` somewhere (used to show or hide menu entries and buttons)?"""
    paths = scope_paths(user, action)
    return paths is None or bool(paths)


def require(user, action: str, territory=None) -> None:
    if not can(user, action, territory):
        raise PermissionDenied(action)


def filter(user, action: str, queryset: QuerySet, via: str | None = "territory") -> QuerySet:
    """Narrow `queryset` to rows whose territory (reached through `via`) is in scope.

    Rows without a territory (national records) stay only for nationwide grants. `via=None`
    means the queryset is of territories itself.
    """
    paths = scope_paths(user, action)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    lookup = "scope_path__under" if via is None else f"{via}__scope_path__under"
    condition = Q()
    for path in paths:
        condition |= Q(**{lookup: path})
    return queryset.filter(condition)


def filter_by_unit_ids(
    user, action: str, queryset: QuerySet, field: str = "territory_id"
) -> QuerySet:
    """The same narrowing as `filter`, written as a list of the units' ids.

    Combined with a full-text match, PostgreSQL plans a join on territories badly (it repeats
    the text search once per unit); a list of ids lets it search once and check each row.
    A grant on a province is a few hundred ids (its communes, old units that roll into it).
    """
    from danvan.territories.models import Territory

    paths = scope_paths(user, action)
    if paths is None:
        return queryset
    ids = filter(user, action, Territory.objects.all(), via=None).values_list("id", flat=True)
    return queryset.filter(**{f"{field}__in": list(ids)})


def get_visible_or_404(
    user, action: str, queryset: QuerySet, via: str | None = "territory", **lookup
) -> Model:
    """Fetch one row through the scope filter; anything outside scope is simply not found."""
    try:
        return filter(user, action, queryset, via=via).get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def grantable_roles(user) -> list[str]:
    """Roles `user` may hand out (never more than a territory administrator can)."""
    if is_system_admin(user):
        return [r.value for r in Role]
    if any(g.role == Role.TERRITORY_ADMIN for g in grants_of(user)):
        return [r.value for r in Role if r != Role.SYSTEM_ADMIN]
    return []
