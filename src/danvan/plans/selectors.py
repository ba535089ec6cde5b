"""Reads of annual plans, their indicators and progress, already narrowed to the user's scope."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from danvan.core import indicators, scope
from danvan.plans.models import Indicator, IndicatorValue, ProgressReport

VIEW = "plans.view"
PERCENT_STEP = Decimal("0.1")


def percent_of(actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    """Actual as a percentage of target, to one decimal (None when either is unknown or 0)."""
    if actual is None or not target:
        return None
    return (actual * 100 / target).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)


@dataclass
class IndicatorRow:
    indicator: Indicator
    target: Decimal | None
    actual: Decimal | None
    percent: Decimal | None
    is_computed: bool
    source_label: str
    drill_url: str
    note: str = ""
    computed_at: object = None
    value_source: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def bar_percent(self) -> int:
        """Width of the progress bar, capped at 100."""
        return 0 if self.percent is None else min(int(self.percent), 100)


def indicator_row(
    indicator: Indicator, value: IndicatorValue | None, territory, first, last
) -> IndicatorRow:
    source = indicators.get_source(indicator.source) if indicator.source else None
    actual = value.value if value else None
    drill = ""
    if source is not None and source.drill_url is not None:
        drill = source.drill_url(territory, first, last) or ""
    return IndicatorRow(
        indicator=indicator,
        target=indicator.target_value,
        actual=actual,
        percent=percent_of(actual, indicator.target_value),
        is_computed=bool(indicator.source),
        source_label=str(source.label) if source else indicator.source,
        drill_url=drill,
        note=value.note if value else "",
        computed_at=value.computed_at if value else None,
        value_source=value.source if value else "",
    )


def indicator_progress(report: ProgressReport) -> list[IndicatorRow]:
    """One row per indicator of the report's owner: target, actual, % of target, source."""
    from danvan.plans.services.progress import owner_lookup, owner_of, report_bounds

    owner = owner_of(report)
    first, last = report_bounds(report)
    values = {v.indicator_id: v for v in IndicatorValue.objects.filter(report=report)}
    return [
        indicator_row(indicator, values.get(indicator.pk), owner.territory, first, last)
        for indicator in Indicator.objects.filter(**owner_lookup(owner))
    ]


def progress_report_list_for_user(user, *, owner) -> QuerySet[ProgressReport]:
    """The progress reports of a plan or campaign the user may see."""
    from danvan.plans.services.progress import owner_lookup

    if not scope.can(user, VIEW, owner.territory):
        return ProgressReport.objects.none()
    return ProgressReport.objects.filter(**owner_lookup(owner)).select_related("submitted_by")
