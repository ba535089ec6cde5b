"""Gathering the figures a report prints, from plans, campaigns and the other domains.

Each part is optional: the plans app may be absent, and only the indicator sources the
installed domains registered in `core.indicators` are read. The result is plain JSON, stored on
the report so that the document can be written again from it and never changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils import translation

from danvan.core import indicators
from danvan.reports.models import GeneratedReport, ReportKind

# The progress period of the plans that a report of each kind reads.
PERIOD_OF_KIND = {ReportKind.SIX_MONTH: "h1", ReportKind.ANNUAL: "year"}


def report_bounds(kind: str, year: int) -> tuple[date, date]:
    """First and last day a report of `kind` for `year` covers (sơ kết: January to June)."""
    if kind == ReportKind.SIX_MONTH:
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 1, 1), date(year, 12, 31)


def decimal_text(value: Decimal | int | None) -> str | None:
    """A figure as exact text for JSON ("12.5", "40")."""
    if value is None:
        return None
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return str(number.normalize())


def domain_figures(territory, first: date, last: date) -> list[dict[str, Any]]:
    """Every registered indicator source computed for the unit's subtree and period."""
    rows = []
    for source in indicators.registered_sources():
        value = indicators.compute(source.key, territory, first, last)
        # The report is written in Vietnamese whoever asks for it.
        with translation.override("vi"):
            label, unit = str(source.label), str(source.unit)
        rows.append(
            {
                "key": source.key,
                "label": label,
                "unit": unit,
                "domain": source.domain,
                "value": decimal_text(value),
            }
        )
    return rows


def gather_figures(report: GeneratedReport, snapshot: dict[str, Any]) -> dict[str, Any]:
    """The figures of `report` as the template snapshot asks for them."""
    first, last = report_bounds(report.kind, report.year)
    period = PERIOD_OF_KIND[ReportKind(report.kind)]
    figures: dict[str, Any] = {
        "period": period,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
    }
    has_plans = apps.is_installed("danvan.plans")
    if has_plans:
        from danvan.plans import reporting
    if snapshot.get("include_plans") and has_plans:
        figures["plans"] = reporting.plan_figures(
            organisation=report.organisation, year=report.year, period=period
        )
    if snapshot.get("include_campaigns") and has_plans:
        figures["campaigns"] = reporting.campaign_figures(
            organisation=report.organisation, year=report.year, period=period
        )
    if snapshot.get("include_domains"):
        figures["domains"] = domain_figures(report.territory, first, last)
    return figures
