"""Land donations (hiến đất) and the thank-you letter each donor receives."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.clearance.models import Donation, Household, Project, WorksKind
from danvan.core import scope
from danvan.core.errors import DomainError
from danvan.core.search import nfc, search_key
from danvan.territories.models import Territory

MAX_VALUE = 10**13


@dataclass
class DonationData:
    territory: Territory
    donor_name: str
    area: Decimal
    value: int
    works_kind: str
    works_name: str
    donated_on: date
    address: str = ""
    project: Project | None = None
    household: Household | None = None


def _check(data: DonationData, actor) -> None:
    scope.require(actor, "clearance.change", data.territory)
    if not (data.donor_name or "").strip():
        raise DomainError(_("Enter the donor's name."), code="donor_name", field="donor_name")
    if data.area is None or data.area <= 0:
        raise DomainError(_("Enter an area greater than zero."), code="area", field="area")
    if (
        isinstance(data.value, bool)
        or not isinstance(data.value, int)
        or not (0 <= data.value <= MAX_VALUE)
    ):
        raise DomainError(
            _("The value is a whole number of đồng, not negative."), code="value", field="value"
        )
    if data.works_kind not in WorksKind.values:
        raise DomainError(_("Choose the kind of works."), code="works_kind", field="works_kind")
    if not (data.works_name or "").strip():
        raise DomainError(_("Name the works."), code="works_name", field="works_name")
    if data.donated_on is None or data.donated_on > timezone.localdate():
        raise DomainError(
            _("Enter the date; it cannot be in the future."),
            code="donated_on",
            field="donated_on",
        )
    if data.project is not None and not scope.can(actor, "clearance.view", data.project.territory):
        raise DomainError(_("Choose a project within your scope."), code="project", field="project")
    if data.household is not None and data.household.project_id != getattr(
        data.project, "pk", None
    ):
        raise DomainError(
            _("The household must belong to the chosen project."),
            code="household",
            field="household",
        )


@transaction.atomic
def donation_save(*, data: DonationData, actor, donation: Donation | None = None) -> Donation:
    _check(data, actor)
    if donation is not None:
        scope.require(actor, "clearance.change", donation.territory)
    before = audit.snapshot(donation) if donation else {}
    donation = donation or Donation()
    for name, value in vars(data).items():
        setattr(donation, name, nfc(value).strip() if isinstance(value, str) else value)
    donation.search_name = search_key(donation.donor_name, donation.works_name)[:300]
    donation.save()
    changes = audit.diff(before, audit.snapshot(donation))
    changes.pop("search_name", None)
    if changes:
        audit.record_one(
            audit.Action.UPDATE if before else audit.Action.CREATE,
            donation,
            actor=actor,
            changes=changes,
        )
    return donation


@transaction.atomic
def donation_delete(*, donation: Donation, actor) -> None:
    scope.require(actor, "clearance.change", donation.territory)
    audit.record_one(
        audit.Action.DELETE, donation, actor=actor, changes=audit.diff(audit.snapshot(donation), {})
    )
    donation.delete()


@transaction.atomic
def donation_thank(*, donation: Donation, thanked_on: date, actor) -> Donation:
    """Record that the donor was sent a thank-you letter dated `thanked_on`."""
    scope.require(actor, "clearance.change", donation.territory)
    if thanked_on is None or thanked_on > timezone.localdate():
        raise DomainError(
            _("Enter the letter's date; it cannot be in the future."),
            code="thanked_on",
            field="thanked_on",
        )
    if thanked_on < donation.donated_on:
        raise DomainError(
            _("The letter cannot be dated before the donation."),
            code="thanked_on",
            field="thanked_on",
        )
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    before = audit.snapshot(donation)
    donation.thanked_on = thanked_on
    donation.save(update_fields=["thanked_on"])
    if changes := audit.diff(before, audit.snapshot(donation)):
        audit.record_one(audit.Action.UPDATE, donation, actor=actor, changes=changes)
    return donation
