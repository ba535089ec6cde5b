"""Household cases: the household itself, its members, plots and complaints, and its steps."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.clearance.models import (
    OPEN_COMPLAINT_STATES,
    Complaint,
    ComplaintStatus,
    Household,
    HouseholdMember,
    LandType,
    LegalStatus,
    Plot,
    Project,
)
from danvan.clearance.services import totals
from danvan.clearance.transitions import CASE_LIFECYCLE
from danvan.core import scope, workflow
from danvan.core.errors import ConflictError, DomainError
from danvan.core.imports.parsers import ParseError, cccd
from danvan.core.search import nfc, search_key
from danvan.territories.models import Territory

EDITABLE_FIELDS = (
    "code", "head_name", "head_id_number", "phone", "address", "village", "commune", "officer",
    "resettlement", "resettlement_on", "note",
)  # fmt: skip


@dataclass
class HouseholdData:
    code: str
    head_name: str
    head_id_number: str = ""
    phone: str = ""
    address: str = ""
    village: str = ""
    commune: Territory | None = None
    officer: Any = None
    resettlement: str = ""
    resettlement_on: date | None = None
    note: str = ""


def clean_id_number(value: str, *, field: str = "head_id_number") -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return cccd(value)
    except ParseError as exc:
        raise DomainError(str(exc), code="id_number", field=field) from exc


def clean_phone(value: str, *, field: str = "phone") -> str:
    digits = "".join(ch for ch in (value or "") if ch.isdigit() or ch == "+")
    if digits and not (9 <= len(digits.lstrip("+")) <= 12):
        raise DomainError(_("Enter a valid phone number."), code="phone", field=field)
    return digits


def _check(project: Project, data: HouseholdData, actor) -> None:
    scope.require(actor, "clearance.change", project.territory)
    if not data.code.strip():
        raise DomainError(_("Enter the household code."), code="code", field="code")
    if not data.head_name.strip():
        raise DomainError(
            _("Enter the head of household's name."), code="head_name", field="head_name"
        )
    data.head_id_number = clean_id_number(data.head_id_number)
    data.phone = clean_phone(data.phone)
    if data.commune is not None and not scope.can(actor, "clearance.view", data.commune):
        raise DomainError(_("Choose a unit within your scope."), code="commune", field="commune")
    if data.resettlement_on and data.resettlement_on > timezone.localdate():
        raise DomainError(
            _("The date cannot be in the future."), code="resettlement_on", field="resettlement_on"
        )


def _apply(household: Household, data: HouseholdData) -> None:
    for name in EDITABLE_FIELDS:
        value = getattr(data, name)
        setattr(household, name, nfc(value).strip() if isinstance(value, str) else value)
    household.search_name = search_key(household.code, household.head_name, household.village)[:300]


def _duplicate() -> DomainError:
    return DomainError(
        _("Another household of this project already has this code."),
        code="duplicate",
        field="code",
    )


def _personal_changes(before: Household | None, after: Household) -> dict:
    """Audit rows say that an ID or phone number changed, never the numbers themselves."""
    changes = {}
    for key in ("head_id_number", "phone"):
        old = getattr(before, key) if before else ""
        if old != getattr(after, key):
            changes[key] = ["***" if old else "", "***" if getattr(after, key) else ""]
    return changes


@transaction.atomic
def household_create(*, project: Project, data: HouseholdData, actor) -> Household:
    _check(project, data, actor)
    household = Household(project=project)
    _apply(household, data)
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as exc:
        raise _duplicate() from exc
    changes = audit.diff({}, audit.snapshot(household))
    for personal in ("head_id_number", "phone", "search_name"):
        changes.pop(personal, None)
    changes.update(_personal_changes(None, household))
    audit.record_one(audit.Action.CREATE, household, actor=actor, changes=changes)
    totals.refresh_projects([project.pk])
    return household


@transaction.atomic
def household_update(
    *, household: Household, data: HouseholdData, actor, expected_version: int | None = None
) -> Household:
    """Change a household's details; a stale form (someone saved first) is refused."""
    current = (
        Household.objects.select_for_update()
        .select_related("project__territory")
        .get(pk=household.pk)
    )
    _check(current.project, data, actor)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    before = Household.objects.get(pk=current.pk)
    before_snap = audit.snapshot(before)
    _apply(current, data)
    current.version += 1
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as exc:
        raise _duplicate() from exc
    changes = audit.diff(before_snap, audit.snapshot(current))
    for noise in ("updated_at", "version", "head_id_number", "phone", "search_name"):
        changes.pop(noise, None)
    changes.update(_personal_changes(before, current))
    if changes:
        audit.record_one(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


def household_transition(
    *,
    household: Household,
    name: str,
    actor,
    reason: str = "",
    expected_version: int | None = None,
    handed_over_on: date | None = None,
) -> Household:
    # The role is judged before the inputs, so a user who may not take the step learns no more.
    scope.require(actor, CASE_LIFECYCLE.get(name).action, household.project.territory)
    extra: dict[str, Any] = {}
    if name == "hand_over":
        if handed_over_on is None:
            raise DomainError(
                _("Enter the handover date."), code="handed_over_on", field="handed_over_on"
            )
        if handed_over_on > timezone.localdate():
            raise DomainError(
                _("The date cannot be in the future."),
                code="handed_over_on",
                field="handed_over_on",
            )
        extra["handed_over_on"] = handed_over_on
    if reason.strip():
        extra["status_note"] = reason.strip()
    with transaction.atomic():
        result = workflow.apply(
            CASE_LIFECYCLE,
            household,
            name=name,
            actor=actor,
            reason=reason,
            expected_version=expected_version,
            extra=extra,
        )
        totals.refresh_projects([result.project_id])
    return result


# --- Members, plots, complaints ----------------------------------------------------------------


def _require_change(household: Household, actor) -> None:
    scope.require(actor, "clearance.change", household.project.territory)


@transaction.atomic
def member_add(
    *, household: Household, full_name: str, actor, relation: str = "", id_number: str = "",
    phone: str = "", birth_year: int | None = None,
) -> HouseholdMember:  # fmt: skip
    _require_change(household, actor)
    full_name = nfc(full_name or "").strip()
    if not full_name:
        raise DomainError(_("Enter the member's name."), code="full_name", field="full_name")
    this_year = timezone.localdate().year
    if birth_year is not None and not 1900 <= birth_year <= this_year:
        raise DomainError(
            _("Enter a year of birth between 1900 and %(year)s.") % {"year": this_year},
            code="birth_year",
            field="birth_year",
        )
    member = HouseholdMember.objects.create(
        household=household,
        full_name=full_name,
        relation=nfc(relation).strip(),
        id_number=clean_id_number(id_number, field="id_number"),
        phone=clean_phone(phone),
        birth_year=birth_year,
    )
    audit.record_one(
        audit.Action.CREATE,
        member,
        actor=actor,
        changes={"household": [None, household.pk], "full_name": [None, full_name]},
    )
    return member


@transaction.atomic
def member_delete(*, member: HouseholdMember, actor) -> None:
    _require_change(member.household, actor)
    audit.record_one(
        audit.Action.DELETE, member, actor=actor, changes={"full_name": [member.full_name, None]}
    )
    member.delete()


@dataclass
class PlotData:
    map_sheet: str
    plot_number: str
    total_area: Decimal
    recovered_area: Decimal
    land_type: str = LandType.ODT
    legal_status: str = LegalStatus.CERTIFIED
    certificate_number: str = ""


def _check_plot(data: PlotData) -> None:
    if not data.map_sheet.strip() or not data.plot_number.strip():
        raise DomainError(
            _("Enter the map sheet and the plot number."), code="plot", field="plot_number"
        )
    if data.land_type not in LandType.values:
        raise DomainError(_("Choose the land type."), code="land_type", field="land_type")
    if data.legal_status not in LegalStatus.values:
        raise DomainError(_("Choose the legal status."), code="legal_status", field="legal_status")
    if data.total_area is None or data.total_area <= 0:
        raise DomainError(
            _("Enter an area greater than zero."), code="total_area", field="total_area"
        )
    if data.recovered_area is None or data.recovered_area < 0:
        raise DomainError(
            _("The area cannot be negative."), code="recovered_area", field="recovered_area"
        )
    if data.recovered_area > data.total_area:
        raise DomainError(
            _("The recovered area cannot exceed the plot's total area."),
            code="recovered_area",
            field="recovered_area",
        )


@transaction.atomic
def plot_save(*, household: Household, data: PlotData, actor, plot: Plot | None = None) -> Plot:
    _require_change(household, actor)
    _check_plot(data)
    before = audit.snapshot(plot) if plot else {}
    plot = plot or Plot(household=household)
    for name, value in vars(data).items():
        setattr(plot, name, value.strip() if isinstance(value, str) else value)
    try:
        with transaction.atomic():
            plot.save()
    except IntegrityError as exc:
        raise DomainError(
            _("This plot is already listed for the household."),
            code="duplicate",
            field="plot_number",
        ) from exc
    changes = audit.diff(before, audit.snapshot(plot))
    if changes:
        audit.record_one(
            audit.Action.UPDATE if before else audit.Action.CREATE,
            plot,
            actor=actor,
            changes=changes,
        )
    totals.refresh(household)
    return plot


@transaction.atomic
def plot_delete(*, plot: Plot, actor) -> None:
    household = plot.household
    _require_change(household, actor)
    audit.record_one(
        audit.Action.DELETE, plot, actor=actor, changes=audit.diff(audit.snapshot(plot), {})
    )
    plot.delete()
    totals.refresh(household)


@transaction.atomic
def complaint_add(*, household: Household, content: str, received_on: date, actor) -> Complaint:
    scope.require(actor, "clearance.mobilise", household.project.territory)
    content = nfc(content or "").strip()
    if not content:
        raise DomainError(_("Write what the complaint is about."), code="content", field="content")
    if received_on is None or received_on > timezone.localdate():
        raise DomainError(
            _("Enter the date received; it cannot be in the future."),
            code="received_on",
            field="received_on",
        )
    complaint = Complaint.objects.create(
        household=household, content=content, received_on=received_on
    )
    audit.record_one(
        audit.Action.CREATE,
        complaint,
        actor=actor,
        changes=audit.diff({}, audit.snapshot(complaint)),
    )
    totals.refresh(household)
    return complaint


@transaction.atomic
def complaint_update(
    *, complaint: Complaint, status: str, actor, resolution: str = "",
    resolved_on: date | None = None,
) -> Complaint:  # fmt: skip
    scope.require(actor, "clearance.mobilise", complaint.household.project.territory)
    if status not in ComplaintStatus.values:
        raise DomainError(_("Choose a status."), code="status", field="status")
    resolution = nfc(resolution or "").strip()
    if status not in OPEN_COMPLAINT_STATES:
        if not resolution:
            raise DomainError(
                _("Write how the complaint was settled."), code="resolution", field="resolution"
            )
        resolved_on = resolved_on or timezone.localdate()
        if resolved_on > timezone.localdate() or resolved_on < complaint.received_on:
            raise DomainError(
                _("The date settled must fall between the date received and today."),
                code="resolved_on",
                field="resolved_on",
            )
    else:
        resolved_on = None
    before = audit.snapshot(complaint)
    complaint.status, complaint.resolution, complaint.resolved_on = status, resolution, resolved_on
    complaint.save()
    audit.record_one(
        audit.Action.UPDATE, complaint, actor=actor,
        changes=audit.diff(before, audit.snapshot(complaint)),
    )  # fmt: skip
    totals.refresh(complaint.household)
    return complaint
