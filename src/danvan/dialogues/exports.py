"""Spreadsheet exports of dialogues and petitions, declared with `core.exports.register_export`."""

from django.utils.translation import gettext as _

from danvan.core.exports import ExportColumn, ExportSpec, register_export
from danvan.core.forms import as_id
from danvan.dialogues import statistics as stats


def _figure(name: str):
    return lambda row: getattr(row.figures, name)


def statistics_export(user, params: dict) -> ExportSpec:
    """The statistics table of the page (same unit, filters and grouping), then the total."""
    unit = stats.statistics_unit_for_user(user, as_id(params.get("territory")))
    filters, _errors = stats.StatisticsFilters.from_params(params)
    group_by, _error = stats.parse_group_by(params.get("group_by"))
    data = stats.petition_statistics_for_user(user, filters, unit, group_by)
    total = stats.StatisticsRow(key="", label=_("Total"), figures=data.totals)
    rows = [*data.rows, total]
    columns = [ExportColumn(str(dict(stats.GROUPS)[group_by]), lambda row: row.label, width=34)]
    columns += [
        ExportColumn(str(label), _figure(name), kind=kind, width=14)
        for name, label, kind in stats.COLUMNS
    ]
    return ExportSpec(
        filename=_("Petition statistics") + ".xlsx",
        title=stats.statistics_summary(data),
        columns=columns,
        queryset_or_rows=rows,
        count=len(rows),
        filters_line=stats.describe(data),
        sheet_title=_("Petition statistics"),
    )


register_export("dialogues.statistics", statistics_export)
