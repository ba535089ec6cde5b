"""Pages of campaigns (phong trào, đợt thi đua): list, form, the campaign page and its parts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from danvan.accounts.forms import add_domain_error
from danvan.core import charts, current_territory, links, scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.forms import as_id
from danvan.core.pagination import paginate
from danvan.core.templatetags.vn import format_percent
from danvan.organisations.models import Organisation
from danvan.plans import selectors
from danvan.plans import selectors_campaigns as campaign_selectors
from danvan.plans.forms_campaigns import (
    AwardForm,
    CampaignForm,
    IndicatorForm,
    LinkForm,
    PeriodForm,
    StepForm,
    document_options,
    ids_from,
    organisation_options,
    participant_options,
    unit_options,
)
from danvan.plans.models import (
    Campaign,
    CampaignAward,
    CampaignLink,
    CampaignStatus,
    Indicator,
    Period,
    ReportStatus,
)
from danvan.plans.selectors_campaigns import CampaignFilters
from danvan.plans.services import campaigns as services
from danvan.plans.services.campaigns import CAMPAIGN_LIFECYCLE
from danvan.territories.models import Territory

VIEW, CHANGE, APPROVE = "plans.view", "plans.change", "plans.approve"
LIST_FILTERS = ("q", "status", "year", "organisation", "territory")


def _require_anywhere(request: HttpRequest, action: str) -> None:
    if not scope.can_anywhere(request.user, action):
        raise PermissionDenied


def campaign_get(user, pk) -> Campaign:
    return campaign_selectors.campaign_get_for_user(user, pk)


def _year(value) -> int | None:
    year = as_id(value)
    return year if year is not None and 2000 <= year <= 2100 else None


# --- list ---------------------------------------------------------------------------------------


def list_territory(request: HttpRequest):
    value = as_id(request.GET.get("territory"))
    if value is not None:
        return (
            scope.filter(request.user, VIEW, Territory.objects.filter(pk=value), via=None)
            .select_related("parent")
            .first()
        )
    return current_territory.get(request)


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, VIEW)
    get = request.GET
    territory = list_territory(request)
    organisation_id = as_id(get.get("organisation"))
    filters = CampaignFilters(
        query=get.get("q", ""),
        territory=territory,
        status=get.get("status", ""),
        year=_year(get.get("year")),
        organisation_id=organisation_id,
    )
    page = paginate(request, campaign_selectors.campaign_list_for_user(request.user, filters))
    organisation = None
    if organisation_id is not None:
        organisation = scope.filter(
            request.user, VIEW, Organisation.objects.filter(pk=organisation_id)
        ).first()
    this_year = timezone.localdate().year
    context = {
        "page": page,
        "filters": {key: get.get(key, "") for key in LIST_FILTERS},
        "territory": territory,
        "organisation": organisation,
        "statuses": CampaignStatus.choices,
        "years": list(range(this_year + 1, this_year - 8, -1)),
        "can_create": scope.can_anywhere(request.user, CHANGE),
    }
    if request.htmx and request.htmx.target == "campaign-table":
        return render(request, "plans/campaigns/partials/campaign_table.html", context)
    return render(request, "plans/campaigns/campaign_list.html", context)


# --- create and edit ----------------------------------------------------------------------------


def _form_context(request: HttpRequest, form: CampaignForm, campaign: Campaign | None) -> dict:
    owner = form.owner
    return {
        "form": form,
        "campaign": campaign,
        "owner": owner,
        "organisations": organisation_options(request.user, chosen_id=getattr(owner, "pk", None)),
        "units": list(unit_options(owner)),
        "units_chosen": set(form.chosen("territories")),
        **participant_options(owner, chosen_ids=form.chosen("participants")),
        **document_options(request.user, chosen_ids=form.chosen("documents")),
    }


def _edit(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user, instance=campaign)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if campaign is None:
                    saved = services.campaign_create(data=form.to_data(), actor=request.user)
                else:
                    saved = services.campaign_update(
                        campaign=campaign,
                        data=form.to_data(),
                        actor=request.user,
                        expected_version=form.cleaned_data.get("version"),
                    )
            except ConflictError as exc:
                add_domain_error(form, exc)
                status = 409
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The campaign was saved."))
                return redirect("campaigns:campaign-detail", saved.pk)
    return render(
        request,
        "plans/campaigns/campaign_form.html",
        _form_context(request, form, campaign),
        status=status,
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, CHANGE)
    return _edit(request, None)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    scope.require(request.user, CHANGE, campaign.territory)
    if campaign.status == CampaignStatus.CANCELLED:
        messages.error(request, _("A cancelled campaign cannot be edited."))
        return redirect("campaigns:campaign-detail", campaign.pk)
    return _edit(request, campaign)


@login_required
@require_GET
def organisation_picker(request: HttpRequest) -> HttpResponse:
    """htmx: owning organisations matching the search box."""
    _require_anywhere(request, CHANGE)
    chosen = as_id(request.GET.get("organisation"))
    context = {
        "organisations": organisation_options(
            request.user, request.GET.get("org_q", ""), chosen_id=chosen
        ),
        "chosen_id": chosen,
    }
    return render(request, "plans/campaigns/partials/organisation_options.html", context)


@login_required
@require_GET
def member_picker(request: HttpRequest) -> HttpResponse:
    """htmx: units and participating organisations for the owner picked on the form."""
    _require_anywhere(request, CHANGE)
    owner = (
        campaign_selectors.owner_organisations(request.user)
        .filter(pk=as_id(request.GET.get("organisation")) or 0)
        .first()
    )
    context = {
        "owner": owner,
        "units": list(unit_options(owner)),
        "units_chosen": set(ids_from(request.GET, "territories")),
        **participant_options(
            owner,
            request.GET.get("participant_q", ""),
            chosen_ids=ids_from(request.GET, "participants"),
        ),
    }
    return render(request, "plans/campaigns/partials/member_options.html", context)


@login_required
@require_GET
def document_picker(request: HttpRequest) -> HttpResponse:
    """htmx: guidance documents matching a number or words of the title."""
    _require_anywhere(request, CHANGE)
    context = document_options(
        request.user,
        request.GET.get("document_q", ""),
        chosen_ids=ids_from(request.GET, "documents"),
    )
    return render(request, "plans/campaigns/partials/document_options.html", context)


# --- the campaign page --------------------------------------------------------------------------


def progress_charts(campaign: Campaign, rows, series, chosen_indicator: Indicator | None) -> dict:
    """The bar chart of the latest figures against targets and one indicator over the periods."""
    result: dict = {"progress_chart": None, "series_chart": None}
    measured = [row for row in rows if row.percent is not None]
    if measured:
        result["progress_chart"] = charts.bar_chart(
            categories=[row.indicator.name for row in measured],
            # xgettext:no-python-format
            series=[charts.Series(_("% of target"), [row.percent for row in measured])],
            title=_("Progress against targets (%)"),
            horizontal=True,
            value_format=format_percent,
            category_label=_("Indicator"),
            axis_at_least=100,
        )
    chosen = next((s for s in series if s.indicator == chosen_indicator), None)
    if chosen is not None and any(value is not None for value in chosen.values):
        lines = [charts.Series(_("Actual"), chosen.values)]
        if chosen.indicator.target_value is not None:
            lines.append(
                charts.Series(_("Target"), [chosen.indicator.target_value] * len(chosen.labels))
            )
        result["series_chart"] = charts.line_chart(
            x_labels=chosen.labels,
            series=lines,
            title=_("%(name)s over the periods (%(unit)s)")
            % {"name": chosen.indicator.name, "unit": chosen.indicator.unit},
            category_label=_("Period"),
        )
    return result


def _detail_context(request: HttpRequest, campaign: Campaign, **parts) -> dict:
    user = request.user
    indicators = campaign_selectors.campaign_indicators(campaign)
    reports = campaign_selectors.campaign_reports(campaign)
    latest = campaign_selectors.latest_report(reports)
    rows = selectors.indicator_progress(latest) if latest else []
    series = campaign_selectors.indicator_series(campaign, reports)
    chosen_id = as_id(request.GET.get("indicator"))
    chosen_indicator = next((i for i in indicators if i.pk == chosen_id), None) or next(
        iter(indicators), None
    )
    can_change = scope.can(user, CHANGE, campaign.territory)
    can_approve = scope.can(user, APPROVE, campaign.territory)
    is_open = campaign.status != CampaignStatus.CANCELLED
    today = timezone.localdate()
    return {
        "campaign": campaign,
        "indicators": indicators,
        "reports": sorted(reports, key=campaign_selectors.period_sort_key, reverse=True),
        "latest": latest,
        "progress_rows": rows,
        "chosen_indicator": chosen_indicator,
        **progress_charts(campaign, rows, series, chosen_indicator),
        "linked": campaign_selectors.campaign_links(user, campaign),
        "link_types": links.registered_types(),
        "awards": campaign_selectors.campaign_awards(campaign),
        "steps": {t.name: t for t in CAMPAIGN_LIFECYCLE.available_for(campaign, user)},
        "step_form": parts.get("step_form") or StepForm(initial={"version": campaign.version}),
        "open_step": parts.get("open_step", ""),
        "indicator_form": parts.get("indicator_form") or IndicatorForm(),
        "link_error": parts.get("link_error", ""),
        "award_form": parts.get("award_form") or AwardForm(campaign=campaign),
        "can_change": can_change and is_open,
        "can_edit_indicators": can_change and campaign.status in {"planned", "running"},
        "can_award": can_approve and campaign.status == CampaignStatus.ENDED,
        "can_report": can_change and campaign.status in services.PROGRESS_STATES,
        "period_form": PeriodForm(
            initial={
                "year": min(max(today.year, campaign.starts_on.year), campaign.ends_on.year),
                "period": Period.H1 if today.month <= 6 else Period.YEAR,
            }
        ),
    }


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    context = _detail_context(request, campaign)
    if request.htmx and request.htmx.target == "indicator-series":
        return render(request, "plans/campaigns/partials/indicator_series.html", context)
    return render(request, "plans/campaigns/campaign_detail.html", context)


def _detail_again(request, campaign: Campaign, status: int, **parts) -> HttpResponse:
    campaign = campaign_get(request.user, campaign.pk)
    context = _detail_context(request, campaign, **parts)
    return render(request, "plans/campaigns/campaign_detail.html", context, status=status)


@login_required
@require_POST
def campaign_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    if name not in {"start", "end", "cancel"}:
        raise Http404
    scope.require(request.user, CAMPAIGN_LIFECYCLE.get(name).action, campaign.territory)
    form = StepForm(request.POST)
    status = 400
    if form.is_valid():
        values = form.cleaned_data
        try:
            services.campaign_transition(
                campaign=campaign,
                name=name,
                actor=request.user,
                reason=values.get("reason") or "",
                results=values.get("results") or "",
                expected_version=values.get("version"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status_code
        else:
            done = {
                "start": _("The campaign is running."),
                "end": _(
                    "The campaign has ended. Recognise its outstanding collectives and individuals below."
                ),
                "cancel": _("The campaign was cancelled."),
            }
            messages.success(request, done[name])
            return redirect("campaigns:campaign-detail", campaign.pk)
    return _detail_again(request, campaign, status, step_form=form, open_step=name)


# --- indicators ---------------------------------------------------------------------------------


def _indicator_get(campaign: Campaign, indicator_id: int) -> Indicator:
    indicator = campaign.indicators.filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    indicator.campaign = campaign
    return indicator


@login_required
@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    scope.require(request.user, CHANGE, campaign.territory)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_add(campaign=campaign, data=form.to_data(), actor=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The indicator was added."))
            return redirect(reverse("campaigns:campaign-detail", args=[pk]) + "#indicators")
    return _detail_again(request, campaign, 400, indicator_form=form)


@login_required
def indicator_edit(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    indicator = _indicator_get(campaign, indicator_id)
    scope.require(request.user, CHANGE, campaign.territory)
    initial = {
        "name": indicator.name,
        "unit": indicator.unit,
        "target_value": indicator.target_value,
        "measurement": indicator.measurement,
        "source": indicator.source,
    }
    form = IndicatorForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.indicator_update(
                    indicator=indicator, data=form.to_data(), actor=request.user
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The indicator was saved."))
                return redirect(reverse("campaigns:campaign-detail", args=[pk]) + "#indicators")
    context = {"campaign": campaign, "indicator": indicator, "form": form}
    return render(request, "plans/campaigns/indicator_form.html", context, status=status)


@login_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    indicator = _indicator_get(campaign, indicator_id)
    try:
        services.indicator_remove(indicator=indicator, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The indicator was removed."))
    return redirect(reverse("campaigns:campaign-detail", args=[pk]) + "#indicators")


# --- linked records -------------------------------------------------------------------------


@login_required
@require_GET
def link_search(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: records of the chosen type within the campaign's unit that the user may see."""
    campaign = campaign_get(request.user, pk)
    scope.require(request.user, CHANGE, campaign.territory)
    type_key = request.GET.get("target_type", "")
    query = request.GET.get("link_q", "")[:200]
    found = links.search(request.user, type_key, query, within=campaign.territory)
    linked = set(campaign.links.filter(target_type=type_key).values_list("target_id", flat=True))
    context = {
        "campaign": campaign,
        "found": [row for row in found if row.target_id not in linked],
        "query": query,
    }
    return render(request, "plans/campaigns/partials/link_candidates.html", context)


@login_required
@require_POST
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    scope.require(request.user, CHANGE, campaign.territory)
    form = LinkForm(request.POST)
    problem = _("Choose a record from the list.")
    if form.is_valid():
        try:
            services.link_add(
                campaign=campaign,
                target_type=form.cleaned_data["target_type"],
                target_id=form.cleaned_data["target_id"],
                note=form.cleaned_data.get("note") or "",
                actor=request.user,
            )
        except DomainError as exc:
            problem = exc.message
        else:
            messages.success(request, _("The record was linked."))
            return redirect(reverse("campaigns:campaign-detail", args=[pk]) + "#links")
    return _detail_again(request, campaign, 400, link_error=problem)


@login_required
@require_POST
def link_delete(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    link = CampaignLink.objects.filter(campaign=campaign, pk=link_id).first()
    if link is None:
        raise Http404
    link.campaign = campaign
    try:
        services.link_remove(link=link, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The link was removed."))
    return redirect(reverse("campaigns:campaign-detail", args=[pk]) + "#links")


# --- awards ---------------------------------------------------------------------------------


@login_required
@require_POST
def award_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    scope.require(request.user, APPROVE, campaign.territory)
    form = AwardForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            services.award_add(campaign=campaign, data=form.to_data(), actor=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The recognition was recorded."))
            return redirect(reverse("campaigns:campaign-detail", args=[pk]) + "#awards")
    return _detail_again(request, campaign, 400, award_form=form)


@login_required
@require_POST
def award_delete(request: HttpRequest, pk: int, award_id: int) -> HttpResponse:
    campaign = campaign_get(request.user, pk)
    award = CampaignAward.objects.filter(campaign=campaign, pk=award_id).first()
    if award is None:
        raise Http404
    award.campaign = campaign
    try:
        services.award_remove(award=award, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The recognition was removed."))
    return redirect(reverse("campaigns:campaign-detail", args=[pk]) + "#awards")


# --- progress figures -----------------------------------------------------------------------


def _report_for(request: HttpRequest, campaign: Campaign, source) -> tuple:
    form = PeriodForm(source)
    if not form.is_valid():
        return form, None
    try:
        report = services.campaign_progress_report(
            campaign=campaign,
            year=form.cleaned_data["year"],
            period=form.cleaned_data["period"],
            actor=request.user,
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return form, None
    return form, report


@login_required
def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Figures of one period: typed values, computed ones with their source, submit."""
    campaign = campaign_get(request.user, pk)
    scope.require(request.user, CHANGE, campaign.territory)
    source = request.POST if request.method == "POST" else request.GET
    period_form, report = _report_for(request, campaign, source)
    status = 200 if report is not None else 400
    error = ""
    if report is not None and request.method == "POST":
        action = request.POST.get("action", "save")
        version = as_id(request.POST.get("version"))
        try:
            if action == "compute":
                services.campaign_progress_compute(
                    report=report, actor=request.user, version=version
                )
                messages.success(request, _("The computed figures were refreshed."))
            elif action == "submit":
                services.campaign_progress_submit(
                    report=report, actor=request.user, version=version
                )
                messages.success(request, _("The report was submitted."))
            else:
                indicators = campaign_selectors.campaign_indicators(campaign)
                values = {
                    i.pk: request.POST.get(f"value_{i.pk}", "")
                    for i in indicators
                    if not i.source and f"value_{i.pk}" in request.POST
                }
                notes = {
                    i.pk: request.POST.get(f"note_{i.pk}", "")
                    for i in indicators
                    if f"note_{i.pk}" in request.POST
                }
                services.campaign_progress_save(
                    report=report,
                    values=values,
                    notes=notes,
                    note=request.POST.get("note"),
                    version=version,
                    actor=request.user,
                )
                messages.success(request, _("The figures were saved."))
        except DomainError as exc:
            error = exc.message
            status = exc.status_code
        except PermissionDenied:
            raise
        else:
            query = f"?year={report.year}&period={report.period}"
            return redirect(reverse("campaigns:campaign-progress", args=[pk]) + query)
        report.refresh_from_db()
    context = {
        "campaign": campaign,
        "period_form": period_form,
        "report": report,
        "rows": selectors.indicator_progress(report) if report else [],
        "error": error,
        "is_draft": report is not None and report.status == ReportStatus.DRAFT,
        "can_submit": report is not None and scope.can(request.user, APPROVE, campaign.territory),
    }
    return render(request, "plans/campaigns/campaign_progress.html", context, status=status)
