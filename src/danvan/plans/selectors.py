"""Reads of annual plans, their indicators and progress, already narrowed to the user's scope."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone

from danvan.core import indicators, scope
from danvan.core.indicators import subtree_q
from danvan.core.search import filter_by_search, filter_by_words
from danvan.plans.models import (
    Indicator,
    IndicatorValue,
    Plan,
    PlanStatus,
    PlanTask,
    ProgressReport,
    TaskStatus,
)

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
    if source is not None and source.drill_url is not None and first is not None:
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


# --- plans ------------------------------------------------------------------------------------


@dataclass
class PlanFilters:
    territory: object = None
    year: int | None = None
    organisation_id: int | None = None
    status: str = ""
    query: str = ""


def plan_list_for_user(user, filters: PlanFilters | None = None) -> QuerySet[Plan]:
    """Plans the user may see, filtered, with what the list shows preloaded."""
    filters = filters or PlanFilters()
    rows = scope.filter(user, VIEW, Plan.objects.all())
    if filters.territory is not None:
        rows = rows.filter(subtree_q(filters.territory))
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.organisation_id:
        rows = rows.filter(organisation_id=filters.organisation_id)
    if filters.status in PlanStatus.values:
        rows = rows.filter(status=filters.status)
    rows = filter_by_search(rows, filters.query[:200], field="search_text")
    return (
        rows.select_related("organisation", "territory__parent")
        .annotate(
            indicator_count=Count("indicators", distinct=True),
            task_count=Count("tasks", distinct=True),
        )
        .order_by("-year", "territory__path", "organisation__name", "id")
    )


def plan_get_for_user(user, pk) -> Plan:
    """One plan the user may see (else 404)."""
    return scope.get_visible_or_404(
        user,
        VIEW,
        Plan.objects.select_related("organisation__kind", "territory__parent", "created_by"),
        pk=pk,
    )


def plan_reports(plan: Plan) -> list[ProgressReport]:
    return list(plan.progress_reports.select_related("submitted_by").order_by("year", "period"))


def latest_report(plan: Plan) -> ProgressReport | None:
    """The report with the widest coverage so far: the year, else H1, else the last quarter."""
    order = {"year": 0, "h1": 1, "q4": 2, "q3": 3, "q2": 4, "q1": 5}
    reports = [r for r in plan.progress_reports.all() if r.year == plan.year]
    return min(reports, key=lambda r: order[r.period]) if reports else None


def tasks_of(plan: Plan, today: date | None = None) -> list[PlanTask]:
    """The plan's tasks, each marked `is_overdue` (open and past its deadline)."""
    today = today or timezone.localdate()
    tasks = list(plan.tasks.select_related("owner"))
    for task in tasks:
        task.is_overdue = bool(
            task.deadline
            and task.deadline < today
            and task.status in (TaskStatus.TODO, TaskStatus.IN_PROGRESS)
        )
    return tasks


def documents_for_picker(user, query: str = "") -> QuerySet:
    """Guidance documents the user may read, found by number or title (accents ignored)."""
    from danvan.documents.selectors import documents_visible

    rows = documents_visible(user)
    query = query.strip()[:200]
    if query:
        # A number and symbol ("25-NQ/TW") is matched as typed; words go to the full-text index.
        rows = rows.filter(number_symbol__iexact=query) | filter_by_words(rows, query)
    return rows.select_related("doc_type").order_by("-issued_on", "-pk")


def plan_documents_for_user(user, plan: Plan) -> list:
    """The documents a plan implements, as far as the reader may read them in the register."""
    from danvan.documents.selectors import documents_visible

    return list(
        documents_visible(user)
        .filter(plans=plan)
        .select_related("doc_type")
        .order_by("issued_on", "pk")
    )


def organisations_for_plans(user, action: str = "plans.change") -> QuerySet:
    """Active organisations the user may file plans for."""
    from danvan.organisations.models import Organisation

    return (
        scope.filter(user, action, Organisation.objects.filter(is_active=True))
        .select_related("territory")
        .order_by("territory__path", "name")
    )
