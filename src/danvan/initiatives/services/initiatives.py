"""Registering and editing models, their lifecycle steps, replications and yearly evaluations."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.core import scope, workflow
from danvan.core.errors import ConflictError, DomainError
from danvan.core.search import nfc, normalize, search_key
from danvan.initiatives.models import (
    Evaluation,
    EvaluationOutcome,
    Field,
    IndicatorKind,
    Initiative,
    Kind,
    Replication,
    Status,
    Subject,
    Tag,
)
from danvan.initiatives.transitions import MODEL_LIFECYCLE, next_level
from danvan.organisations.models import Organisation
from danvan.territories.models import Territory

# The reorganisation of 1 July 2025 abolished districts; older records may keep old units.
LAST_LEGACY_YEAR = 2025
FIRST_YEAR = 2000

EDITABLE_FIELDS = (
    "name",
    "summary",
    "problem",
    "mobilisation",
    "kind",
    "subject",
    "field",
    "territory",
    "organisation",
    "person_name",
    "person_position",
    "started_on",
    "year",
)


@dataclass
class InitiativeData:
    name: str
    summary: str
    subject: str
    field: Field
    territory: Territory
    organisation: Organisation
    year: int
    kind: str = Kind.MODEL
    problem: str = ""
    mobilisation: str = ""
    person_name: str = ""
    person_position: str = ""
    started_on: date | None = None
    tags: list[str] = field(default_factory=list)
    # Indicator kind -> value; money and counts are whole numbers.
    indicators: dict[IndicatorKind, Decimal] = field(default_factory=dict)


def _check(data: InitiativeData, actor) -> None:
    scope.require(actor, "initiatives.change", data.territory)
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= data.year <= this_year + 1:
        raise DomainError(
            _("Enter a year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year + 1},
            code="year",
            field="year",
        )
    if not data.territory.is_current and data.year > LAST_LEGACY_YEAR:
        raise DomainError(
            _("Units from before 07/2025 are only for records of 2025 and earlier."),
            code="legacy_territory",
            field="territory",
        )
    if not scope.can(actor, "organisations.view", data.organisation.territory):
        raise DomainError(
            _("Choose an organisation within your scope."),
            code="organisation",
            field="organisation",
        )
    if data.subject == Subject.INDIVIDUAL and not data.person_name.strip():
        raise DomainError(
            _("Name the person for an individual model."), code="person", field="person_name"
        )
    if data.started_on and data.started_on > timezone.localdate():
        raise DomainError(
            _("The start date cannot be in the future."), code="started_on", field="started_on"
        )
    for kind, value in data.indicators.items():
        if value is None or value < 0:
            raise DomainError(
                _("%(name)s cannot be negative.") % {"name": kind.name},
                code="indicator",
                field="indicators",
            )
        if (kind.is_money or kind.is_whole) and value != value.to_integral_value():
            raise DomainError(
                _("%(name)s must be a whole number.") % {"name": kind.name},
                code="indicator",
                field="indicators",
            )


def _apply(instance: Initiative, data: InitiativeData) -> None:
    for name in EDITABLE_FIELDS:
        value = getattr(data, name)
        setattr(instance, name, nfc(value) if isinstance(value, str) else value)
    if instance.subject == Subject.COLLECTIVE:
        instance.person_name = instance.person_position = ""
    instance.search_name = search_key(instance.name)[:300]
    instance.search_text = search_key(instance.name, instance.summary)
    years = set(instance.registered_years or [])
    years.add(instance.year)
    instance.registered_years = sorted(years)


def _tags_of(names: list[str]) -> list[Tag]:
    tags = []
    for raw in dict.fromkeys(nfc(n)[:60] for n in names if n and n.strip()):
        tag = Tag.objects.filter(search_name=normalize(raw)).first()
        if tag is None:
            tag = Tag.objects.create(name=raw, search_name=normalize(raw))
        tags.append(tag)
    return tags


def _indicator_values(initiative: Initiative) -> dict[str, str]:
    return {i.kind.code: str(i.value) for i in initiative.indicators.select_related("kind")}


def _set_related(initiative: Initiative, data: InitiativeData) -> dict[str, list[Any]]:
    """Replace tags and indicators; returns their change for the audit row."""
    before_tags = sorted(initiative.tags.values_list("name", flat=True))
    before_indicators = _indicator_values(initiative)
    initiative.tags.set(_tags_of(data.tags))
    initiative.indicators.exclude(kind__in=list(data.indicators)).delete()
    for kind, value in data.indicators.items():
        initiative.indicators.update_or_create(kind=kind, defaults={"value": value})
    return audit.diff(
        {"tags": before_tags, "indicators": before_indicators},
        {
            "tags": sorted(initiative.tags.values_list("name", flat=True)),
            "indicators": _indicator_values(initiative),
        },
    )


def _duplicate_error() -> DomainError:
    return DomainError(
        _("A model with this name is already registered in this unit for this year."),
        code="duplicate",
        field="name",
    )


@transaction.atomic
def initiative_create(*, data: InitiativeData, actor) -> Initiative:
    """Register a new model as a draft."""
    _check(data, actor)
    initiative = Initiative(created_by=actor if getattr(actor, "pk", None) else None)
    _apply(initiative, data)
    try:
        with transaction.atomic():
            initiative.save()
    except IntegrityError as exc:
        raise _duplicate_error() from exc
    changes = audit.diff({}, audit.snapshot(initiative))
    changes.update(_set_related(initiative, data))
    audit.record_one(audit.Action.CREATE, initiative, actor=actor, changes=changes)
    return initiative


@transaction.atomic
def initiative_update(
    *, initiative: Initiative, data: InitiativeData, actor, expected_version: int | None = None
) -> Initiative:
    """Change a draft; anything already submitted is changed only by returning it."""
    scope.require(actor, "initiatives.change", initiative.territory)
    _check(data, actor)
    current = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    if current.status != Status.DRAFT:
        raise DomainError(
            _("Only drafts can be edited; ask a reviewer to return the model for revision."),
            code="not_draft",
        )
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
    changes.update(_set_related(current, data))
    if changes:
        audit.record_one(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


def initiative_transition(
    *,
    initiative: Initiative,
    name: str,
    actor,
    reason: str = "",
    expected_version: int | None = None,
    extra: dict[str, Any] | None = None,
) -> Initiative:
    """Take one lifecycle step; a proposal for a higher level also records which level."""
    extra = dict(extra or {})
    if name == "propose_higher":
        extra["target_level"] = next_level(initiative.level) or initiative.target_level
    if reason.strip() and name in {"return", "reject", "keep_level", "stop"}:
        extra["status_note"] = reason.strip()
    elif name in {"submit", "propose_higher"}:
        extra["status_note"] = ""
    return workflow.apply(
        MODEL_LIFECYCLE,
        initiative,
        name=name,
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        extra=extra,
    )


@transaction.atomic
def replication_add(
    *,
    initiative: Initiative,
    territory: Territory,
    year: int,
    actor,
    note: str = "",
    copy: Initiative | None = None,
) -> Replication:
    """Record that a recognised model was taken up in another unit."""
    scope.require(actor, "initiatives.change", initiative.territory)
    if initiative.status != Status.RECOGNISED:
        raise DomainError(
            _("Only recognised models are replicated."), code="not_recognised", field="territory"
        )
    if not territory.is_current:
        raise DomainError(
            _("Choose a current administrative unit."), code="legacy_territory", field="territory"
        )
    if territory.pk == initiative.territory_id:
        raise DomainError(
            _("A model cannot be replicated in its own unit."), code="same_unit", field="territory"
        )
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise DomainError(_("Enter a year that has begun."), code="year", field="year")
    replication = Replication(
        initiative=initiative, territory=territory, year=year, note=nfc(note), copy=copy
    )
    try:
        with transaction.atomic():
            replication.save()
    except IntegrityError as exc:
        raise DomainError(
            _("This replication is already recorded."), code="duplicate", field="territory"
        ) from exc
    audit.record_one(
        audit.Action.UPDATE,
        initiative,
        actor=actor,
        changes={"replications": [None, f"{territory.name} ({year})"]},
    )
    return replication


@transaction.atomic
def replication_delete(*, replication: Replication, actor) -> None:
    initiative = replication.initiative
    scope.require(actor, "initiatives.change", initiative.territory)
    label = f"{replication.territory.name} ({replication.year})"
    replication.delete()
    audit.record_one(
        audit.Action.UPDATE, initiative, actor=actor, changes={"replications": [label, None]}
    )


@transaction.atomic
def evaluation_record(
    *, initiative: Initiative, year: int, outcome: str, actor, note: str = ""
) -> Evaluation:
    """The yearly check of a recognised model; "no longer effective" ends its recognition."""
    scope.require(actor, "initiatives.evaluate", initiative.territory)
    if initiative.status != Status.RECOGNISED:
        raise DomainError(
            _("Only recognised models are evaluated each year."), code="not_recognised"
        )
    if outcome not in EvaluationOutcome.values:
        raise DomainError(_("Choose an outcome."), code="outcome", field="outcome")
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise DomainError(_("Enter a year that has begun."), code="year", field="year")
    note = nfc(note)
    if outcome == EvaluationOutcome.INEFFECTIVE and not note:
        raise DomainError(
            _("Please give a reason for this step."), code="reason_required", field="note"
        )
    evaluation = Evaluation(
        initiative=initiative,
        year=year,
        outcome=outcome,
        note=note,
        evaluated_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as exc:
        raise DomainError(
            _("This model was already evaluated for %(year)s.") % {"year": year},
            code="duplicate",
            field="year",
        ) from exc
    audit.record_one(
        audit.Action.UPDATE,
        initiative,
        actor=actor,
        changes={"evaluation": [None, f"{year}: {evaluation.get_outcome_display()}"]},
        reason=note,
    )
    if outcome == EvaluationOutcome.INEFFECTIVE:
        initiative_transition(initiative=initiative, name="stop", actor=actor, reason=note)
    return evaluation


def data_from_instance(initiative: Initiative, **overrides: Any) -> InitiativeData:
    values = {name: getattr(initiative, name) for name in EDITABLE_FIELDS}
    values["tags"] = list(initiative.tags.values_list("name", flat=True))
    values["indicators"] = {i.kind: i.value for i in initiative.indicators.select_related("kind")}
    values.update(overrides)
    return InitiativeData(**values)
