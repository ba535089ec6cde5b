"""Campaigns (phong trào, đợt thi đua): the record, its lifecycle, indicators, links and awards.

Every change is written to the audit trail against the campaign itself (indicators, links and
awards included), so the campaign page's history tells the whole story in one list.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.audit import services as audit
from danvan.core import indicators, links, scope, workflow
from danvan.core.errors import ConflictError, DomainError
from danvan.core.search import nfc, search_key
from danvan.core.workflow import Transition, Workflow
from danvan.plans.models import (
    AwardSubject,
    Campaign,
    CampaignAward,
    CampaignLink,
    CampaignStatus,
    Indicator,
)

VIEW, CHANGE, APPROVE = "plans.view", "plans.change", "plans.approve"
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_TARGET = Decimal("99999999999999")  # fits max_digits=16, decimal_places=2
MAX_MEMBERS = 500  # territories, participants or documents on one campaign
S = CampaignStatus


def _has_indicators(campaign: Campaign) -> str | None:
    if not campaign.indicators.exists():
        return _("Add at least one indicator with its target before starting the campaign.")
    return None


CAMPAIGN_LIFECYCLE = Workflow(
    name="plans.campaign",
    transitions=[
        Transition(
            "start",
            source={S.PLANNED},
            target=S.RUNNING,
            action=APPROVE,
            guards=[_has_indicators],
            label=gettext_lazy("Launch the campaign"),
        ),
        Transition(
            "end",
            source={S.RUNNING},
            target=S.ENDED,
            action=APPROVE,
            label=gettext_lazy("End the campaign"),
        ),
        Transition(
            "cancel",
            source={S.PLANNED, S.RUNNING},
            target=S.CANCELLED,
            action=APPROVE,
            requires_reason=True,
            label=gettext_lazy("Cancel"),
        ),
    ],
)

# Figures are entered while the campaign runs and for its final review once it ended.
PROGRESS_STATES = {S.RUNNING, S.ENDED}


@dataclass
class CampaignData:
    organisation: object
    title: str
    starts_on: date
    ends_on: date
    theme: str = ""
    description: str = ""
    results: str = ""
    territories: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    documents: list = field(default_factory=list)


EDITABLE = ("organisation", "title", "theme", "description", "results", "starts_on", "ends_on")


def province_path(territory) -> str:
    """ "2025/22/20341/" -> "2025/22/": the province a unit lies in (or the province itself)."""
    parts = territory.scope_path.strip("/").split("/")
    return "/".join(parts[:2]) + "/"


def _check(data: CampaignData, actor) -> None:
    organisation = data.organisation
    if organisation is None:
        raise DomainError(
            _("Choose the owning organisation."), code="organisation", field="organisation"
        )
    scope.require(actor, CHANGE, organisation.territory)
    if not organisation.territory.is_current or not organisation.is_active:
        raise DomainError(
            _("Choose an active organisation of today's units."),
            code="organisation",
            field="organisation",
        )
    if not (data.title or "").strip():
        raise DomainError(_("Enter the title."), code="title", field="title")
    for name in ("starts_on", "ends_on"):
        value = getattr(data, name)
        if not isinstance(value, date) or not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise DomainError(_("Enter a date as dd/mm/yyyy."), code=name, field=name)
    if data.ends_on < data.starts_on:
        raise DomainError(
            _("The campaign cannot end before it starts."), code="period", field="ends_on"
        )
    owner_unit = organisation.territory
    for name in ("territories", "participants", "documents"):
        if len(getattr(data, name)) > MAX_MEMBERS:
            raise DomainError(
                _("Choose at most %(max)s.") % {"max": MAX_MEMBERS}, code=name, field=name
            )
    for unit in data.territories:
        if not unit.is_current or not unit.scope_path.startswith(owner_unit.path):
            raise DomainError(
                _("Units taking part must lie within %(unit)s.") % {"unit": owner_unit.name},
                code="territories",
                field="territories",
            )
    in_province = province_path(owner_unit)
    for participant in data.participants:
        if not participant.territory.scope_path.startswith(in_province):
            raise DomainError(
                _("Participating organisations must belong to the same province."),
                code="participants",
                field="participants",
            )
    visible_documents = set(
        documents_visible_ids(actor, [document.pk for document in data.documents])
    )
    if any(document.pk not in visible_documents for document in data.documents):
        raise DomainError(
            _("Choose documents from the register you can see."),
            code="documents",
            field="documents",
        )


def documents_visible_ids(user, ids: list[int]) -> list[int]:
    from danvan.plans.selectors_campaigns import documents_visible

    return list(documents_visible(user).filter(pk__in=ids).values_list("pk", flat=True))


def _apply(campaign: Campaign, data: CampaignData) -> None:
    for name in EDITABLE:
        value = getattr(data, name)
        setattr(campaign, name, nfc(value).strip() if isinstance(value, str) else value)
    campaign.territory = data.organisation.territory
    campaign.search_text = search_key(
        campaign.title, campaign.theme, data.organisation.name, data.organisation.short_name
    )[:800]


def _snapshot(campaign: Campaign) -> dict:
    snap = audit.snapshot(campaign)
    for noise in ("updated_at", "created_at", "search_text"):
        snap.pop(noise, None)
    return snap


def _members(campaign: Campaign) -> dict[str, list[int]]:
    return {
        "territories": sorted(campaign.territories.values_list("pk", flat=True)),
        "participants": sorted(campaign.participants.values_list("pk", flat=True)),
        "documents": sorted(campaign.documents.values_list("pk", flat=True)),
    }


def _set_members(campaign: Campaign, data: CampaignData) -> None:
    campaign.territories.set(data.territories)
    campaign.participants.set(data.participants)
    campaign.documents.set(data.documents)


@transaction.atomic
def campaign_create(*, data: CampaignData, actor) -> Campaign:
    """Register a planned campaign of an organisation within the actor's scope."""
    _check(data, actor)
    campaign = Campaign(created_by=actor if getattr(actor, "pk", None) else None)
    _apply(campaign, data)
    campaign.save()
    _set_members(campaign, data)
    audit.record_one(
        audit.Action.CREATE, campaign, actor=actor, changes=_snapshot(campaign) | _members(campaign)
    )
    return campaign


def _locked(campaign: Campaign, expected_version: int | None) -> Campaign:
    current = Campaign.objects.select_for_update().select_related("territory").get(pk=campaign.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    return current


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, data: CampaignData, actor, expected_version: int | None = None
) -> Campaign:
    """Edit a campaign that is not cancelled; `expected_version` guards against lost edits."""
    scope.require(actor, CHANGE, campaign.territory)
    _check(data, actor)
    current = _locked(campaign, expected_version)
    scope.require(actor, CHANGE, current.territory)
    if current.status == S.CANCELLED:
        raise DomainError(_("A cancelled campaign cannot be edited."), code="cancelled")
    if current.status != S.PLANNED and data.organisation.pk != current.organisation_id:
        raise DomainError(
            _("The owning organisation cannot change once the campaign has started."),
            code="organisation",
            field="organisation",
        )
    before, before_members = _snapshot(current), _members(current)
    _apply(current, data)
    current.version += 1
    current.save()
    _set_members(current, data)
    changes = audit.diff(before, _snapshot(current))
    changes.pop("version", None)
    after_members = _members(current)
    for name, ids in after_members.items():
        if ids != before_members[name]:
            changes[name] = [before_members[name], ids]
    if changes:
        audit.record_one(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


def campaign_start(*, campaign: Campaign, actor, expected_version: int | None = None) -> Campaign:
    return workflow.apply(
        CAMPAIGN_LIFECYCLE, campaign, name="start", actor=actor, expected_version=expected_version
    )


def campaign_end(
    *, campaign: Campaign, actor, results: str = "", expected_version: int | None = None
) -> Campaign:
    """End a running campaign, optionally writing its results in the same step."""
    extra = {"results": nfc(results).strip()} if (results or "").strip() else None
    return workflow.apply(
        CAMPAIGN_LIFECYCLE,
        campaign,
        name="end",
        actor=actor,
        expected_version=expected_version,
        extra=extra,
    )


def campaign_cancel(
    *, campaign: Campaign, reason: str, actor, expected_version: int | None = None
) -> Campaign:
    return workflow.apply(
        CAMPAIGN_LIFECYCLE,
        campaign,
        name="cancel",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        extra={"cancel_reason": nfc(reason or "").strip()},
    )


def campaign_transition(
    *, campaign: Campaign, name: str, actor, reason: str = "", results: str = "",
    expected_version: int | None = None,
) -> Campaign:  # fmt: skip
    """One entry point for the page and the API: `name` is start, end or cancel."""
    if name == "start":
        return campaign_start(campaign=campaign, actor=actor, expected_version=expected_version)
    if name == "end":
        return campaign_end(
            campaign=campaign, actor=actor, results=results, expected_version=expected_version
        )
    if name == "cancel":
        return campaign_cancel(
            campaign=campaign, reason=reason, actor=actor, expected_version=expected_version
        )
    raise DomainError(_("Unknown step."), code="unknown_transition")


def _touch(campaign: Campaign, actor, changes: dict, *, action: str = audit.Action.UPDATE) -> None:
    """Record a change of a campaign's part against the campaign and bump its version, so a
    page opened before the change cannot save over it."""
    Campaign.objects.filter(pk=campaign.pk).update(version=campaign.version + 1)
    campaign.version += 1
    audit.record_one(action, campaign, actor=actor, changes=changes)


def _open_for_change(campaign: Campaign, actor, action: str = CHANGE) -> Campaign:
    scope.require(actor, action, campaign.territory)
    current = _locked(campaign, None)
    if current.status == S.CANCELLED:
        raise DomainError(_("A cancelled campaign cannot be edited."), code="cancelled")
    return current


# --- indicators ---------------------------------------------------------------------------------


@dataclass
class IndicatorData:
    name: str
    unit: str
    target_value: Decimal | None = None
    measurement: str = ""
    source: str = ""
    code: str = ""


def _check_indicator(data: IndicatorData) -> IndicatorData:
    name, unit = nfc(data.name).strip(), nfc(data.unit).strip()
    if not name:
        raise DomainError(_("Enter the indicator."), code="name", field="name")
    if not unit:
        raise DomainError(_("Enter the unit of measure."), code="unit", field="unit")
    target = data.target_value
    if target is not None:
        try:
            target = Decimal(target)
        except (InvalidOperation, TypeError, ValueError):
            target = None
        if target is None or not target.is_finite() or not 0 <= target <= MAX_TARGET:
            raise DomainError(
                _("Enter a target of zero or more."), code="target_value", field="target_value"
            )
        target = target.quantize(Decimal("0.01"))
    if data.source and indicators.get_source(data.source) is None:
        raise DomainError(
            _("Choose a source from the list, or none to type the figures."),
            code="source",
            field="source",
        )
    return IndicatorData(
        name=name[:300],
        unit=unit[:40],
        target_value=target,
        measurement=nfc(data.measurement).strip(),
        source=data.source or "",
        code=(data.code or "").strip()[:60],
    )


def _indicator_snapshot(indicator: Indicator) -> dict:
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "target_value": audit.json_value(indicator.target_value),
        "source": indicator.source,
    }


@transaction.atomic
def indicator_add(*, campaign: Campaign, data: IndicatorData, actor) -> Indicator:
    current = _open_for_change(campaign, actor)
    clean = _check_indicator(data)
    if current.status == S.ENDED:
        raise DomainError(
            _("The campaign has ended: its indicators are final."), code="ended", field="name"
        )
    last = current.indicators.order_by("-sort_order").values_list("sort_order", flat=True).first()
    indicator = Indicator.objects.create(
        campaign=current,
        name=clean.name,
        unit=clean.unit,
        target_value=clean.target_value,
        measurement=clean.measurement,
        source=clean.source,
        code=clean.code,
        sort_order=(last or 0) + 1,
    )
    _touch(current, actor, {"indicator_added": [None, _indicator_snapshot(indicator)]})
    campaign.version = current.version
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, data: IndicatorData, actor) -> Indicator:
    current = _open_for_change(indicator.campaign, actor)
    clean = _check_indicator(data)
    row = Indicator.objects.select_for_update().get(pk=indicator.pk, campaign=current)
    before = _indicator_snapshot(row)
    row.name, row.unit, row.target_value = clean.name, clean.unit, clean.target_value
    row.measurement, row.source, row.code = clean.measurement, clean.source, clean.code
    row.save()
    after = _indicator_snapshot(row)
    if before != after:
        _touch(current, actor, {"indicator_changed": [before, after]})
    return row


@transaction.atomic
def indicator_remove(*, indicator: Indicator, actor) -> None:
    current = _open_for_change(indicator.campaign, actor)
    if indicator.values.exclude(value__isnull=True).exists():
        raise DomainError(
            _("This indicator already has figures in a progress report; it cannot be removed."),
            code="has_values",
        )
    before = _indicator_snapshot(indicator)
    indicator.delete()
    _touch(current, actor, {"indicator_removed": [before, None]})


# --- links to records of other domains ------------------------------------------------------


@transaction.atomic
def link_add(
    *, campaign: Campaign, target_type: str, target_id, actor, note: str = ""
) -> CampaignLink:
    """Link a record the actor may see, filed within the campaign's unit."""
    current = _open_for_change(campaign, actor)
    link_type = links.get_type(target_type)
    target = links.get_visible(actor, target_type, target_id) if link_type else None
    unit = link_type.territory_of(target) if target is not None else None
    # Anything the actor may not see reads the same as a record that does not exist.
    if target is None or unit is None or not unit.scope_path.startswith(current.territory.path):
        raise DomainError(
            _("Choose a record of %(unit)s from the list.") % {"unit": current.territory.name},
            code="target",
            field="target_id",
        )
    try:
        with transaction.atomic():
            link = CampaignLink.objects.create(
                campaign=current,
                target_type=target_type,
                target_id=str(target.pk),
                note=nfc(note).strip()[:300],
            )
    except IntegrityError as exc:
        raise DomainError(_("This record is linked already."), code="duplicate") from exc
    _touch(current, actor, {"link_added": [None, f"{target_type}:{target.pk}"]})
    return link


@transaction.atomic
def link_remove(*, link: CampaignLink, actor) -> None:
    current = _open_for_change(link.campaign, actor)
    key = f"{link.target_type}:{link.target_id}"
    link.delete()
    _touch(current, actor, {"link_removed": [key, None]})


# --- awards at the end ----------------------------------------------------------------------


@dataclass
class AwardData:
    subject: str
    name: str
    award: str
    organisation: object = None
    territory: object = None
    reason: str = ""
    awarded_on: date | None = None


def _award_snapshot(award: CampaignAward) -> dict:
    return {
        "id": award.pk,
        "subject": award.subject,
        "name": award.name,
        "award": award.award,
        "organisation": award.organisation_id,
        "territory": award.territory_id,
        "awarded_on": audit.json_value(award.awarded_on),
    }


@transaction.atomic
def award_add(*, campaign: Campaign, data: AwardData, actor) -> CampaignAward:
    """Recognise an outstanding collective or individual; only once the campaign has ended."""
    current = _open_for_change(campaign, actor, APPROVE)
    if current.status != S.ENDED:
        raise DomainError(
            _("Outstanding collectives and individuals are recognised when the campaign ends."),
            code="not_ended",
        )
    if data.subject not in AwardSubject.values:
        raise DomainError(
            _("Choose a collective or an individual."), code="subject", field="subject"
        )
    name, award_name = nfc(data.name).strip(), nfc(data.award).strip()
    if not name:
        raise DomainError(_("Enter the name."), code="name", field="name")
    if not award_name:
        raise DomainError(
            _("Enter the form of recognition (e.g. Giấy khen)."), code="award", field="award"
        )
    for value, label in ((data.organisation, "organisation"), (data.territory, "territory")):
        unit = getattr(value, "territory", value) if value is not None else None
        if unit is not None and not unit.scope_path.startswith(current.territory.path):
            raise DomainError(
                _("Choose a unit or organisation within %(unit)s.")
                % {"unit": current.territory.name},
                code=label,
                field=label,
            )
    if data.awarded_on is not None and data.awarded_on < current.starts_on:
        raise DomainError(
            _("The award cannot be dated before the campaign started."),
            code="awarded_on",
            field="awarded_on",
        )
    award = CampaignAward.objects.create(
        campaign=current,
        subject=data.subject,
        name=name[:255],
        award=award_name[:120],
        organisation=data.organisation,
        territory=data.territory
        or (data.organisation.territory if data.organisation is not None else None),
        reason=nfc(data.reason).strip(),
        awarded_on=data.awarded_on,
    )
    _touch(current, actor, {"award_added": [None, _award_snapshot(award)]})
    return award


@transaction.atomic
def award_remove(*, award: CampaignAward, actor) -> None:
    current = _open_for_change(award.campaign, actor, APPROVE)
    before = _award_snapshot(award)
    award.delete()
    _touch(current, actor, {"award_removed": [before, None]})


# --- progress, through the shared services of plans -----------------------------------------
# The rules of figures (typed or computed, frozen once submitted) live in `services.progress`;
# a campaign only adds that figures exist while it runs and for its final review.


def _progress_open(campaign: Campaign) -> None:
    if campaign.status not in PROGRESS_STATES:
        raise DomainError(
            _("Figures are entered once the campaign is running."), code="not_running"
        )


def campaign_progress_report(*, campaign: Campaign, year: int, period: str, actor):
    """The campaign's report for a period (created on first use)."""
    from danvan.plans.services import progress

    _progress_open(campaign)
    return progress.progress_report_get_or_create(
        owner=campaign, year=year, period=period, actor=actor
    )


def campaign_progress_save(
    *, report, values: dict, actor, notes: dict | None = None, note: str | None = None,
    version: int | None = None,
):  # fmt: skip
    """Typed figures of a campaign's draft report."""
    from danvan.plans.services import progress

    _progress_open(report.campaign)
    return progress.progress_values_save(
        report=report, values=values, notes=notes, note=note, version=version, actor=actor
    )


def campaign_progress_compute(*, report, actor, version: int | None = None):
    """Figures of the computed indicators, from the platform's records."""
    from danvan.plans.services import progress

    _progress_open(report.campaign)
    return progress.progress_compute(report=report, actor=actor, version=version)


def campaign_progress_submit(*, report, actor, version: int | None = None):
    from danvan.plans.services import progress

    return progress.progress_report_submit(report=report, actor=actor, version=version)
