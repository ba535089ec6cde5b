"""Pages for task forces and peak campaigns (đợt cao điểm) with their burn-down chart."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from danvan.accounts.forms import add_domain_error
from danvan.clearance import selectors
from danvan.clearance.forms_mobilisation import (
    CampaignForm,
    MemberFormSet,
    TaskForceForm,
    member_initial,
    project_options,
)
from danvan.clearance.models import CaseStatus, Household, PeakCampaign, TaskForce, Visit
from danvan.clearance.services import mobilisation
from danvan.core import scope
from danvan.core.charts import Series, line_chart
from danvan.core.errors import DomainError
from danvan.core.forms import as_id
from danvan.core.pagination import paginate
from danvan.core.templatetags.vn import format_number

VIEW, CHANGE = "clearance.view", "clearance.change"
RECENT_VISITS = 15


def _require_anywhere(request: HttpRequest, action: str) -> None:
    if not scope.can_anywhere(request.user, action):
        raise PermissionDenied


# --- Task forces --------------------------------------------------------------------------------


@login_required
@require_GET
def taskforce_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, VIEW)
    page = paginate(request, selectors.task_force_list(request.user))
    return render(
        request,
        "clearance/taskforce_list.html",
        {"page": page, "can_create": scope.can_anywhere(request.user, CHANGE)},
    )


def _recent_visits(user, task_force: TaskForce) -> list[Visit]:
    """The latest contacts with households of the team's projects, or made by its members."""
    accounts = [m.user_id for m in task_force.members.all() if m.user_id]
    visits = scope.filter(
        user, VIEW, Visit.objects.all(), via="household__project__territory"
    ).filter(Q(household__project__task_force=task_force) | Q(officers__in=accounts))
    # The join on officers may repeat a visit, hence the distinct ids first.
    ids = list(
        visits.order_by("-visited_on", "-id")
        .values_list("id", flat=True)
        .distinct()[:RECENT_VISITS]
    )
    rows = (
        Visit.objects.select_related("household__project").prefetch_related("officers").in_bulk(ids)
    )
    return [rows[pk] for pk in ids if pk in rows]


@login_required
@require_GET
def taskforce_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task_force = selectors.task_force_get(request.user, pk)
    members = sorted(task_force.members.all(), key=lambda m: (not m.is_leader, m.full_name, m.pk))
    projects = selectors.project_list(request.user).filter(task_force=task_force)
    context = {
        "task_force": task_force,
        "members": members,
        "projects": projects[:200],
        "project_count": projects.count(),
        "visits": _recent_visits(request.user, task_force),
        "can_change": scope.can(request.user, CHANGE, task_force.territory),
    }
    return render(request, "clearance/taskforce_detail.html", context)


def _taskforce_edit(request: HttpRequest, task_force: TaskForce | None) -> HttpResponse:
    user = request.user
    form = TaskForceForm(request.POST or None, user=user, instance=task_force)
    members = MemberFormSet(
        request.POST or None,
        user=user,
        prefix="members",
        initial=member_initial(task_force) if task_force and not request.POST else None,
    )
    if request.method == "POST":
        form_ok, members_ok = form.is_valid(), members.is_valid()
        if form_ok and members_ok:
            try:
                saved = mobilisation.task_force_save(
                    name=form.cleaned_data["name"],
                    territory=form.cleaned_data["territory"],
                    note=form.cleaned_data.get("note") or "",
                    members=members.members(),
                    organisation=task_force.organisation if task_force else None,
                    task_force=task_force,
                    actor=user,
                )
            except DomainError as exc:
                if exc.field == "members":
                    messages.error(request, exc.message)
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The task force was saved."))
                return redirect("clearance:taskforce-detail", saved.pk)
    context = {
        "form": form,
        "members": members,
        "task_force": task_force,
        "chosen_territory": form.chosen_territory(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "clearance/taskforce_form.html", context, status=status)


@login_required
def taskforce_create(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, CHANGE)
    return _taskforce_edit(request, None)


@login_required
def taskforce_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task_force = selectors.task_force_get(request.user, pk)
    scope.require(request.user, CHANGE, task_force.territory)
    return _taskforce_edit(request, task_force)


# --- Peak campaigns -----------------------------------------------------------------------------


def campaign_phase(campaign: PeakCampaign, today: date) -> str:
    if today < campaign.starts_on:
        return "upcoming"
    return "running" if today <= campaign.ends_on else "ended"


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, VIEW)
    today = timezone.localdate()
    page = paginate(request, selectors.campaign_list(request.user))
    rows = [(campaign, campaign_phase(campaign, today)) for campaign in page]
    return render(
        request,
        "clearance/campaign_list.html",
        {"page": page, "rows": rows, "can_create": scope.can_anywhere(request.user, CHANGE)},
    )


def _percent(done, target) -> float | None:
    return round(float(done) * 100 / float(target), 1) if target else None


def burn_down_chart(rows: list[selectors.BurnDownDay]):
    """Households still to hand over each day, against the straight line to zero."""
    return line_chart(
        x_labels=[row.day.strftime("%d/%m") for row in rows],
        series=[
            Series(_("Households still to hand over"), [r.remaining_households for r in rows]),
            Series(_("Planned pace"), [r.ideal_households for r in rows]),
        ],
        title=_("Burn-down: households still to hand over"),
        value_format=lambda v: format_number(v, 0 if float(v).is_integer() else 1),
        category_label=_("Day"),
    )


def project_breakdown(user, campaign: PeakCampaign) -> list[dict]:
    """Per project the user may see: handovers inside the campaign's period and what is left."""
    projects = list(
        selectors.project_list(user)
        .filter(pk__in=campaign.projects.values("pk"))
        .order_by("code", "id")
    )
    handed = (
        Household.objects.filter(
            project__in=[p.pk for p in projects],
            status=CaseStatus.HANDED_OVER,
            handed_over_on__gte=campaign.starts_on,
            handed_over_on__lte=campaign.ends_on,
        )
        .values("project")
        .annotate(count=Count("id"), area=Sum("recovered_area"))
    )
    by_project = {row["project"]: row for row in handed}
    return [
        {
            "project": project,
            "handed_over": by_project.get(project.pk, {}).get("count", 0),
            "area": by_project.get(project.pk, {}).get("area") or 0,
            "remaining": max(project.households_count - project.handed_over_count, 0),
        }
        for project in projects
    ]


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.user, pk)
    today = timezone.localdate()
    rows = selectors.campaign_progress(campaign, today=today)
    handed_over = sum(r.handed_over_today for r in rows)
    area = sum((r.area_today for r in rows if r.day <= today), 0)
    phase = campaign_phase(campaign, today)
    context = {
        "campaign": campaign,
        "phase": phase,
        "days_total": (campaign.ends_on - campaign.starts_on).days + 1,
        "days_left": (campaign.ends_on - today).days + 1 if phase != "ended" else 0,
        "days_to_start": (campaign.starts_on - today).days,
        "handed_over": handed_over,
        "households_left": max(campaign.target_households - handed_over, 0),
        "households_percent": _percent(handed_over, campaign.target_households),
        "area": area,
        "area_percent": _percent(area, campaign.target_area),
        "chart": burn_down_chart(rows),
        "breakdown": project_breakdown(request.user, campaign),
        "can_change": scope.can(request.user, CHANGE, campaign.territory),
    }
    return render(request, "clearance/campaign_detail.html", context)


def _campaign_edit(request: HttpRequest, campaign: PeakCampaign | None) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            saved = mobilisation.campaign_save(
                data=form.to_data(), actor=request.user, campaign=campaign
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("clearance:campaign-detail", saved.pk)
    context = {
        "form": form,
        "campaign": campaign,
        "chosen_territory": form.chosen_territory(),
        **project_options(request.user, chosen_ids=form.chosen_project_ids()),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "clearance/campaign_form.html", context, status=status)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, CHANGE)
    return _campaign_edit(request, None)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.user, pk)
    scope.require(request.user, CHANGE, campaign.territory)
    return _campaign_edit(request, campaign)


@login_required
@require_GET
def campaign_project_options(request: HttpRequest) -> HttpResponse:
    """htmx: the campaign form's project checkboxes, the ticked ones first, then matches."""
    _require_anywhere(request, CHANGE)
    chosen = [pk for pk in map(as_id, request.GET.getlist("projects")) if pk is not None]
    context = project_options(
        request.user, query=request.GET.get("project_q", ""), chosen_ids=chosen
    )
    return render(request, "clearance/partials/campaign_project_options.html", context)


urlpatterns = [
    path("task-forces/", taskforce_list, name="taskforce-list"),
    path("task-forces/new/", taskforce_create, name="taskforce-create"),
    path("task-forces/<int:pk>/", taskforce_detail, name="taskforce-detail"),
    path("task-forces/<int:pk>/edit/", taskforce_edit, name="taskforce-edit"),
    path("campaigns/", campaign_list, name="campaign-list"),
    path("campaigns/new/", campaign_create, name="campaign-create"),
    path("campaigns/projects/", campaign_project_options, name="campaign-project-options"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", campaign_edit, name="campaign-edit"),
]
