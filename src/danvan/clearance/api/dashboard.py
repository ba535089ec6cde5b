"""The land-clearance dashboard over the API: the same figures as the page, within scope.

Money is whole VND as JSON integers; areas are m² as decimal strings, exact.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from danvan.clearance import statistics as stats
from danvan.core import scope
from danvan.core.api_utils import error_responses, field_error
from danvan.territories.schemas import TerritoryRefOut

router = Router(tags=["clearance"])


class DashboardIn(Schema):
    territory_id: int | None = Field(
        None, description="The current unit to break down (default: the caller's whole scope)."
    )
    year_from: int | None = Field(
        None, ge=stats.FIRST_YEAR, le=stats.LAST_YEAR, description="First project year."
    )
    year_to: int | None = Field(
        None, ge=stats.FIRST_YEAR, le=stats.LAST_YEAR, description="Last project year."
    )


class FiguresOut(Schema):
    projects: int
    projects_by_status: dict[str, int] | None = Field(
        description="Projects per status code; given for the totals and the years, not per unit."
    )
    households: int = Field(description="Affected households.")
    households_agreed: int = Field(description="Agreed, paid or handed over.")
    households_paid: int = Field(description="Paid in full or handed over.")
    households_handed_over: int
    households_with_open_complaints: int
    approved_total: int = Field(description="Approved compensation, VND.")
    paid_total: int = Field(description="Paid, VND.")
    average_paid_per_household: int = Field(
        description="Paid VND per affected household, rounded to the đồng."
    )
    recovered_area: Decimal = Field(description="m².")
    donations: int = Field(description="Number of land donations.")
    donated_area: Decimal = Field(description="m².")
    donated_value: int = Field(description="Estimated value, VND.")


class DashboardRowOut(Schema):
    unit: TerritoryRefOut | None = Field(
        None, description="None for the row of records filed directly under the unit shown."
    )
    name: str
    figures: FiguresOut


class DashboardYearOut(Schema):
    year: int = Field(description="Project year (for donations: the year given).")
    figures: FiguresOut


class DashboardOut(Schema):
    unit: TerritoryRefOut | None = Field(
        None, description="The unit broken down; None for the caller's whole scope."
    )
    year_from: int | None
    year_to: int | None
    summary: str
    totals: FiguresOut
    rows: list[DashboardRowOut]
    years: list[DashboardYearOut]


def figures_out(figures: stats.Figures, *, with_statuses: bool = True) -> dict:
    statuses = {value: n for value, _label, n in figures.statuses}
    return {
        "projects": figures.projects,
        "projects_by_status": statuses if with_statuses else None,
        "households": figures.households,
        "households_agreed": figures.agreed,
        "households_paid": figures.paid,
        "households_handed_over": figures.handed_over,
        "households_with_open_complaints": figures.complaints,
        "approved_total": figures.approved_total,
        "paid_total": figures.paid_total,
        "average_paid_per_household": figures.average_paid,
        "recovered_area": figures.recovered_area,
        "donations": figures.donations,
        "donated_area": figures.donated_area,
        "donated_value": figures.donated_value,
    }


@router.get("", response={200: DashboardOut, **error_responses(403, 404, 422)})
def clearance_dashboard(request, params: Query[DashboardIn]):
    """Projects, households, money and donations per unit below the chosen one and per year."""
    if not scope.can_anywhere(request.user, stats.VIEW):
        raise PermissionDenied
    if (
        params.year_from is not None
        and params.year_to is not None
        and params.year_from > params.year_to
    ):
        raise field_error(
            "year_to", _("The last year cannot come before the first one."), source="query"
        )
    unit = stats.dashboard_unit_for_user(request.user, params.territory_id)
    filters = stats.DashboardFilters(year_from=params.year_from, year_to=params.year_to)
    data = stats.dashboard_for_user(request.user, filters, unit)
    return {
        "unit": unit,
        "year_from": filters.year_from,
        "year_to": filters.year_to,
        "summary": stats.dashboard_summary(data),
        "totals": figures_out(data.totals),
        "rows": [
            {
                "unit": row.territory,
                "name": row.label,
                "figures": figures_out(row.figures, with_statuses=False),
            }
            for row in data.rows
        ],
        "years": [{"year": year, "figures": figures_out(f)} for year, f in data.years],
    }
