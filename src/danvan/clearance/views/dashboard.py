"""The land-clearance dashboard: figures per unit and period, drill-down by child unit, charts."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from danvan.clearance import statistics as stats
from danvan.core import scope
from danvan.core.charts import Series, bar_chart, line_chart
from danvan.core.forms import as_id
from danvan.core.templatetags.vn import format_money_short


def _page_url(filters: stats.DashboardFilters, territory=None) -> str:
    params = filters.as_params()
    if territory is not None:
        params["territory"] = territory.pk
    return f"{reverse('clearance:dashboard')}?{urlencode(params)}"


def board_base() -> str | None:
    try:
        return reverse("clearance:project-list")
    except NoReverseMatch:  # the board is another slice's page; the numbers then stay plain
        return None


def board_url(
    base: str | None, filters: stats.DashboardFilters, territory=None, **extra
) -> str | None:
    """The project board showing the projects behind a number (same unit, period, status)."""
    if base is None:
        return None
    params: dict = {}
    if territory is not None:
        params["territory"] = territory.pk
    if filters.year_from is not None and filters.year_from == filters.year_to:
        params["year"] = filters.year_from
    else:
        params.update(filters.as_params())
    params.update({k: v for k, v in extra.items() if v})
    return f"{base}?{urlencode(params)}" if params else base


def _units_chart(dashboard: stats.Dashboard):
    # Units with nothing to show would only lengthen the chart; the table still lists them.
    rows = [r for r in dashboard.rows if r.figures.approved_total or r.figures.paid_total]
    return bar_chart(
        categories=[r.label for r in rows],
        series=[
            Series(_("Paid"), [r.figures.paid_total for r in rows]),
            Series(_("Still to pay"), [max(r.figures.outstanding, 0) for r in rows]),
        ],
        title=_("Approved compensation by unit: paid and still to pay"),
        horizontal=True,
        value_format=format_money_short,
        link_for=lambda i: rows[i].drill_url,
        category_label=_("Unit"),
    )


def _money_chart(dashboard: stats.Dashboard):
    return bar_chart(
        categories=[str(year) for year, _f in dashboard.years],
        series=[
            Series(_("Approved"), [f.approved_total for _y, f in dashboard.years]),
            Series(_("Paid"), [f.paid_total for _y, f in dashboard.years]),
        ],
        title=_("Compensation by project year"),
        stacked=False,
        value_format=format_money_short,
        category_label=_("Project year"),
    )


def _households_chart(dashboard: stats.Dashboard):
    return line_chart(
        x_labels=[str(year) for year, _f in dashboard.years],
        series=[
            Series(_("Affected"), [f.households for _y, f in dashboard.years]),
            Series(_("Paid"), [f.paid for _y, f in dashboard.years]),
            Series(_("Handed over"), [f.handed_over for _y, f in dashboard.years]),
        ],
        title=_("Households by project year"),
        category_label=_("Project year"),
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope.can_anywhere(user, stats.VIEW):
        raise PermissionDenied
    unit = stats.dashboard_unit_for_user(user, as_id(request.GET.get("territory")))
    filters, errors = stats.DashboardFilters.from_params(request.GET)
    data = stats.dashboard_for_user(user, filters, unit)
    page = reverse("clearance:dashboard")
    board = board_base()
    for row in data.rows:
        if row.can_drill:
            params = {**filters.as_params(), "territory": row.territory.pk}
            row.drill_url = f"{page}?{urlencode(params)}"
        else:
            row.drill_url = None
        # The "directly under" row has no board of its own: the unit's board adds its children.
        row.board_url = board_url(board, filters, row.territory) if row.territory else None
    statuses = [
        (value, label, n, board_url(board, filters, unit, status=value))
        for value, label, n in data.totals.statuses
    ]
    context = {
        "dashboard": data,
        "totals": data.totals,
        "household_steps": [
            (_("Agreed"), data.totals.agreed, data.totals.agreed_percent),
            (_("Paid"), data.totals.paid, data.totals.paid_percent),
            (_("Handed over"), data.totals.handed_over, data.totals.handed_over_percent),
        ],
        "unit": unit,
        "filters": filters,
        "errors": errors,
        "summary": stats.dashboard_summary(data),
        "statuses": statuses,
        "board_url": board_url(board, filters, unit),
        "breadcrumb": [
            (u, _page_url(filters, u)) for u in stats.unit_breadcrumb(user, unit) if u != unit
        ],
        "show_country": scope.scope_paths(user, stats.VIEW) is None and unit is not None,
        "country_url": _page_url(filters),
        "units_chart": _units_chart(data),
        "money_chart": _money_chart(data) if data.years else None,
        "households_chart": _households_chart(data) if data.years else None,
    }
    return render(request, "clearance/dashboard.html", context)


urlpatterns = [path("dashboard/", dashboard, name="dashboard")]
