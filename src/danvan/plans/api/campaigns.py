"""Campaigns over the API (/api/v1/campaigns).

Reads go through the scope filter (outside the caller's scope a campaign is not found: 404),
writes through the services (inside the scope without the right: 403; a broken rule: 400 with
a message; a stale `version`: 409). Dates are ISO 8601; figures are decimals.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from danvan.audit.api import register_history
from danvan.core import links, scope
from danvan.core.api_utils import error_responses, paginated, unknown_choice
from danvan.core.errors import DomainError
from danvan.organisations.models import Organisation
from danvan.plans import selectors
from danvan.plans import selectors_campaigns as campaign_selectors
from danvan.plans.models import AwardSubject, CampaignStatus, Period
from danvan.plans.selectors_campaigns import CampaignFilters
from danvan.plans.services import campaigns as services
from danvan.plans.services.campaigns import CAMPAIGN_LIFECYCLE
from danvan.territories.models import Era, Territory
from danvan.territories.schemas import TerritoryRefOut

router = Router(tags=["campaigns"])
register_history("plans.campaign", campaign_selectors.campaign_get_for_user)

VIEW, CHANGE, APPROVE = "plans.view", "plans.change", "plans.approve"
WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)
SENT_AS = {
    "organisation": "organisation_id",
    "territories": "territory_ids",
    "participants": "participant_ids",
    "documents": "document_ids",
}
StatusIn = Literal[tuple(CampaignStatus.values)]  # type: ignore[valid-type]
PeriodIn = Literal[tuple(Period.values)]  # type: ignore[valid-type]
SubjectIn = Literal[tuple(AwardSubject.values)]  # type: ignore[valid-type]


# --- schemas ----------------------------------------------------------------------------------


class OrganisationRefOut(Schema):
    id: int
    name: str
    territory_id: int


class DocumentRefOut(Schema):
    id: int
    number_symbol: str
    title: str
    issued_on: date


class CampaignFiltersIn(Schema):
    q: str = Field("", max_length=200, description="Words of the title, theme or owner.")
    territory_id: int | None = Field(None, description="A unit and the units below it.")
    status: StatusIn | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="Running at some time that year.")
    organisation_id: int | None = Field(None, description="Owned by or joined by.")


class CampaignListOut(Schema):
    id: int
    title: str
    theme: str
    organisation: OrganisationRefOut
    territory: TerritoryRefOut
    starts_on: date
    ends_on: date
    status: str
    version: int


class StepOut(Schema):
    name: str = Field(description="start, end or cancel: POST /campaigns/{id}/steps/{name}.")
    label: str
    requires_reason: bool


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    target_value: Decimal | None
    measurement: str
    source: str


class AwardOut(Schema):
    id: int
    subject: str
    name: str
    award: str
    organisation_id: int | None
    territory_id: int | None
    reason: str
    awarded_on: date | None


class LinkOut(Schema):
    id: int
    target_type: str
    target_id: str
    note: str
    is_visible: bool = Field(description="False: outside your scope (or removed); no title.")
    title: str
    url: str
    status: str


class CampaignOut(CampaignListOut):
    description: str
    results: str
    cancel_reason: str
    territories: list[TerritoryRefOut]
    participants: list[OrganisationRefOut]
    documents: list[DocumentRefOut]
    indicators: list[IndicatorOut]
    awards: list[AwardOut]
    links: list[LinkOut]
    steps: list[StepOut]


class CampaignIn(Schema):
    organisation_id: int
    title: str = Field(..., max_length=300)
    theme: str = Field("", max_length=300)
    description: str = Field("", max_length=20_000)
    results: str = Field("", max_length=20_000)
    starts_on: date
    ends_on: date
    territory_ids: list[int] = Field(default_factory=list, max_length=services.MAX_MEMBERS)
    participant_ids: list[int] = Field(default_factory=list, max_length=services.MAX_MEMBERS)
    document_ids: list[int] = Field(default_factory=list, max_length=services.MAX_MEMBERS)


class CampaignUpdateIn(CampaignIn):
    version: int | None = Field(None, description="The version read; 409 if someone saved since.")


class StepIn(Schema):
    reason: str = Field("", max_length=2000, description="Required to cancel.")
    results: str = Field("", max_length=20_000, description="Optional when ending.")
    version: int | None = None


class IndicatorIn(Schema):
    name: str = Field(..., max_length=300)
    unit: str = Field(..., max_length=40)
    target_value: Decimal | None = Field(None, ge=0)
    measurement: str = Field("", max_length=2000)
    source: str = Field("", max_length=60, description="A key of GET /campaigns/sources.")
    code: str = Field("", max_length=60)


class SourceOut(Schema):
    key: str
    label: str
    unit: str


class LinkIn(Schema):
    target_type: str = Field(..., max_length=60)
    target_id: str = Field(..., max_length=40)
    note: str = Field("", max_length=300)


class CandidateOut(Schema):
    target_type: str
    target_id: str
    title: str
    status: str
    detail: str


class AwardIn(Schema):
    subject: SubjectIn
    name: str = Field(..., max_length=255)
    award: str = Field(..., max_length=120)
    organisation_id: int | None = None
    reason: str = Field("", max_length=5000)
    awarded_on: date | None = None


class ProgressRowOut(Schema):
    indicator_id: int
    name: str
    unit: str
    target: Decimal | None
    actual: Decimal | None
    percent: Decimal | None
    is_computed: bool
    source_label: str
    drill_url: str
    note: str


class ProgressOut(Schema):
    id: int
    year: int
    period: str
    status: str
    note: str
    version: int
    rows: list[ProgressRowOut]


class ProgressIn(Schema):
    values: dict[int, Decimal | None] = Field(
        default_factory=dict, description="Indicator id -> figure (typed indicators only)."
    )
    notes: dict[int, str] = Field(default_factory=dict)
    note: str | None = Field(None, max_length=20_000, description="The overall assessment.")
    version: int | None = None


class ProgressActionIn(Schema):
    version: int | None = None


# --- helpers ----------------------------------------------------------------------------------


def _renamed(exc: DomainError) -> DomainError:
    if exc.field:
        exc.field = SENT_AS.get(exc.field, exc.field)
    return exc


def _campaign(request, campaign_id: int):
    return campaign_selectors.campaign_get_for_user(request.user, campaign_id)


def _detail(request, campaign_id: int) -> dict:
    campaign = _campaign(request, campaign_id)
    linked = campaign_selectors.campaign_links(request.user, campaign)
    return {
        **{
            name: getattr(campaign, name)
            for name in CampaignOut.model_fields
            if hasattr(campaign, name)
        },
        "territories": campaign.units_taking_part,
        "participants": campaign.participating,
        "documents": campaign.implemented_documents,
        "indicators": campaign_selectors.campaign_indicators(campaign),
        "awards": campaign_selectors.campaign_awards(campaign),
        "links": [
            {
                "id": link.pk,
                "target_type": link.target_type,
                "target_id": link.target_id,
                "note": link.note,
                "is_visible": row.is_visible,
                "title": row.title,
                "url": row.url,
                "status": row.status,
            }
            for link, row in linked
        ],
        "steps": [
            {"name": t.name, "label": str(t.label), "requires_reason": t.requires_reason}
            for t in CAMPAIGN_LIFECYCLE.available_for(campaign, request.user)
        ],
    }


def _data(request, payload: CampaignIn) -> services.CampaignData:
    owner = (
        campaign_selectors.owner_organisations(request.user)
        .filter(pk=payload.organisation_id)
        .first()
    )
    if owner is None:
        # An organisation that exists in the caller's view but not their change scope is a
        # permission matter; anything else is simply unknown.
        visible = scope.filter(
            request.user, VIEW, Organisation.objects.filter(pk=payload.organisation_id)
        )
        if visible.exists():
            raise PermissionDenied(CHANGE)
        raise unknown_choice("organisation_id")
    units = Territory.objects.filter(
        era=Era.CURRENT, scope_path__startswith=owner.territory.path
    ).in_bulk(payload.territory_ids)
    if len(units) != len(set(payload.territory_ids)):
        raise unknown_choice("territory_ids")
    participants = campaign_selectors.organisations_in_province(owner.territory).in_bulk(
        payload.participant_ids
    )
    if len(participants) != len(set(payload.participant_ids)):
        raise unknown_choice("participant_ids")
    documents = campaign_selectors.documents_visible(request.user).in_bulk(payload.document_ids)
    if len(documents) != len(set(payload.document_ids)):
        raise unknown_choice("document_ids")
    return services.CampaignData(
        organisation=owner,
        title=payload.title,
        theme=payload.theme,
        description=payload.description,
        results=payload.results,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        territories=list(units.values()),
        participants=list(participants.values()),
        documents=list(documents.values()),
    )


# --- campaigns --------------------------------------------------------------------------------


@router.get("", response={200: list[CampaignListOut], **error_responses(403, 422)})
@paginated
def campaign_list(request, filters: Query[CampaignFiltersIn]):
    """Campaigns within the caller's scope, filtered; the latest start first."""
    if not scope.can_anywhere(request.user, VIEW):
        raise PermissionDenied(VIEW)
    territory = None
    if filters.territory_id is not None:
        territory = scope.filter(
            request.user, VIEW, Territory.objects.filter(pk=filters.territory_id), via=None
        ).first()
        if territory is None:
            raise unknown_choice("territory_id", source="query")
    return campaign_selectors.campaign_list_for_user(
        request.user,
        CampaignFilters(
            query=filters.q,
            territory=territory,
            status=filters.status or "",
            year=filters.year,
            organisation_id=filters.organisation_id,
        ),
    )


@router.post("", response={201: CampaignOut, **WRITE_ERRORS})
def campaign_create(request, payload: CampaignIn):
    """Register a planned campaign of an organisation within the caller's scope."""
    if not scope.can_anywhere(request.user, CHANGE):
        raise PermissionDenied(CHANGE)
    try:
        campaign = services.campaign_create(data=_data(request, payload), actor=request.user)
    except DomainError as exc:
        raise _renamed(exc) from None
    return Status(201, _detail(request, campaign.pk))


@router.get("/sources", response={200: list[SourceOut]})
def source_list(request):
    """Sources an indicator may be computed from."""
    from danvan.core import indicators

    return [
        {"key": s.key, "label": str(s.label), "unit": str(s.unit)}
        for s in indicators.registered_sources()
    ]


@router.get("/{int:campaign_id}", response={200: CampaignOut, **error_responses(404)})
def campaign_detail(request, campaign_id: int):
    """A campaign with its units, participants, documents, indicators, links, awards and steps."""
    return _detail(request, campaign_id)


@router.put("/{int:campaign_id}", response={200: CampaignOut, **WRITE_ERRORS})
def campaign_update(request, campaign_id: int, payload: CampaignUpdateIn):
    """Replace every field of a campaign that is not cancelled."""
    campaign = _campaign(request, campaign_id)
    scope.require(request.user, CHANGE, campaign.territory)
    try:
        services.campaign_update(
            campaign=campaign,
            data=_data(request, payload),
            actor=request.user,
            expected_version=payload.version,
        )
    except DomainError as exc:
        raise _renamed(exc) from None
    return _detail(request, campaign_id)


@router.post("/{int:campaign_id}/steps/{name}", response={200: CampaignOut, **WRITE_ERRORS})
def campaign_step(
    request, campaign_id: int, name: Literal["start", "end", "cancel"], payload: StepIn
):
    """Launch (planned → running), end (running → ended) or cancel with a reason."""
    campaign = _campaign(request, campaign_id)
    services.campaign_transition(
        campaign=campaign,
        name=name,
        actor=request.user,
        reason=payload.reason,
        results=payload.results,
        expected_version=payload.version,
    )
    return _detail(request, campaign_id)


# --- indicators -------------------------------------------------------------------------------


def _indicator_data(payload: IndicatorIn) -> services.IndicatorData:
    return services.IndicatorData(**payload.dict())


def _indicator(campaign, indicator_id: int):
    indicator = campaign.indicators.filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    indicator.campaign = campaign
    return indicator


@router.get(
    "/{int:campaign_id}/indicators", response={200: list[IndicatorOut], **error_responses(404)}
)
def indicator_list(request, campaign_id: int):
    return campaign_selectors.campaign_indicators(_campaign(request, campaign_id))


@router.post("/{int:campaign_id}/indicators", response={201: IndicatorOut, **WRITE_ERRORS})
def indicator_create(request, campaign_id: int, payload: IndicatorIn):
    """Add an indicator with its target (not once the campaign has ended)."""
    campaign = _campaign(request, campaign_id)
    indicator = services.indicator_add(
        campaign=campaign, data=_indicator_data(payload), actor=request.user
    )
    return Status(201, indicator)


@router.put(
    "/{int:campaign_id}/indicators/{int:indicator_id}", response={200: IndicatorOut, **WRITE_ERRORS}
)
def indicator_update(request, campaign_id: int, indicator_id: int, payload: IndicatorIn):
    campaign = _campaign(request, campaign_id)
    return services.indicator_update(
        indicator=_indicator(campaign, indicator_id),
        data=_indicator_data(payload),
        actor=request.user,
    )


@router.delete(
    "/{int:campaign_id}/indicators/{int:indicator_id}", response={204: None, **WRITE_ERRORS}
)
def indicator_delete(request, campaign_id: int, indicator_id: int):
    """Remove an indicator that has no figures yet."""
    campaign = _campaign(request, campaign_id)
    services.indicator_remove(indicator=_indicator(campaign, indicator_id), actor=request.user)
    return Status(204, None)


# --- progress -------------------------------------------------------------------------------


def _progress_out(report) -> dict:
    return {
        "id": report.pk,
        "year": report.year,
        "period": report.period,
        "status": report.status,
        "note": report.note,
        "version": report.version,
        "rows": [
            {
                "indicator_id": row.indicator.pk,
                "name": row.indicator.name,
                "unit": row.indicator.unit,
                "target": row.target,
                "actual": row.actual,
                "percent": row.percent,
                "is_computed": row.is_computed,
                "source_label": row.source_label,
                "drill_url": row.drill_url,
                "note": row.note,
            }
            for row in selectors.indicator_progress(report)
        ],
    }


def _report(request, campaign_id: int, year: int, period: str, *, create: bool):
    campaign = _campaign(request, campaign_id)
    if not create:
        report = (
            selectors.progress_report_list_for_user(request.user, owner=campaign)
            .filter(year=year, period=period)
            .first()
        )
        if report is None:
            raise Http404
        return report
    return services.campaign_progress_report(
        campaign=campaign, year=year, period=period, actor=request.user
    )


@router.get(
    "/{int:campaign_id}/progress", response={200: list[ProgressOut], **error_responses(404)}
)
def progress_list(request, campaign_id: int):
    """Every progress report of the campaign with its rows (target, actual, % of target)."""
    campaign = _campaign(request, campaign_id)
    reports = selectors.progress_report_list_for_user(request.user, owner=campaign)
    return [_progress_out(report) for report in reports]


@router.get(
    "/{int:campaign_id}/progress/{int:year}/{period}",
    response={200: ProgressOut, **error_responses(404, 422)},
)
def progress_detail(request, campaign_id: int, year: int, period: PeriodIn):
    return _progress_out(_report(request, campaign_id, year, period, create=False))


@router.put(
    "/{int:campaign_id}/progress/{int:year}/{period}", response={200: ProgressOut, **WRITE_ERRORS}
)
def progress_save(request, campaign_id: int, year: int, period: PeriodIn, payload: ProgressIn):
    """Typed figures of a period (the report is created on first use)."""
    report = _report(request, campaign_id, year, period, create=True)
    report = services.campaign_progress_save(
        report=report,
        values=payload.values,
        notes=payload.notes,
        note=payload.note,
        version=payload.version,
        actor=request.user,
    )
    return _progress_out(report)


@router.post(
    "/{int:campaign_id}/progress/{int:year}/{period}/compute",
    response={200: ProgressOut, **WRITE_ERRORS},
)
def progress_compute(
    request, campaign_id: int, year: int, period: PeriodIn, payload: ProgressActionIn
):
    """Fill the computed indicators from the platform's records."""
    report = _report(request, campaign_id, year, period, create=True)
    return _progress_out(
        services.campaign_progress_compute(
            report=report, actor=request.user, version=payload.version
        )
    )


@router.post(
    "/{int:campaign_id}/progress/{int:year}/{period}/submit",
    response={200: ProgressOut, **WRITE_ERRORS},
)
def progress_submit(
    request, campaign_id: int, year: int, period: PeriodIn, payload: ProgressActionIn
):
    """Submit the period's figures (a leader's step)."""
    report = _report(request, campaign_id, year, period, create=False)
    return _progress_out(
        services.campaign_progress_submit(
            report=report, actor=request.user, version=payload.version
        )
    )


# --- links ----------------------------------------------------------------------------------


@router.get(
    "/{int:campaign_id}/link-candidates",
    response={200: list[CandidateOut], **error_responses(403, 404)},
)
def link_candidates(
    request, campaign_id: int, target_type: str, q: str = Query("", max_length=200)
):
    """Records of `target_type` within the campaign's unit that the caller may see."""
    campaign = _campaign(request, campaign_id)
    scope.require(request.user, CHANGE, campaign.territory)
    return [
        {
            "target_type": row.type_key,
            "target_id": row.target_id,
            "title": row.title,
            "status": row.status,
            "detail": row.detail,
        }
        for row in links.search(request.user, target_type, q, within=campaign.territory)
    ]


@router.post("/{int:campaign_id}/links", response={201: CampaignOut, **WRITE_ERRORS})
def link_create(request, campaign_id: int, payload: LinkIn):
    campaign = _campaign(request, campaign_id)
    services.link_add(
        campaign=campaign,
        target_type=payload.target_type,
        target_id=payload.target_id,
        note=payload.note,
        actor=request.user,
    )
    return Status(201, _detail(request, campaign_id))


@router.delete("/{int:campaign_id}/links/{int:link_id}", response={204: None, **WRITE_ERRORS})
def link_delete(request, campaign_id: int, link_id: int):
    campaign = _campaign(request, campaign_id)
    link = campaign.links.filter(pk=link_id).first()
    if link is None:
        raise Http404
    link.campaign = campaign
    services.link_remove(link=link, actor=request.user)
    return Status(204, None)


# --- awards ---------------------------------------------------------------------------------


@router.get("/{int:campaign_id}/awards", response={200: list[AwardOut], **error_responses(404)})
def award_list(request, campaign_id: int):
    return campaign_selectors.campaign_awards(_campaign(request, campaign_id))


@router.post("/{int:campaign_id}/awards", response={201: AwardOut, **WRITE_ERRORS})
def award_create(request, campaign_id: int, payload: AwardIn):
    """Recognise an outstanding collective or individual of an ended campaign."""
    campaign = _campaign(request, campaign_id)
    organisation = None
    if payload.organisation_id is not None:
        organisation = (
            Organisation.objects.filter(
                pk=payload.organisation_id,
                territory__scope_path__startswith=campaign.territory.path,
            )
            .select_related("territory")
            .first()
        )
        if organisation is None:
            raise unknown_choice("organisation_id")
    award = services.award_add(
        campaign=campaign,
        data=services.AwardData(
            subject=payload.subject,
            name=payload.name,
            award=payload.award,
            organisation=organisation,
            reason=payload.reason,
            awarded_on=payload.awarded_on,
        ),
        actor=request.user,
    )
    return Status(201, award)


@router.delete("/{int:campaign_id}/awards/{int:award_id}", response={204: None, **WRITE_ERRORS})
def award_delete(request, campaign_id: int, award_id: int):
    campaign = _campaign(request, campaign_id)
    award = campaign.awards.filter(pk=award_id).first()
    if award is None:
        raise Http404
    award.campaign = campaign
    services.award_remove(award=award, actor=request.user)
    return Status(204, None)
