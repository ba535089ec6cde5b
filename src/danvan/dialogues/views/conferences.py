"""Pages of dialogue conferences, their yearly plans and the petition deadline rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, QuerySet, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from danvan.accounts.forms import add_domain_error
from danvan.core import current_territory, scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.forms import as_id
from danvan.core.pagination import paginate
from danvan.core.search import filter_by_search
from danvan.dialogues import selectors
from danvan.dialogues.forms_conferences import (
    CancelForm,
    ConferenceForm,
    HoldForm,
    PlanForm,
    PublishForm,
    RuleForm,
    agency_options,
    organising_bodies,
)
from danvan.dialogues.models import (
    HIDDEN_STATES,
    OPEN_STATES,
    Conference,
    ConferencePlan,
    ConferenceStatus,
    DeadlineRule,
    OrganiserRole,
)
from danvan.dialogues.services import conferences as services
from danvan.dialogues.services import deadlines
from danvan.dialogues.transitions import CONFERENCE_LIFECYCLE
from danvan.territories.models import Territory

VIEW, CHANGE, CONFIGURE = "dialogues.view", "dialogues.change", "dialogues.configure"
LIST_FILTERS = ("q", "status", "year", "organiser", "when", "territory")
PETITIONS_PER_PAGE = 50


def _require_anywhere(request: HttpRequest, action: str) -> None:
    if not scope.can_anywhere(request.user, action):
        raise PermissionDenied


def conference_get(user, pk: int) -> Conference:
    """A conference the user may see (else 404), with what its page shows preloaded."""
    return scope.get_visible_or_404(
        user,
        VIEW,
        Conference.objects.select_related("territory__parent", "organisation", "created_by"),
        pk=pk,
    )


def year_param(value, default: int | None = None) -> int | None:
    year = as_id(value)
    return year if year is not None and 2000 <= year <= 2100 else default


# --- list ---------------------------------------------------------------------------------------


def list_territory(request: HttpRequest):
    """The unit whose subtree the list shows: ?territory=, else the header's current unit."""
    value = as_id(request.GET.get("territory"))
    if value is not None:
        return (
            scope.filter(request.user, VIEW, Territory.objects.filter(pk=value), via=None)
            .select_related("parent")
            .first()
        )
    return current_territory.get(request)


def filtered_conferences(request: HttpRequest, territory) -> QuerySet[Conference]:
    get = request.GET
    rows = selectors.conferences_visible(request.user).select_related("territory", "organisation")
    if territory is not None:
        rows = rows.filter(territory__scope_path__under=territory.path)
    if get.get("status") in ConferenceStatus.values:
        rows = rows.filter(status=get["status"])
    if (year := year_param(get.get("year"))) is not None:
        rows = rows.filter(starts_at__year=year)
    if get.get("organiser") in OrganiserRole.values:
        rows = rows.filter(organiser_role=get["organiser"])
    rows = filter_by_search(rows, get.get("q", "")[:200], field="search_text")
    now = timezone.now()
    when = get.get("when", "")
    if when == "upcoming":
        return rows.filter(starts_at__gte=now).order_by("starts_at", "pk")
    if when == "past":
        return rows.filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    return rows.order_by("-starts_at", "-pk")


@login_required
@require_GET
def conference_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, VIEW)
    territory = list_territory(request)
    page = paginate(request, filtered_conferences(request, territory))
    this_year = timezone.localdate().year
    context = {
        "page": page,
        "now": timezone.now(),
        "filters": {key: request.GET.get(key, "") for key in LIST_FILTERS},
        "territory": territory,
        "statuses": ConferenceStatus.choices,
        "organiser_roles": OrganiserRole.choices,
        "years": list(range(this_year + 1, this_year - 6, -1)),
        "can_create": scope.can_anywhere(request.user, CHANGE),
        "can_configure": scope.can_anywhere(request.user, CONFIGURE),
    }
    if request.htmx and request.htmx.target == "conference-table":
        return render(request, "dialogues/partials/conference_table.html", context)
    return render(request, "dialogues/conference_list.html", context)


# --- create and edit ----------------------------------------------------------------------------


def _edit(request: HttpRequest, conference: Conference | None) -> HttpResponse:
    form = ConferenceForm(request.POST or None, user=request.user, instance=conference)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.to_data()
            try:
                if conference is None:
                    saved = services.conference_create(data=data, actor=request.user)
                else:
                    saved = services.conference_update(
                        conference=conference,
                        data=data,
                        actor=request.user,
                        expected_version=form.cleaned_data.get("version"),
                        participants=form.cleaned_data.get("participants"),
                        minutes=form.cleaned_data.get("minutes")
                        if "minutes" in form.fields
                        else None,
                    )
            except ConflictError as exc:
                add_domain_error(form, exc)
                status = 409
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The conference was saved."))
                return redirect("dialogues:conference_detail", saved.pk)
    context = {
        "form": form,
        "conference": conference,
        "chosen_territory": form.unit,
        **agency_options(request.user, form.unit, chosen_ids=form.chosen_invited_ids()),
    }
    return render(request, "dialogues/conference_form.html", context, status=status)


@login_required
def conference_create(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, CHANGE)
    return _edit(request, None)


@login_required
def conference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conference = conference_get(request.user, pk)
    scope.require(request.user, CHANGE, conference.territory)
    if conference.status == ConferenceStatus.CANCELLED:
        messages.error(request, _("A cancelled conference cannot be edited."))
        return redirect("dialogues:conference_detail", conference.pk)
    return _edit(request, conference)


@login_required
@require_GET
def conference_agency_options(request: HttpRequest) -> HttpResponse:
    """htmx: the invited-agency checkboxes for the unit picked on the conference form."""
    _require_anywhere(request, CHANGE)
    unit_id = as_id(request.GET.get("territory"))
    unit = None
    if unit_id is not None:
        unit = scope.filter(
            request.user, CHANGE, Territory.objects.filter(pk=unit_id), via=None
        ).first()
    chosen = [pk for pk in map(as_id, request.GET.getlist("invited")) if pk is not None]
    context = agency_options(
        request.user, unit, query=request.GET.get("agency_q", "")[:200], chosen_ids=chosen
    )
    # The organising body's choices depend on the unit too: sent along, swapped out of band.
    context["bodies"] = (
        organising_bodies(request.user, unit) if request.GET.get("unit_changed") else None
    )
    return render(request, "dialogues/partials/conference_agencies.html", context)


# --- the conference page ------------------------------------------------------------------------


def petition_rows(request: HttpRequest, conference: Conference):
    petitions = (
        selectors.petitions_visible(request.user)
        .filter(conference=conference)
        .exclude(status__in=HIDDEN_STATES)
        .select_related("agency", "territory")
        # What still needs work first, the most pressing deadline on top; then the answered.
        .annotate(is_done=Case(When(status__in=OPEN_STATES, then=0), default=1))
        .order_by("is_done", "deadline", "pk")
    )
    page = paginate(request, petitions, per_page=PETITIONS_PER_PAGE)
    today = timezone.localdate()
    rows = [
        {
            "petition": p,
            "overdue": deadlines.is_overdue(p, today),
            "days_late": deadlines.days_late(p, today),
        }
        for p in page
    ]
    return page, rows


def _detail_context(request: HttpRequest, conference: Conference, **forms) -> dict:
    from danvan.core.attachments import attachments_context

    user = request.user
    steps = {t.name: t for t in CONFERENCE_LIFECYCLE.available_for(conference, user)}
    page, rows = petition_rows(request, conference)
    now = timezone.now()
    return {
        "conference": conference,
        "invited": list(conference.invited.select_related("territory").order_by("name")),
        "can_change": scope.can(user, CHANGE, conference.territory)
        and conference.status != ConferenceStatus.CANCELLED,
        "steps": steps,
        "is_future": conference.starts_at > now,
        "hold_form": forms.get("hold_form")
        or HoldForm(initial={"version": conference.version, "minutes": conference.minutes}),
        "publish_form": forms.get("publish_form")
        or PublishForm(initial={"version": conference.version, "minutes": conference.minutes}),
        "cancel_form": forms.get("cancel_form")
        or CancelForm(initial={"version": conference.version}),
        "step_error": forms.get("step_error", ""),
        "follow_up": selectors.conference_follow_up(conference),
        "page": page,
        "petition_rows": rows,
        **attachments_context(request, conference),
    }


@login_required
@require_GET
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conference = conference_get(request.user, pk)
    return render(request, "dialogues/conference_detail.html", _detail_context(request, conference))


STEP_FORMS = {"hold": HoldForm, "publish_minutes": PublishForm, "cancel": CancelForm}


@login_required
@require_POST
def conference_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    conference = conference_get(request.user, pk)
    if name not in STEP_FORMS:
        raise Http404
    scope.require(request.user, CONFERENCE_LIFECYCLE.get(name).action, conference.territory)
    form = STEP_FORMS[name](request.POST)
    status = 400
    if form.is_valid():
        values = form.cleaned_data
        try:
            if name == "hold":
                services.conference_hold(
                    conference=conference,
                    participants=values["participants"],
                    minutes=values.get("minutes") or "",
                    actor=request.user,
                    expected_version=values.get("version"),
                )
            elif name == "publish_minutes":
                services.conference_publish_minutes(
                    conference=conference,
                    minutes=values.get("minutes") or "",
                    actor=request.user,
                    expected_version=values.get("version"),
                )
            else:
                services.conference_cancel(
                    conference=conference,
                    reason=values["reason"],
                    actor=request.user,
                    expected_version=values.get("version"),
                )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status_code
        else:
            done = {
                "hold": _("The conference is recorded as held."),
                "publish_minutes": _("The minutes are published."),
                "cancel": _("The conference was cancelled."),
            }
            messages.success(request, done[name])
            return redirect("dialogues:conference_detail", conference.pk)
    context = _detail_context(request, conference, **{f"{_form_key(name)}": form})
    context["open_step"] = name
    return render(request, "dialogues/conference_detail.html", context, status=status)


def _form_key(name: str) -> str:
    return {"hold": "hold_form", "publish_minutes": "publish_form", "cancel": "cancel_form"}[name]


# --- yearly plans -------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, VIEW)
    this_year = timezone.localdate().year
    year = year_param(request.GET.get("year"), this_year)
    can_plan = scope.can_anywhere(request.user, CHANGE)
    status = 200
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied
        form = PlanForm(request.POST, user=request.user)
        status = 400
        if form.is_valid():
            try:
                plan = services.plan_save(
                    territory=form.cleaned_data["territory"],
                    year=form.cleaned_data["year"],
                    planned_count=form.cleaned_data["planned_count"],
                    note=form.cleaned_data.get("note") or "",
                    actor=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The plan of %(unit)s for %(year)s is saved.")
                    % {"unit": plan.territory.name, "year": plan.year},
                )
                return redirect(f"{request.path}?year={plan.year}")
        year = year_param(request.POST.get("year"), year)
    else:
        initial = {"year": year}
        unit_id = as_id(request.GET.get("territory"))
        if unit_id is not None:
            plan = (
                scope.filter(request.user, CHANGE, ConferencePlan.objects.all())
                .filter(territory_id=unit_id, year=year)
                .first()
            )
            initial["territory"] = unit_id
            if plan is not None:
                initial.update(planned_count=plan.planned_count, note=plan.note)
        form = PlanForm(initial=initial, user=request.user)
    rows = selectors.plan_progress(request.user, year)
    context = {
        "year": year,
        "years": list(range(this_year + 1, this_year - 6, -1)),
        "rows": [
            {
                "progress": row,
                "percent": round(100 * row.held / row.plan.planned_count, 1)
                if row.plan.planned_count
                else None,
                "missing": max(row.required_by_now - row.held, 0),
                "can_change": scope.can(request.user, CHANGE, row.plan.territory),
            }
            for row in rows
        ],
        "behind_count": sum(1 for row in rows if row.behind),
        "form": form,
        "can_plan": can_plan,
        "chosen_territory": form.chosen_territory() if can_plan else None,
    }
    return render(request, "dialogues/plan_list.html", context, status=status)


# --- deadline rules -----------------------------------------------------------------------------


def rules_visible(user) -> QuerySet[DeadlineRule]:
    """National rules, the rules of units in the user's view scope, and those of the units above
    them (which apply there too)."""
    paths = scope.scope_paths(user, VIEW)
    rules = DeadlineRule.objects.select_related("territory")
    if paths is None:
        return rules
    if not paths:
        return rules.none()
    above = {prefix for p in paths for prefix in deadlines._prefixes(p)}
    condition = Q(territory__isnull=True) | Q(territory__path__in=above)
    for p in paths:
        condition |= Q(territory__scope_path__under=p)
    return rules.filter(condition)


def rule_get(user, pk: int) -> DeadlineRule:
    rule = rules_visible(user).filter(pk=pk).first() if as_id(pk) is not None else None
    if rule is None:
        raise Http404
    return rule


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, VIEW)
    rules = rules_visible(request.user).order_by("territory__path", "category", "channel", "pk")
    rows = [
        {"rule": rule, "can_change": scope.can(request.user, CONFIGURE, rule.territory)}
        for rule in rules[:500]
    ]
    context = {
        "rows": rows,
        "can_configure": scope.can_anywhere(request.user, CONFIGURE),
        "default_days": deadlines.DEFAULT_DAYS,
        "default_due_soon_days": deadlines.DEFAULT_DUE_SOON_DAYS,
        "default_escalate_after_days": deadlines.DEFAULT_ESCALATE_AFTER_DAYS,
    }
    return render(request, "dialogues/rule_list.html", context)


def _rule_edit(request: HttpRequest, rule: DeadlineRule | None) -> HttpResponse:
    form = RuleForm(request.POST or None, user=request.user, instance=rule)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = form.cleaned_data
            try:
                services.rule_save(
                    actor=request.user,
                    territory=values["territory"],
                    category=values.get("category") or "",
                    channel=values.get("channel") or "",
                    days=values["days"],
                    due_soon_days=values["due_soon_days"],
                    escalate_after_days=values["escalate_after_days"],
                    note=values.get("note") or "",
                    rule=rule,
                    expected_version=values.get("version"),
                )
            except ConflictError as exc:
                add_domain_error(form, exc)
                status = 409
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The deadline rule was saved."))
                return redirect("dialogues:rule_list")
    return render(request, "dialogues/rule_form.html", {"form": form, "rule": rule}, status=status)


@login_required
def rule_create(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, CONFIGURE)
    return _rule_edit(request, None)


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_get(request.user, pk)
    scope.require(request.user, CONFIGURE, rule.territory)
    return _rule_edit(request, rule)


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = rule_get(request.user, pk)
    services.rule_delete(rule=rule, actor=request.user)
    messages.success(request, _("The deadline rule was deleted."))
    return redirect("dialogues:rule_list")


urlpatterns = [
    path("conferences/", conference_list, name="conference_list"),
    path("conferences/new/", conference_create, name="conference_create"),
    path("conferences/agencies/", conference_agency_options, name="conference_agency_options"),
    path("conferences/plans/", plan_list, name="plan_list"),
    path("conferences/<int:pk>/", conference_detail, name="conference_detail"),
    path("conferences/<int:pk>/edit/", conference_edit, name="conference_edit"),
    path("conferences/<int:pk>/<slug:name>/", conference_step, name="conference_step"),
    path("rules/", rule_list, name="rule_list"),
    path("rules/new/", rule_create, name="rule_create"),
    path("rules/<int:pk>/edit/", rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", rule_delete, name="rule_delete"),
]
