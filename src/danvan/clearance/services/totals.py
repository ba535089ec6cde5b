"""The household and project totals kept on their rows, always recomputed from the lines.

Every service that changes a line (plan, payment, plot, complaint, household status) calls
`refresh_households` and then `refresh_projects` in its own transaction, so the stored totals
never drift from the sums they stand for. `check` recomputes everything and reports any row that
differs (used by tests and `danvan check-clearance`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from danvan.clearance.models import (
    AGREED_STATES,
    OPEN_COMPLAINT_STATES,
    PAID_STATES,
    CaseStatus,
    Complaint,
    Household,
    Payment,
    PlanLine,
    PlanStatus,
    Plot,
    Project,
)

ZERO_AREA = Decimal("0")
CENTI = Decimal("0.01")


def _area(value) -> Decimal:
    """An area sum as stored (two decimals): SQLite adds decimals as floating point."""
    return Decimal(value or 0).quantize(CENTI)


def household_sums(household_ids: Iterable[int]) -> dict[int, dict]:
    ids = list(household_ids)
    sums = {
        pk: {"approved_total": 0, "paid_total": 0, "recovered_area": ZERO_AREA,
             "open_complaints": 0}
        for pk in ids
    }  # fmt: skip
    approved = (
        PlanLine.objects.filter(plan__household_id__in=ids, plan__status=PlanStatus.APPROVED)
        .values_list("plan__household_id")
        .annotate(total=Sum("amount"))
    )
    for pk, total in approved:
        sums[pk]["approved_total"] = total or 0
    paid = (
        Payment.objects.filter(household_id__in=ids)
        .values_list("household_id")
        .annotate(total=Sum("amount"))
    )
    for pk, total in paid:
        sums[pk]["paid_total"] = total or 0
    areas = (
        Plot.objects.filter(household_id__in=ids)
        .values_list("household_id")
        .annotate(total=Sum("recovered_area"))
    )
    for pk, total in areas:
        sums[pk]["recovered_area"] = _area(total)
    complaints = (
        Complaint.objects.filter(household_id__in=ids, status__in=OPEN_COMPLAINT_STATES)
        .values_list("household_id")
        .annotate(total=Count("id"))
    )
    for pk, total in complaints:
        sums[pk]["open_complaints"] = total
    return sums


def refresh_households(household_ids: Iterable[int]) -> None:
    for pk, values in household_sums(household_ids).items():
        Household.objects.filter(pk=pk).update(**values)


def project_sums(project_ids: Iterable[int]) -> dict[int, dict]:
    ids = list(project_ids)
    rows = (
        Household.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(
            households_count=Count("id"),
            agreed_count=Count("id", filter=Q(status__in=AGREED_STATES)),
            paid_count=Count("id", filter=Q(status__in=PAID_STATES)),
            handed_over_count=Count("id", filter=Q(status=CaseStatus.HANDED_OVER)),
            complaint_count=Count("id", filter=Q(open_complaints__gt=0)),
            approved_total=Coalesce(Sum("approved_total"), 0),
            paid_total=Coalesce(Sum("paid_total"), 0),
            recovered_area=Coalesce(Sum("recovered_area"), ZERO_AREA),
        )
    )
    empty = {
        "households_count": 0, "agreed_count": 0, "paid_count": 0, "handed_over_count": 0,
        "complaint_count": 0, "approved_total": 0, "paid_total": 0, "recovered_area": ZERO_AREA,
    }  # fmt: skip
    sums = {pk: dict(empty) for pk in ids}
    for row in rows:
        row["recovered_area"] = _area(row["recovered_area"])
        sums[row.pop("project_id")] = row
    return sums


def refresh_projects(project_ids: Iterable[int]) -> None:
    for pk, values in project_sums(project_ids).items():
        Project.objects.filter(pk=pk).update(**values)


def refresh(household: Household) -> None:
    """After a change to one household's lines: its totals, then its project's."""
    refresh_households([household.pk])
    refresh_projects([household.project_id])


@dataclass
class Mismatch:
    kind: str
    pk: int
    field: str
    stored: object
    computed: object


def check(project_ids: Iterable[int] | None = None, chunk: int = 2000) -> list[Mismatch]:
    """Every stored total that differs from the sum of its lines."""
    projects = Project.objects.order_by("pk")
    if project_ids is not None:
        projects = projects.filter(pk__in=list(project_ids))
    problems: list[Mismatch] = []
    project_list = list(projects.values_list("pk", flat=True))
    for start in range(0, len(project_list), chunk):
        ids = project_list[start : start + chunk]
        computed = project_sums(ids)
        for row in Project.objects.filter(pk__in=ids).values("pk", *computed[ids[0]].keys()):
            pk = row.pop("pk")
            for key, value in row.items():
                if computed[pk][key] != value:
                    problems.append(Mismatch("project", pk, key, value, computed[pk][key]))
        household_ids = list(
            Household.objects.filter(project_id__in=ids).values_list("pk", flat=True)
        )
        for hstart in range(0, len(household_ids), chunk):
            hids = household_ids[hstart : hstart + chunk]
            hcomputed = household_sums(hids)
            fields = ("approved_total", "paid_total", "recovered_area", "open_complaints")
            for row in Household.objects.filter(pk__in=hids).values("pk", *fields):
                pk = row.pop("pk")
                for key, value in row.items():
                    if hcomputed[pk][key] != value:
                        problems.append(Mismatch("household", pk, key, value, hcomputed[pk][key]))
    return problems
