"""Petition statistics over the API: the same figures as the page and its export, within scope.

Average days are decimals with one place, the 90th percentile whole days (both null when nothing
was answered); rates are percentages with one place (null when there is nothing to divide by).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema

from danvan.core import scope
from danvan.core.api_utils import error_responses, field_error
from danvan.dialogues import statistics as stats
from danvan.territories.schemas import TerritoryRefOut

router = Router(tags=["dialogues"])


class StatisticsIn(Schema):
    group_by: str = Field(
        stats.UNIT,
        description="unit (child units, for drill-down), agency, category, channel or month.",
    )
    territory_id: int | None = Field(
        None, description="The current unit to break down (default: the caller's whole scope)."
    )
    date_from: str | None = Field(
        None, description="First day received, dd/mm/yyyy or yyyy-mm-dd (inclusive)."
    )
    date_to: str | None = Field(
        None, description="Last day received, dd/mm/yyyy or yyyy-mm-dd (inclusive)."
    )
    category: str | None = Field(None, description="Field code (land, environment, …).")
    channel: str | None = Field(None, description="Channel code (conference, portal, …).")
    agency: str | None = Field(
        None, description="Assigned agency id, or `none` for petitions not assigned yet."
    )


class FiguresOut(Schema):
    received: int = Field(description="Petitions received (merged duplicates and spam left out).")
    answered: int = Field(description="Answered or closed.")
    answered_on_time: int = Field(description="Answered on or before the deadline day.")
    answered_late: int
    on_time_rate: Decimal | None = Field(description="Answered on time, % of answered.")
    open: int
    overdue_now: int = Field(description="Open and past the deadline today.")
    average_response_days: Decimal | None
    p90_response_days: int | None = Field(
        description="Nine in ten answered petitions were answered within this many whole days "
        "(the smallest such number; 60 means 60 or more)."
    )
    satisfied: int
    partly_satisfied: int
    dissatisfied: int
    satisfaction_rate: Decimal | None = Field(description="Satisfied, % of the replies.")


class StatisticsRowOut(Schema):
    key: str = Field(
        description="Unit path, agency id (`none`: not assigned), field or channel code, or "
        "yyyy-mm; empty for the row of petitions filed directly under the unit shown."
    )
    label: str
    unit: TerritoryRefOut | None = None
    figures: FiguresOut


class StatisticsOut(Schema):
    unit: TerritoryRefOut | None = Field(
        None, description="The unit broken down; None for the caller's whole scope."
    )
    group_by: str
    filters: str = Field(description="The unit and filters in words.")
    summary: str
    totals: FiguresOut
    rows: list[StatisticsRowOut]


def figures_out(figures: stats.Figures) -> dict:
    return {
        "received": figures.received,
        "answered": figures.answered,
        "answered_on_time": figures.on_time,
        "answered_late": figures.late,
        "on_time_rate": figures.on_time_rate,
        "open": figures.open,
        "overdue_now": figures.overdue,
        "average_response_days": figures.average_days,
        "p90_response_days": figures.p90_days,
        "satisfied": figures.satisfied,
        "partly_satisfied": figures.partly_satisfied,
        "dissatisfied": figures.dissatisfied,
        "satisfaction_rate": figures.satisfaction_rate,
    }


@router.get("/statistics", response={200: StatisticsOut, **error_responses(403, 404, 422)})
def petition_statistics(request, params: Query[StatisticsIn]):
    """Received, answered on time and late, overdue now, response days and satisfaction, per
    group and in total."""
    if not scope.can_anywhere(request.user, stats.VIEW):
        raise PermissionDenied
    group_by, group_error = stats.parse_group_by(params.group_by)
    if group_error:
        raise field_error("group_by", group_error, source="query")
    filters, errors = stats.StatisticsFilters.from_params(params.dict())
    for name, message in errors.items():
        raise field_error(name, message, source="query")
    unit = stats.statistics_unit_for_user(request.user, params.territory_id)
    data = stats.petition_statistics_for_user(request.user, filters, unit, group_by)
    return {
        "unit": unit,
        "group_by": group_by,
        "filters": stats.describe(data),
        "summary": stats.statistics_summary(data),
        "totals": figures_out(data.totals),
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "unit": row.territory if group_by == stats.UNIT else None,
                "figures": figures_out(row.figures),
            }
            for row in data.rows
        ],
    }
