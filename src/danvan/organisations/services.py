"""Every write to organisations goes through here: scope check, change, audit, one transaction."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.core import scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.search import nfc, search_key
from danvan.organisations.models import Organisation, OrganisationKind
from danvan.territories.models import Territory

EDITABLE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "territory",
    "parent",
    "address",
    "phone",
    "email",
    "founded_on",
    "member_count",
    "note",
    "is_active",
)


@dataclass
class OrganisationData:
    name: str
    kind: OrganisationKind
    territory: Territory
    short_name: str = ""
    parent: Organisation | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    founded_on: date | None = None
    member_count: int | None = None
    note: str = ""
    is_active: bool = True


def _check_rules(*, data: OrganisationData, actor, instance: Organisation | None = None) -> None:
    if not data.territory.is_current:
        raise DomainError(
            _("Organisations belong to a current administrative unit."),
            code="legacy_territory",
            field="territory",
        )
    scope.require(actor, "organisations.change", data.territory)
    if data.parent is not None:
        if instance is not None and data.parent.pk == instance.pk:
            raise DomainError(
                _("An organisation cannot be its own parent."), code="parent_loop", field="parent"
            )
        if not scope.can(actor, "organisations.view", data.parent.territory):
            raise DomainError(
                _("Choose a parent organisation within your scope."),
                code="parent_scope",
                field="parent",
            )
        ancestor = data.parent
        while instance is not None and ancestor is not None:
            if ancestor.pk == instance.pk:
                raise DomainError(
                    _("The parent organisation is already below this one."),
                    code="parent_loop",
                    field="parent",
                )
            ancestor = ancestor.parent


def _apply(instance: Organisation, data: OrganisationData) -> None:
    for name in EDITABLE_FIELDS:
        value = getattr(data, name)
        if isinstance(value, str):
            value = nfc(value)
        setattr(instance, name, value)
    instance.search_name = search_key(instance.name, instance.short_name)


def _duplicate_error() -> DomainError:
    return DomainError(
        _("An organisation of this kind with this name already exists in this unit."),
        code="duplicate",
        field="name",
    )


@transaction.atomic
def organisation_create(*, data: OrganisationData, actor) -> Organisation:
    """Register a new organisation under a territory in the actor's scope."""
    _check_rules(data=data, actor=actor)
    organisation = Organisation()
    _apply(organisation, data)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as exc:
        raise _duplicate_error() from exc
    audit.record_one(
        audit.Action.CREATE,
        organisation,
        actor=actor,
        changes=audit.diff({}, audit.snapshot(organisation)),
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    data: OrganisationData,
    actor,
    expected_version: int | None = None,
) -> Organisation:
    """Change an organisation; refuses if someone else saved it since `expected_version`."""
    scope.require(actor, "organisations.change", organisation.territory)
    _check_rules(data=data, actor=actor, instance=organisation)
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    before = audit.snapshot(current)
    _apply(current, data)
    current.version += 1
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as exc:
        raise _duplicate_error() from exc
    changes = audit.diff(before, audit.snapshot(current))
    changes.pop("updated_at", None)
    if changes:
        audit.record_one(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


@transaction.atomic
def organisation_delete(*, organisation: Organisation, actor) -> None:
    """Delete an organisation that nothing else refers to."""
    scope.require(actor, "organisations.delete", organisation.territory)
    if organisation.children.exists() or organisation.members.exists():
        raise DomainError(
            _(
                "This organisation still has member users or sub-organisations; deactivate it instead."
            ),
            code="in_use",
        )
    snapshot = audit.snapshot(organisation)
    territory_id = organisation.territory_id
    pk, label = organisation.pk, str(organisation)
    organisation.delete()
    audit.record(
        [
            audit.Change(
                action=audit.Action.DELETE,
                object_type="organisations.organisation",
                object_id=str(pk),
                object_repr=label,
                territory_id=territory_id,
                changes=audit.diff(snapshot, {}),
            )
        ],
        actor=actor,
    )


def data_from_instance(organisation: Organisation, **overrides: Any) -> OrganisationData:
    values = {name: getattr(organisation, name) for name in EDITABLE_FIELDS}
    values.update(overrides)
    return OrganisationData(**values)
