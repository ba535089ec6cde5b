"""Reads of campaigns, always narrowed by the scope policy."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from danvan.core import links, scope
from danvan.core.search import filter_by_search
from danvan.organisations.models import Organisation
from danvan.plans.models import (
    PERIOD_MONTHS,
    Campaign,
    CampaignAward,
    CampaignLink,
    CampaignStatus,
    Indicator,
    IndicatorValue,
    Period,
    ProgressReport,
)
from danvan.territories.models import Era

VIEW, CHANGE = "plans.view", "plans.change"
PICKER_LIMIT = 20


@dataclass(frozen=True)
class CampaignFilters:
    query: str = ""
    territory: object = None  # a Territory: its whole subtree
    status: str = ""
    year: int | None = None  # campaigns running at some time of that year
    organisation_id: int | None = None


def campaigns_visible(user) -> QuerySet[Campaign]:
    return scope.filter(user, VIEW, Campaign.objects.all())


def campaign_list_for_user(user, filters: CampaignFilters = CampaignFilters()) -> QuerySet:
    """Campaigns the user may see, filtered, newest first, with what the list shows preloaded."""
    rows = campaigns_visible(user)
    if filters.territory is not None:
        rows = rows.filter(territory__scope_path__under=filters.territory.path)
    if filters.status in CampaignStatus.values:
        rows = rows.filter(status=filters.status)
    if filters.year:
        rows = rows.filter(starts_on__year__lte=filters.year, ends_on__year__gte=filters.year)
    if filters.organisation_id:
        rows = rows.filter(
            Q(organisation_id=filters.organisation_id) | Q(participants__id=filters.organisation_id)
        ).distinct()
    rows = filter_by_search(rows, filters.query[:200], field="search_text")
    return (
        rows.select_related("organisation", "territory__parent")
        .annotate(
            indicator_count=Count("indicators", distinct=True),
            link_count=Count("links", distinct=True),
        )
        .order_by("-starts_on", "-id")
    )


def campaign_get_for_user(user, pk) -> Campaign:
    """A campaign the user may see (else 404), with its members preloaded."""
    return scope.get_visible_or_404(
        user,
        VIEW,
        Campaign.objects.select_related(
            "organisation__kind", "territory__parent", "created_by"
        ).prefetch_related(
            Prefetch("territories", to_attr="units_taking_part"),
            Prefetch(
                "participants",
                queryset=Organisation.objects.select_related("territory"),
                to_attr="participating",
            ),
            Prefetch("documents", to_attr="implemented_documents"),
        ),
        pk=pk,
    )


def campaign_indicators(campaign: Campaign) -> list[Indicator]:
    return list(campaign.indicators.order_by("sort_order", "id"))


def campaign_awards(campaign: Campaign) -> list[CampaignAward]:
    return list(campaign.awards.select_related("organisation", "territory"))


def campaign_links(user, campaign: Campaign) -> list[tuple[CampaignLink, links.LinkedRow]]:
    """The campaign's links with how `user` may see each target (one query per record type)."""
    rows = list(campaign.links.order_by("target_type", "id"))
    resolved = links.resolve(user, [(link.target_type, link.target_id) for link in rows])
    return list(zip(rows, resolved, strict=True))


# --- pickers ------------------------------------------------------------------------------------


def owner_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose campaigns the user may register: active, of today's units in scope."""
    return scope.filter(
        user,
        CHANGE,
        Organisation.objects.filter(is_active=True, territory__era=Era.CURRENT),
    ).select_related("territory")


def organisations_in_province(territory) -> QuerySet[Organisation]:
    from danvan.plans.services.campaigns import province_path

    return Organisation.objects.filter(
        is_active=True, territory__scope_path__under=province_path(territory)
    ).select_related("territory")


def documents_visible(user) -> QuerySet:
    """Guidance documents the user may read, by the documents register's own rule."""
    from danvan.documents.selectors import documents_visible as register_documents_visible

    return register_documents_visible(user).select_related("doc_type")


def document_search(user, query: str, *, limit: int = PICKER_LIMIT) -> list:
    """Documents matching a number and symbol or words of the title (accents optional)."""
    from danvan.core.search import normalize

    text = (query or "").strip()[:200]
    if not text:
        return []
    rows = documents_visible(user)
    by_number = rows.filter(number_symbol__icontains=text)
    by_words = filter_by_search(rows, text, field="search_text")
    if normalize(text):
        matches = rows.filter(Q(pk__in=by_number.values("pk")) | Q(pk__in=by_words.values("pk")))
    else:
        matches = by_number
    return list(matches.order_by("-issued_on", "-id")[:limit])


# --- progress -------------------------------------------------------------------------------


def campaign_reports(campaign: Campaign) -> list[ProgressReport]:
    return list(ProgressReport.objects.filter(campaign=campaign))


def period_sort_key(report: ProgressReport) -> tuple:
    """Reports in time order: by year, then by the last month covered (a year after its H1)."""
    first, last = PERIOD_MONTHS[Period(report.period)]
    return (report.year, last, -first)


def latest_report(reports: list[ProgressReport]) -> ProgressReport | None:
    return max(reports, key=period_sort_key, default=None)


@dataclass(frozen=True)
class IndicatorSeries:
    indicator: Indicator
    labels: list[str]
    values: list[Decimal | None]


def indicator_series(campaign: Campaign, reports: list[ProgressReport]) -> list[IndicatorSeries]:
    """Each indicator's values over the campaign's reports, in time order (one query)."""
    ordered = sorted(reports, key=period_sort_key)
    values = {
        (v.indicator_id, v.report_id): v.value
        for v in IndicatorValue.objects.filter(report__in=ordered).only(
            "indicator_id", "report_id", "value"
        )
    }
    labels = [str(report) for report in ordered]
    return [
        IndicatorSeries(
            indicator=indicator,
            labels=labels,
            values=[values.get((indicator.pk, report.pk)) for report in ordered],
        )
        for indicator in campaign_indicators(campaign)
    ]
