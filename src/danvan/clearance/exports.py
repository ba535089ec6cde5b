"""Spreadsheet exports of land clearance: a project's payment list, the compensation summary per
category, the donation list and a project's household list.

Each builder reads its rows through the clearance selectors, so scope is the list pages' own.
Builders run in the request (to count the rows) and again in the background task for a large
export, as the user who asked; `params` hold only ids and filter values. A totals row closes the
money lists; it is summed from the very rows written above it, so it always equals their sum.

Personal numbers (CCCD, phone) appear in the household list only masked, unless the user asked for
them and holds `clearance.personal`; each household shown in full is then written to the audit
trail as a view of personal data.
"""

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from danvan.clearance import selectors
from danvan.clearance.models import (
    CaseStatus,
    Category,
    Household,
    Payment,
    PaymentMethod,
    PlanStatus,
    Project,
    ProjectKind,
    ProjectStatus,
    WorksKind,
)
from danvan.core import personal, scope
from danvan.core.exports import ExportColumn, ExportSpec, register_export
from danvan.core.forms import as_id
from danvan.territories.models import Territory

PAYMENTS = "clearance.payments"
COMPENSATION = "clearance.compensation"
DONATIONS = "clearance.donations"
HOUSEHOLDS = "clearance.households"
VIEW = "clearance.view"
PERSONAL = "clearance.personal"
CATEGORIES = [c.value for c in Category]
AMOUNT = "amount_"  # annotation prefix: "resettlement" is also a household field
# Query-string keys of the project board that narrow the compensation summary of many projects.
PROJECT_FILTER_KEYS = ("q", "territory", "status", "kind", "year")
LOG_CHUNK = 2000


def _cell(key: str):
    return lambda row: row.get(key)


def _project_line(project: Project) -> str:
    return _("Project: %(code)s - %(name)s; unit: %(unit)s") % {
        "code": project.code,
        "name": project.name,
        "unit": project.territory.name,
    }


# --- Payment list -------------------------------------------------------------------------------


def project_payments(project: Project) -> QuerySet[Payment]:
    """A project's payments in the order of the payment list: by date, then household."""
    return (
        Payment.objects.filter(household__project=project)
        .select_related("household")
        .order_by("paid_on", "household__code", "id")
    )


def payment_rows(payments: Iterable[Payment]) -> Iterator[dict[str, Any]]:
    """One row per payment, then the totals row (the sum of the rows above it)."""
    total = 0
    households: set[int] = set()
    number = 0
    for number, payment in enumerate(payments, start=1):
        total += payment.amount
        households.add(payment.household_id)
        yield {
            "number": number,
            "code": payment.household.code,
            "head": payment.household.head_name,
            "voucher": payment.voucher_number,
            "paid_on": payment.paid_on,
            "method": PaymentMethod(payment.method).label,
            "amount": payment.amount,
            "note": payment.note,
        }
    yield {
        "head": _("Total"),
        "voucher": _("%(payments)s payments, %(households)s households")
        % {"payments": number, "households": len(households)},
        "amount": total,
    }


def payments_export(user, params: dict[str, Any]) -> ExportSpec:
    project = selectors.project_get(user, params.get("project"))
    payments = project_payments(project)
    count = payments.count()
    columns = [
        ExportColumn(_("No."), _cell("number"), kind="int", width=6),
        ExportColumn(_("Household code"), _cell("code"), width=14),
        ExportColumn(_("Head of household"), _cell("head"), width=30),
        ExportColumn(_("Voucher no."), _cell("voucher"), width=16),
        ExportColumn(_("Payment date"), _cell("paid_on"), kind="date", width=12),
        ExportColumn(_("Method"), _cell("method"), width=22),
        ExportColumn(_("Amount (VND)"), _cell("amount"), kind="money", width=18),
        ExportColumn(_("Note"), _cell("note"), width=30),
    ]
    return ExportSpec(
        filename=_("Payment list %(code)s") % {"code": project.code} + ".xlsx",
        title=_("Payments of compensation, support and resettlement"),
        columns=columns,
        queryset_or_rows=payment_rows(payments.iterator(chunk_size=2000)),
        count=count + 1,
        filters_line=_project_line(project),
        sheet_title=_("Payments"),
    )


# --- Compensation summary -------------------------------------------------------------------------


def _stage(params: dict[str, Any]) -> str:
    return PlanStatus.DRAFT if params.get("stage") == PlanStatus.DRAFT else PlanStatus.APPROVED


def project_filters(user, params: dict[str, Any]) -> selectors.ProjectFilters:
    """The project board's filters from its query-string values; a unit out of scope is ignored
    by the caller (the view answers 404 for it)."""
    territory = None
    territory_id = as_id(params.get("territory"))
    if territory_id is not None:
        territory = scope.filter(
            user, VIEW, Territory.objects.filter(pk=territory_id), via=None
        ).first()
    year = as_id(params.get("year"))
    status, kind = params.get("status", ""), params.get("kind", "")
    return selectors.ProjectFilters(
        query=str(params.get("q", ""))[:200],
        territory=territory,
        status=status if status in ProjectStatus.values else "",
        kind=kind if kind in ProjectKind.values else "",
        year=year if year and 2000 <= year <= 2100 else None,
    )


def compensation_households(user, params: dict[str, Any]) -> tuple[QuerySet[Household], str]:
    """Households with their amount per category (of approved or of draft plans), and a line
    naming what was chosen."""
    stage = _stage(params)
    if params.get("project"):
        project = selectors.project_get(user, params["project"])
        households = selectors.household_list(user, project).select_related(None)
        described = _project_line(project)
    else:
        filters = project_filters(user, params)
        projects = selectors.project_list(user, filters)
        households = (
            selectors.household_list(user)
            .select_related(None)
            .filter(project__in=projects.values("pk"))
            .order_by("project__code", "code", "id")
        )
        described = describe_project_filters(filters)
    sums = {
        AMOUNT + category: Coalesce(
            Sum(
                "plans__lines__amount",
                filter=Q(plans__status=stage, plans__lines__category=category),
            ),
            0,
        )
        for category in CATEGORIES
    }
    households = households.annotate(**sums).values(
        "id", "project__code", "code", "head_name", "village", "paid_total", *sums
    )
    stage_line = (
        _("Amounts of draft plans") if stage == PlanStatus.DRAFT else _("Amounts of approved plans")
    )
    return households, f"{described}; {stage_line}"


def compensation_rows(households: Iterable[dict[str, Any]], *, stage: str) -> Iterator[dict]:
    sums = dict.fromkeys(
        [*(AMOUNT + c for c in CATEGORIES), "total", "paid_total", "outstanding"], 0
    )
    count = 0
    for row in households:
        count += 1
        row["total"] = sum(row[AMOUNT + c] for c in CATEGORIES)
        row["outstanding"] = (
            row["total"] - row["paid_total"] if stage == PlanStatus.APPROVED else None
        )
        for key in sums:
            sums[key] += row[key] or 0
        yield row
    yield {
        "head_name": _("Total"),
        "code": _("%(count)s households") % {"count": count},
        **sums,
        "outstanding": sums["outstanding"] if stage == PlanStatus.APPROVED else None,
    }


def compensation_export(user, params: dict[str, Any]) -> ExportSpec:
    stage = _stage(params)
    households, described = compensation_households(user, params)
    count = households.count()
    columns = [
        ExportColumn(_("Project code"), _cell("project__code"), width=14),
        ExportColumn(_("Household code"), _cell("code"), width=14),
        ExportColumn(_("Head of household"), _cell("head_name"), width=28),
        ExportColumn(_("Village / residential group"), _cell("village"), width=18),
        *(
            ExportColumn(str(Category(c).label), _cell(AMOUNT + c), kind="money", width=16)
            for c in CATEGORIES
        ),
        ExportColumn(_("Total (VND)"), _cell("total"), kind="money", width=18),
        ExportColumn(_("Paid (VND)"), _cell("paid_total"), kind="money", width=18),
    ]
    if stage == PlanStatus.APPROVED:
        columns.append(ExportColumn(_("Still owed (VND)"), _cell("outstanding"), kind="money"))
    return ExportSpec(
        filename=_("Compensation summary") + ".xlsx",
        title=_("Compensation, support and resettlement by category"),
        columns=columns,
        queryset_or_rows=compensation_rows(households.iterator(chunk_size=2000), stage=stage),
        count=count + 1,
        filters_line=described,
        sheet_title=_("Compensation"),
    )


def describe_project_filters(filters: selectors.ProjectFilters) -> str:
    parts = []
    if filters.territory is not None:
        parts.append(_("Unit: %(value)s") % {"value": filters.territory.name})
    if filters.year:
        parts.append(_("Year: %(value)s") % {"value": filters.year})
    if filters.status:
        parts.append(_("Status: %(value)s") % {"value": ProjectStatus(filters.status).label})
    if filters.kind:
        parts.append(_("Kind: %(value)s") % {"value": ProjectKind(filters.kind).label})
    if filters.query:
        parts.append(_("Search: %(value)s") % {"value": filters.query})
    return "; ".join(parts) or _("All projects within your scope")


# --- Donations ----------------------------------------------------------------------------------


def donation_filters(user, params: dict[str, Any]) -> dict[str, Any]:
    territory = None
    territory_id = as_id(params.get("territory"))
    if territory_id is not None:
        territory = scope.filter(
            user, VIEW, Territory.objects.filter(pk=territory_id), via=None
        ).first()
    year = as_id(params.get("year"))
    return {
        "territory": territory,
        "year": year if year and 2000 <= year <= 2100 else None,
        "query": str(params.get("q", ""))[:200],
    }


def donation_rows(donations) -> Iterator[dict[str, Any]]:
    area, value, count = Decimal(0), 0, 0
    for donation in donations:
        count += 1
        area += donation.area
        value += donation.value
        yield {
            "donated_on": donation.donated_on,
            "donor": donation.donor_name,
            "address": donation.address,
            "unit": donation.territory.name,
            "works_kind": WorksKind(donation.works_kind).label,
            "works_name": donation.works_name,
            "project": donation.project.code if donation.project_id else "",
            "area": donation.area,
            "value": donation.value,
            "thanked_on": donation.thanked_on,
        }
    yield {
        "donor": _("Total"),
        "address": _("%(count)s donations") % {"count": count},
        "area": area,
        "value": value,
    }


def donations_export(user, params: dict[str, Any]) -> ExportSpec:
    filters = donation_filters(user, params)
    donations = selectors.donation_list(user, **filters)
    count = donations.count()
    parts = []
    if filters["territory"] is not None:
        parts.append(_("Unit: %(value)s") % {"value": filters["territory"].name})
    if filters["year"]:
        parts.append(_("Year: %(value)s") % {"value": filters["year"]})
    if filters["query"]:
        parts.append(_("Search: %(value)s") % {"value": filters["query"]})
    columns = [
        ExportColumn(_("Date"), _cell("donated_on"), kind="date", width=12),
        ExportColumn(_("Donor"), _cell("donor"), width=28),
        ExportColumn(_("Address"), _cell("address"), width=28),
        ExportColumn(_("Unit"), _cell("unit"), width=22),
        ExportColumn(_("Works"), _cell("works_kind"), width=20),
        ExportColumn(_("Name of the works"), _cell("works_name"), width=30),
        ExportColumn(_("Project code"), _cell("project"), width=14),
        ExportColumn(_("Area (m²)"), _cell("area"), kind="decimal", width=14),
        ExportColumn(_("Estimated value (VND)"), _cell("value"), kind="money", width=18),
        ExportColumn(_("Thank-you letter sent on"), _cell("thanked_on"), kind="date", width=14),
    ]
    return ExportSpec(
        filename=_("Land donations") + ".xlsx",
        title=_("Voluntary land donations"),
        columns=columns,
        queryset_or_rows=donation_rows(donations.iterator(chunk_size=2000)),
        count=count + 1,
        filters_line="; ".join(parts) or _("All donations within your scope"),
        sheet_title=_("Donations"),
    )


# --- Household list -----------------------------------------------------------------------------


def wants_personal(params: dict[str, Any]) -> bool:
    return str(params.get("personal", "")) in {"1", "true", "on"}


def _log_personal_views(user, households: list[Household], project: Project) -> None:
    """One audit row per household whose numbers were exported in full, one write per chunk."""
    personal.reveal_many(
        user,
        PERSONAL,
        households,
        territory=project.territory,
        fields=["head_id_number", "phone"],
        reason=_("Export of the household list of project %(code)s") % {"code": project.code},
    )


def household_rows(user, households, project: Project, *, revealed: bool) -> Iterator[dict]:
    chunk: list[Household] = []

    def rows_of(items: list[Household]) -> Iterator[dict]:
        if revealed:
            _log_personal_views(user, items, project)
        for household in items:
            yield {
                "code": household.code,
                "head": household.head_name,
                "id_number": household.head_id_number
                if revealed
                else personal.mask_id_number(household.head_id_number),
                "phone": household.phone if revealed else personal.mask_phone(household.phone),
                "address": household.address,
                "village": household.village,
                "commune": household.commune.name if household.commune_id else "",
                "status": CaseStatus(household.status).label,
                "officer": str(household.officer) if household.officer_id else "",
                "area": household.recovered_area,
                "approved": household.approved_total,
                "paid": household.paid_total,
                "outstanding": household.outstanding,
                "complaints": household.open_complaints,
                "handed_over_on": household.handed_over_on,
            }

    for household in households:
        chunk.append(household)
        if len(chunk) >= LOG_CHUNK:
            yield from rows_of(chunk)
            chunk = []
    yield from rows_of(chunk)


def households_export(user, params: dict[str, Any]) -> ExportSpec:
    project = selectors.project_get(user, params.get("project"))
    revealed = wants_personal(params)
    if revealed:
        # In scope but without the right to see personal numbers: 403, never a quiet downgrade.
        scope.require(user, PERSONAL, project.territory)
    households = selectors.household_list(user, project).select_related("officer", "commune")
    count = households.count()
    columns = [
        ExportColumn(_("Household code"), _cell("code"), width=14),
        ExportColumn(_("Head of household"), _cell("head"), width=28),
        ExportColumn(_("Citizen ID (CCCD)"), _cell("id_number"), width=16),
        ExportColumn(_("Phone"), _cell("phone"), width=14),
        ExportColumn(_("Address"), _cell("address"), width=28),
        ExportColumn(_("Village / residential group"), _cell("village"), width=18),
        ExportColumn(_("Commune"), _cell("commune"), width=20),
        ExportColumn(_("Status"), _cell("status"), width=18),
        ExportColumn(_("Officer in charge"), _cell("officer"), width=22),
        ExportColumn(_("Recovered area (m²)"), _cell("area"), kind="decimal", width=14),
        ExportColumn(_("Approved amount (VND)"), _cell("approved"), kind="money", width=18),
        ExportColumn(_("Paid (VND)"), _cell("paid"), kind="money", width=18),
        ExportColumn(_("Still owed (VND)"), _cell("outstanding"), kind="money", width=18),
        ExportColumn(_("Open complaints"), _cell("complaints"), kind="int", width=10),
        ExportColumn(_("Handed over on"), _cell("handed_over_on"), kind="date", width=12),
    ]
    line = _project_line(project)
    if not revealed:
        line += "; " + _("ID and phone numbers masked")
    return ExportSpec(
        filename=_("Households %(code)s") % {"code": project.code} + ".xlsx",
        title=_("Affected households"),
        columns=columns,
        queryset_or_rows=household_rows(
            user, households.iterator(chunk_size=LOG_CHUNK), project, revealed=revealed
        ),
        count=count,
        filters_line=line,
        sheet_title=_("Households"),
    )


register_export(PAYMENTS, payments_export)
register_export(COMPENSATION, compensation_export)
register_export(DONATIONS, donations_export)
register_export(HOUSEHOLDS, households_export)
