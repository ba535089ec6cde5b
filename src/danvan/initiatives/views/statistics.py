"""Staff statistics of models: counts by unit, field and subject with drill-down, charts, XLSX."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from danvan.core import scope
from danvan.core.charts import Series, bar_chart, line_chart
from danvan.core.exports import export_response_or_job
from danvan.core.forms import as_id
from danvan.initiatives import statistics as stats
from danvan.initiatives.models import Kind, Level, Status, Subject
from danvan.initiatives.selectors import active_fields


def _page_url(filters: stats.StatisticsFilters, territory=None) -> str:
    params = filters.as_params()
    if territory is not None:
        params["territory"] = territory.pk
    return f"{reverse('initiatives:statistics')}?{urlencode(params)}"


def _units_chart(table: stats.StatisticsTable):
    rows = table.rows
    links = [_page_url(table.filters, r.territory) if r.can_drill else None for r in rows]
    return bar_chart(
        categories=[r.label for r in rows],
        series=[Series(f.name, [r.by_field(f.pk) for r in rows]) for f in table.fields],
        title=_("Models by field and unit"),
        horizontal=True,
        link_for=lambda i: links[i],
        category_label=_("Unit"),
    )


def _years_chart(years: list[int], by_level: dict[str, list[int]]):
    return line_chart(
        x_labels=[str(y) for y in years],
        series=[Series(str(Level(level).label), counts) for level, counts in by_level.items()],
        title=_("Recognitions per year by level"),
        category_label=_("Year"),
    )


def _allowed(request: HttpRequest) -> None:
    if not scope.can_anywhere(request.user, stats.VIEW):
        raise PermissionDenied


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    user = request.user
    unit = stats.statistics_unit_for_user(user, as_id(request.GET.get("territory")))
    filters = stats.StatisticsFilters.from_params(request.GET)
    table = stats.statistics_table_for_user(user, filters, unit)
    for row in table.rows:
        row.drill_url = _page_url(filters, row.territory) if row.can_drill else None
    years, by_level = stats.recognitions_by_year_for_user(user, filters, unit)
    export_params = filters.as_params()
    if unit is not None:
        export_params["territory"] = unit.pk
    context = {
        "table": table,
        "unit": unit,
        "filters": filters,
        "summary": stats.statistics_summary(table),
        "breadcrumb": [
            (u, _page_url(filters, u)) for u in stats.unit_breadcrumb(user, unit) if u != unit
        ],
        "show_country": scope.scope_paths(user, stats.VIEW) is None and unit is not None,
        "country_url": _page_url(filters),
        "units_chart": _units_chart(table),
        "years_chart": _years_chart(years, by_level) if years else None,
        "export_query": urlencode(export_params),
        "measures": stats.MEASURES,
        "fields": active_fields(),
        "levels": Level.choices,
        "subjects": Subject.choices,
        "kinds": Kind.choices,
        "statuses": Status.choices,
    }
    return render(request, "initiatives/statistics.html", context)


@login_required
@require_GET
def statistics_export(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    params = stats.StatisticsFilters.from_params(request.GET).as_params()
    territory_id = as_id(request.GET.get("territory"))
    if territory_id is not None:
        # Checked now, so an out-of-scope unit answers 404 here rather than in a job.
        stats.statistics_unit_for_user(request.user, territory_id)
        params["territory"] = territory_id
    return export_response_or_job(request, "initiatives.statistics", params)
