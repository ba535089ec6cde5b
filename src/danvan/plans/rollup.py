"""Roll-up: the figures of lower-level plans gathered into the plan of the level above.

The lower plans are those of the same year filed under the plan's unit subtree (communes of a
province, the province's mass organisations), the plan itself excluded. An indicator of a lower
plan matches when both carry the same `code`; otherwise when the name and the unit are the
same once accents, case and spacing are ignored. Arithmetic is exact (Decimal).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from danvan.core import scope
from danvan.core.indicators import subtree_q
from danvan.core.search import normalize
from danvan.plans.models import Aggregation, Indicator, IndicatorValue, Plan

CENT = Decimal("0.01")


def aggregate(values: Iterable[Decimal], aggregation: str) -> Decimal | None:
    """Sum or average (to the cent, halves away from zero) of the known values."""
    known = [v for v in values if v is not None]
    if aggregation == Aggregation.NONE or not known:
        return None
    total = sum(known, Decimal(0))
    if aggregation == Aggregation.AVERAGE:
        return (total / len(known)).quantize(CENT, rounding=ROUND_HALF_UP)
    return total


def match_key(indicator: Indicator) -> tuple:
    return ("name", normalize(indicator.name), normalize(indicator.unit))


def matches(upper: Indicator, lower: Indicator) -> bool:
    if upper.code and lower.code:
        return upper.code == lower.code
    return match_key(upper) == match_key(lower)


@dataclass
class Contribution:
    plan: Plan
    indicator: Indicator
    value: Decimal | None
    report_status: str = ""


@dataclass
class RollupRow:
    indicator: Indicator
    value: Decimal | None
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def reported(self) -> int:
        return sum(1 for c in self.contributions if c.value is not None)


def lower_plans(plan: Plan, user=None):
    """Plans of the same year below `plan` (its unit subtree), as far as `user` may see."""
    rows = Plan.objects.filter(subtree_q(plan.territory), year=plan.year).exclude(pk=plan.pk)
    if user is not None:
        rows = scope.filter(user, "plans.view", rows)
    return rows


def plan_rollup(plan: Plan, period: str, user=None) -> list[RollupRow]:
    """Per indicator of `plan`: the rolled-up value of `period` and who contributed it."""
    upper = list(plan.indicators.all())
    if not upper:
        return []
    lower = list(
        Indicator.objects.filter(plan__in=lower_plans(plan, user))
        .select_related("plan__organisation", "plan__territory")
        .order_by("plan__territory__path", "plan__organisation__name", "plan_id", "sort_order")
    )
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            indicator__in=[i.pk for i in lower],
            report__year=plan.year,
            report__period=period,
        ).select_related("report")
    }
    rows = []
    for indicator in upper:
        contributions = []
        for candidate in lower:
            if matches(indicator, candidate):
                value = values.get(candidate.pk)
                contributions.append(
                    Contribution(
                        plan=candidate.plan,
                        indicator=candidate,
                        value=value.value if value else None,
                        report_status=value.report.status if value else "",
                    )
                )
        rows.append(
            RollupRow(
                indicator=indicator,
                value=aggregate((c.value for c in contributions), indicator.aggregation),
                contributions=contributions,
            )
        )
    return rows
