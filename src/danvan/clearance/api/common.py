"""Pieces the land-clearance API modules share: lookups of ids sent in a body, and error fields
named the way the client sent them."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import Http404

from danvan.accounts.models import User
from danvan.clearance import selectors
from danvan.core import scope
from danvan.core.api_utils import unknown_choice
from danvan.core.errors import DomainError
from danvan.territories.models import Territory

# The services name the model's fields; the API takes ids. An error about `territory` is
# reported on `territory_id`, the field the client actually sent.
SENT_AS = {
    "territory": "territory_id",
    "units": "unit_ids",
    "task_force": "task_force_id",
    "commune": "commune_id",
    "officer": "officer_id",
    "organisation": "organisation_id",
    "project": "project_id",
    "projects": "project_ids",
    "household": "household_id",
}


class Shown:
    """A row as the caller may see it: computed parts shadow the row's own attributes."""

    def __init__(self, row: Any, **parts: Any) -> None:
        self._row = row
        self.__dict__.update(parts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


@contextmanager
def fields_as_sent(prefix: str = "", **renames: str) -> Iterator[None]:
    """Re-label the field of a DomainError raised inside with the name the client used."""
    try:
        yield
    except DomainError as exc:
        if exc.field:
            name = renames.get(exc.field) or SENT_AS.get(exc.field, exc.field)
            if name.startswith("line_"):  # plan lines are sent as a dict by category
                name = f"lines.{name.removeprefix('line_')}"
            exc.field = f"{prefix}{name}"
        raise


def territory_or_422(pk: int, name: str = "territory_id", *, source: str = "body") -> Territory:
    territory = Territory.objects.filter(pk=pk).first()
    if territory is None:
        raise unknown_choice(name, source=source)
    return territory


def territories_or_422(pks: list[int], name: str = "unit_ids") -> list[Territory]:
    wanted = list(dict.fromkeys(pks))
    found = Territory.objects.in_bulk(wanted)
    if len(found) != len(wanted):
        raise unknown_choice(name)
    return [found[pk] for pk in wanted]


def project_or_422(user, pk: int, name: str = "project_id", *, source: str = "body"):
    """A project the caller may see; anything else is an invalid choice, never a 404 or a hint."""
    try:
        return selectors.project_get(user, pk)
    except Http404:
        raise unknown_choice(name, source=source) from None


def household_or_422(user, pk: int, name: str = "household_id"):
    try:
        return selectors.household_get(user, pk)
    except Http404:
        raise unknown_choice(name) from None


def task_force_or_422(user, pk: int, name: str = "task_force_id"):
    try:
        return selectors.task_force_get(user, pk)
    except Http404:
        raise unknown_choice(name) from None


def people_or_422(pks: list[int], territory, name: str) -> list[User]:
    """Active accounts that may see records of `territory`: the officers one can name there.

    Anyone else, and ids that name nobody, get the same answer, so no account is revealed.
    """
    wanted = list(dict.fromkeys(pks))
    found = User.objects.filter(is_active=True).in_bulk(wanted)
    people = []
    for pk in wanted:
        person = found.get(pk)
        if person is None or not scope.can(person, "clearance.view", territory):
            raise unknown_choice(name)
        people.append(person)
    return people


def person_or_422(pk: int | None, territory, name: str) -> User | None:
    if pk is None:
        return None
    return people_or_422([pk], territory, name)[0]


def step_list(transitions) -> list[dict]:
    return [
        {"name": t.name, "label": str(t.label), "requires_reason": t.requires_reason}
        for t in transitions
    ]
