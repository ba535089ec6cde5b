"""Figures of plans and campaigns gathered for a periodic report (read only).

The reports app calls `plan_figures` and `campaign_figures` once per generated report; the rows
reuse the plan selectors' arithmetic (`indicator_row`, `percent_of`) so that a report prints
exactly what the plan page shows. Everything returned is plain JSON (numbers as decimal strings),
because a report stores the figures it printed and never recomputes them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q

from danvan.core import indicators
from danvan.plans.models import (
    PERIOD_MONTHS,
    AwardSubject,
    Campaign,
    CampaignAward,
    CampaignStatus,
    Indicator,
    IndicatorValue,
    Period,
    Plan,
    ProgressReport,
    TaskStatus,
    period_bounds,
)
from danvan.plans.selectors import indicator_row, percent_of

OPEN_TASK_STATES = (TaskStatus.TODO, TaskStatus.IN_PROGRESS)


def decimal_text(value: Decimal | int | None) -> str | None:
    """A number as exact text for JSON ("12.5", "40"), None stays None."""
    if value is None:
        return None
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return str(number.normalize())


def _indicator_rows(
    indicator_list: list[Indicator],
    values: dict[int, IndicatorValue],
    territory,
    first: date,
    last: date,
) -> list[dict[str, Any]]:
    rows = []
    for indicator in indicator_list:
        row = indicator_row(indicator, values.get(indicator.pk), territory, first, last)
        actual = row.actual
        computed_now = False
        # A computed indicator nobody has reported on yet is computed for the report itself.
        if actual is None and indicator.source:
            actual = indicators.compute(indicator.source, territory, first, last)
            computed_now = actual is not None
        rows.append(
            {
                "name": indicator.name,
                "unit": indicator.unit,
                "code": indicator.code,
                "target": decimal_text(row.target),
                "actual": decimal_text(actual),
                "percent": decimal_text(percent_of(actual, row.target)),
                "source": indicator.source,
                "source_label": row.source_label,
                "computed_now": computed_now,
            }
        )
    return rows


def _latest_report(reports: list[ProgressReport], year: int, last: date) -> ProgressReport | None:
    """The report of `year` covering the most of the time up to `last` (H1 beats Q2)."""
    best, best_key = None, None
    for report in reports:
        if report.year != year:
            continue
        first_month, last_month = PERIOD_MONTHS[Period(report.period)]
        if period_bounds(year, report.period)[1] > last:
            continue
        key = (last_month, last_month - first_month)
        if best_key is None or key > best_key:
            best, best_key = report, key
    return best


def _values_prefetch() -> Prefetch:
    return Prefetch("progress_reports", queryset=ProgressReport.objects.prefetch_related("values"))


def plan_figures(*, organisation, year: int, period: str) -> list[dict[str, Any]]:
    """The organisation's plan(s) of `year`: indicators against targets for the period, tasks."""
    first, last = period_bounds(year, period)
    plans = (
        Plan.objects.filter(organisation=organisation, year=year)
        .select_related("territory")
        .prefetch_related("indicators", _values_prefetch())
        .annotate(
            tasks_total=Count("tasks", filter=~Q(tasks__status=TaskStatus.CANCELLED)),
            tasks_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
            tasks_in_progress=Count("tasks", filter=Q(tasks__status=TaskStatus.IN_PROGRESS)),
            tasks_overdue=Count(
                "tasks",
                filter=Q(tasks__status__in=OPEN_TASK_STATES, tasks__deadline__lte=last),
            ),
        )
        .order_by("id")
    )
    result = []
    for plan in plans:
        report = _latest_report(list(plan.progress_reports.all()), year, last)
        values = {v.indicator_id: v for v in report.values.all()} if report else {}
        result.append(
            {
                "id": plan.pk,
                "title": plan.title,
                "status": plan.status,
                "progress_period": report.period if report else "",
                "indicators": _indicator_rows(
                    list(plan.indicators.all()), values, plan.territory, first, last
                ),
                "tasks": {
                    "total": plan.tasks_total,
                    "done": plan.tasks_done,
                    "in_progress": plan.tasks_in_progress,
                    "overdue": plan.tasks_overdue,
                },
                "overdue_tasks": list(
                    plan.tasks.filter(status__in=OPEN_TASK_STATES, deadline__lte=last)
                    .order_by("deadline", "id")
                    .values_list("title", flat=True)[:20]
                ),
            }
        )
    return result


def campaign_figures(*, organisation, year: int, period: str) -> list[dict[str, Any]]:
    """Campaigns of the organisation or of its unit's subtree running during the period."""
    first, last = period_bounds(year, period)
    territory = organisation.territory
    campaigns = (
        Campaign.objects.filter(
            Q(organisation=organisation) | Q(territory__scope_path__under=territory.path),
            starts_on__lte=last,
            ends_on__gte=first,
        )
        .exclude(status=CampaignStatus.CANCELLED)
        .select_related("territory", "organisation")
        .prefetch_related(
            "indicators",
            _values_prefetch(),
            Prefetch(
                "awards",
                queryset=CampaignAward.objects.filter(
                    Q(awarded_on__range=(first, last))
                    | Q(awarded_on__isnull=True, campaign__ends_on__lte=last)
                ).order_by("subject", "name", "id"),
            ),
        )
        .order_by("starts_on", "id")
    )
    result = []
    for campaign in campaigns:
        report = _latest_report(list(campaign.progress_reports.all()), year, last)
        values = {v.indicator_id: v for v in report.values.all()} if report else {}
        awards = list(campaign.awards.all())
        result.append(
            {
                "id": campaign.pk,
                "title": campaign.title,
                "organisation": campaign.organisation.name,
                "unit": campaign.territory.name,
                "starts_on": campaign.starts_on.isoformat(),
                "ends_on": campaign.ends_on.isoformat(),
                "status": campaign.status,
                "progress_period": report.period if report else "",
                "indicators": _indicator_rows(
                    list(campaign.indicators.all()),
                    values,
                    campaign.territory,
                    max(first, campaign.starts_on),
                    min(last, campaign.ends_on),
                ),
                "awards": {
                    "collective": sum(a.subject == AwardSubject.COLLECTIVE for a in awards),
                    "individual": sum(a.subject == AwardSubject.INDIVIDUAL for a in awards),
                    "list": [
                        {"name": a.name, "award": a.award, "subject": a.subject}
                        for a in awards[:30]
                    ],
                },
            }
        )
    return result
