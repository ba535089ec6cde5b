"""Petition statistics: figures by unit (drill-down), agency, field, channel or month, charts,
XLSX export. The numbers come from `dialogues.statistics`, like the export's and the API's."""

from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from danvan.core import scope
from danvan.core.charts import Series, bar_chart, line_chart
from danvan.core.exports import export_response_or_job
from danvan.core.forms import as_id
from danvan.dialogues import statistics as stats
from danvan.dialogues.models import Category, Channel

OVERDUE_CHART_UNITS = 15


def _allowed(request: HttpRequest) -> None:
    if not scope.can_anywhere(request.user, stats.VIEW):
        raise PermissionDenied


def page_params(
    filters: stats.StatisticsFilters, territory=None, group_by: str = stats.UNIT, **changes
) -> dict:
    params = {**filters.as_params(), **changes}
    if territory is not None:
        params["territory"] = territory.pk
    if group_by != stats.UNIT:
        params["group_by"] = group_by
    return {k: v for k, v in params.items() if v not in (None, "")}


def page_url(filters: stats.StatisticsFilters, territory=None, group_by=stats.UNIT, **changes):
    query = urlencode(page_params(filters, territory, group_by, **changes))
    base = reverse("dialogues:statistics")
    return f"{base}?{query}" if query else base


def _drill_url(data: stats.PetitionStatistics, row: stats.StatisticsRow) -> str | None:
    """Where a row leads: a unit to its own units; any other group to the units, filtered."""
    filters, unit = data.filters, data.unit
    if data.group_by == stats.UNIT:
        return page_url(filters, row.territory) if row.can_drill else None
    if data.group_by == stats.MONTH and row.month is not None:
        last = _month_end(row.month)
        first_day = max(row.month, filters.date_from or row.month)
        last_day = min(last, filters.date_to or last)
        return page_url(
            filters,
            unit,
            date_from=first_day.strftime("%d/%m/%Y"),
            date_to=last_day.strftime("%d/%m/%Y"),
        )
    names = {stats.AGENCY: "agency", stats.CATEGORY: "category", stats.CHANNEL: "channel"}
    return page_url(filters, unit, **{names[data.group_by]: row.key})


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def period_shortcuts(today: date) -> list[tuple[str, date | None, date | None]]:
    """The usual reporting periods, as whole months (the kept counts answer those at once)."""
    month = today.replace(day=1)
    last_month = (month - timedelta(days=1)).replace(day=1)
    quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
    year = month.replace(month=1)
    return [
        (_("This month"), month, _month_end(month)),
        (_("Last month"), last_month, _month_end(last_month)),
        (_("This quarter"), quarter, _month_end(quarter.replace(month=quarter.month + 2))),
        (_("First six months"), year, date(today.year, 6, 30)),
        (_("This year"), year, date(today.year, 12, 31)),
        (_("Last year"), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        (_("All periods"), None, None),
    ]


def _shortcut_links(filters: stats.StatisticsFilters, unit, group_by: str, today: date) -> list:
    links = []
    for label, first, last in period_shortcuts(today):
        chosen = replace(filters, date_from=first, date_to=last)
        active = (filters.date_from, filters.date_to) == (first, last)
        links.append((label, page_url(chosen, unit, group_by), active))
    return links


def _months_chart(by_month: stats.PetitionStatistics):
    rows = by_month.rows
    return line_chart(
        x_labels=[r.label for r in rows],
        series=[
            Series(_("Received"), [r.figures.received for r in rows]),
            Series(_("Answered on time"), [r.figures.on_time for r in rows]),
            Series(_("Answered late"), [r.figures.late for r in rows]),
        ],
        title=_("Petitions by month received: received, answered on time and late"),
        category_label=_("Month received"),
    )


def _overdue_chart(by_unit: stats.PetitionStatistics):
    # The units with the most overdue petitions; the table lists them all.
    rows = sorted(
        (r for r in by_unit.rows if r.figures.open),
        key=lambda r: (-r.figures.overdue, -r.figures.open, r.label),
    )[:OVERDUE_CHART_UNITS]
    links = [_drill_url(by_unit, r) for r in rows]
    return bar_chart(
        categories=[r.label for r in rows],
        series=[
            Series(_("Overdue now"), [r.figures.overdue for r in rows]),
            Series(_("Open, not overdue"), [r.figures.open - r.figures.overdue for r in rows]),
        ],
        title=_("Open petitions: overdue now and within the deadline, units with most overdue"),
        horizontal=True,
        link_for=lambda i: links[i],
        category_label=_("Unit"),
    )


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    user = request.user
    unit = stats.statistics_unit_for_user(user, as_id(request.GET.get("territory")))
    filters, errors = stats.StatisticsFilters.from_params(request.GET)
    group_by, group_error = stats.parse_group_by(request.GET.get("group_by"))
    # Date errors stand under their fields; the others above the figures.
    messages = [m for name, m in errors.items() if name not in ("date_from", "date_to")]
    if group_error:
        messages.append(group_error)
    on = stats.deadlines.today()
    data = stats.petition_statistics_for_user(user, filters, unit, group_by, on=on)
    for row in data.rows:
        row.drill_url = _drill_url(data, row)

    def counts_by(dimension: str, only: tuple[str, ...]) -> stats.PetitionStatistics:
        if dimension == group_by:
            return data
        return stats.petition_statistics_for_user(
            user,
            filters,
            unit,
            dimension,
            on=on,
            with_totals=False,
            only=only,
        )

    # The charts count only what they draw.
    by_unit = counts_by(stats.UNIT, ("received", "open", "overdue"))
    by_month = counts_by(stats.MONTH, ("received", "answered", "on_time"))
    export_params = page_params(filters, unit, group_by)
    context = {
        "data": data,
        "totals": data.totals,
        "unit": unit,
        "filters": filters,
        "field_errors": errors,
        "messages_shown": messages,
        "group_by": group_by,
        "groups": [
            (value, label, page_url(filters, unit, value), value == group_by)
            for value, label in stats.GROUPS
        ],
        "group_label": dict(stats.GROUPS)[group_by],
        "summary": stats.statistics_summary(data),
        "breadcrumb": [
            (u, page_url(filters, u, group_by))
            for u in stats.unit_breadcrumb(user, unit)
            if u != unit
        ],
        "show_country": scope.scope_paths(user, stats.VIEW) is None and unit is not None,
        "country_url": page_url(filters, None, group_by),
        "periods": _shortcut_links(filters, unit, group_by, on),
        "categories": Category.choices,
        "channels": Channel.choices,
        "clear_agency_url": page_url(
            replace(filters, agency_id=None, no_agency=False),
            unit,
            group_by,
        ),
        "months_chart": _months_chart(by_month) if by_month.rows else None,
        "overdue_chart": _overdue_chart(by_unit),
        "export_url": f"{reverse('dialogues:statistics-export')}?{urlencode(export_params)}",
    }
    return render(request, "dialogues/statistics.html", context)


@login_required
@require_GET
def statistics_export(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    user = request.user
    filters, _errors = stats.StatisticsFilters.from_params(request.GET)
    group_by, _error = stats.parse_group_by(request.GET.get("group_by"))
    territory_id = as_id(request.GET.get("territory"))
    # Checked now, so an out-of-scope unit answers 404 here rather than in a job.
    unit = stats.statistics_unit_for_user(user, territory_id)
    return export_response_or_job(
        request, "dialogues.statistics", page_params(filters, unit, group_by)
    )


urlpatterns = [
    path("statistics/", statistics, name="statistics"),
    path("statistics/export/", statistics_export, name="statistics-export"),
]
