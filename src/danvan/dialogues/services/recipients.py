"""Who hears about a petition: the people who route it, handle it, or take it over when late."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from danvan.core import scope


def _prefixes(scope_path: str) -> list[str]:
    parts = scope_path.strip("/").split("/")
    return ["/".join(parts[: n + 1]) + "/" for n in range(1, len(parts))]


def _holders(action: str, paths: list[str]):
    """Active users with a grant for `action` on exactly one of `paths` (not nationwide)."""
    rule = scope.rule(action)
    roles = set(rule.roles)
    return (
        get_user_model()
        # One filter() call, so every condition speaks of the same grant.
        .objects.filter(
            Q(grants__domain="") | Q(grants__domain=rule.domain),
            is_active=True,
            grants__territory__path__in=paths,
            grants__role__in=roles,
        )
        .distinct()
    )


def routers_of(petition) -> list:
    """Who assigns a new petition: the nearest level above it, or at it, where someone can."""
    prefixes = _prefixes(petition.territory.scope_path)
    for path in reversed(prefixes):
        people = list(_holders("dialogues.assign", [path]))
        if people:
            return people
    return []


def handlers_of(petition) -> list:
    """The staff of the assigned agency who may handle petitions of the petition's unit."""
    if petition.agency_id is None:
        return routers_of(petition)
    staff = get_user_model().objects.filter(is_active=True, organisation_id=petition.agency_id)
    return [u for u in staff if scope.can(u, "dialogues.handle", petition.territory)]


def escalation_targets(petition) -> list:
    """The level above the one that should have answered: grants on the nearest unit strictly
    above the petition's unit (the province for a commune's petition)."""
    prefixes = _prefixes(petition.territory.scope_path)[:-1]
    for path in reversed(prefixes):
        people = list(_holders("dialogues.assign", [path]))
        if people:
            return people
    return []
