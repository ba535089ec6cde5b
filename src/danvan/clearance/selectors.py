"""Reads of land-clearance records, always narrowed by the scope policy.

Households, plans, payments and visits are seen through their project: whoever may see a
project sees its households, and nobody else does.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from danvan.clearance.models import (
    CaseStatus,
    Donation,
    Household,
    PeakCampaign,
    Project,
    TaskForce,
    Visit,
)
from danvan.core import personal, scope
from danvan.core.search import filter_by_search

VIEW = "clearance.view"
HOUSEHOLD_SCOPE = "project__territory"

PROJECT_SORTS = {
    "-year": ("-year", "search_name", "id"),
    "year": ("year", "search_name", "id"),
    "name": ("search_name", "id"),
    "-progress": ("-handed_over_count", "id"),
    "-paid": ("-paid_total", "id"),
}


@dataclass(frozen=True)
class ProjectFilters:
    query: str = ""
    territory: object = None  # a Territory: its subtree in today's tree
    status: str = ""
    kind: str = ""
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None


def project_list(
    user, filters: ProjectFilters = ProjectFilters(), *, sort: str = "-year"
) -> QuerySet[Project]:
    qs = scope.filter(user, VIEW, Project.objects.select_related("territory", "task_force"))
    if filters.territory is not None:
        qs = qs.filter(territory__scope_path__under=filters.territory.path)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.year_from:
        qs = qs.filter(year__gte=filters.year_from)
    if filters.year_to:
        qs = qs.filter(year__lte=filters.year_to)
    qs = filter_by_search(qs, filters.query)
    return qs.order_by(*PROJECT_SORTS.get(sort, PROJECT_SORTS["-year"]))


def project_get(user, pk) -> Project:
    return scope.get_visible_or_404(
        user,
        VIEW,
        Project.objects.select_related("territory", "task_force", "created_by").prefetch_related(
            "units", "decisions", "phases"
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class HouseholdFilters:
    query: str = ""
    status: str = ""
    complaints: bool = False
    outstanding: bool = False
    officer_id: int | None = None


def household_list(
    user, project: Project | None = None, filters: HouseholdFilters = HouseholdFilters()
) -> QuerySet[Household]:
    qs = scope.filter(
        user, VIEW, Household.objects.select_related("officer", "project"), via=HOUSEHOLD_SCOPE
    )
    if project is not None:
        qs = qs.filter(project=project)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.complaints:
        qs = qs.filter(open_complaints__gt=0)
    if filters.outstanding:
        qs = qs.filter(paid_total__lt=F("approved_total"))
    if filters.officer_id:
        qs = qs.filter(officer_id=filters.officer_id)
    qs = filter_by_search(qs, filters.query)
    return qs.order_by("code", "id")


def household_get(user, pk) -> Household:
    return scope.get_visible_or_404(
        user,
        VIEW,
        Household.objects.select_related(
            "project__territory", "officer", "commune"
        ).prefetch_related(
            "members",
            "plots",
            "inventory",
            "plans__lines",
            "payments",
            "complaints",
            "donations",
            Prefetch("visits", queryset=Visit.objects.prefetch_related("officers")),
        ),
        via=HOUSEHOLD_SCOPE,
        pk=pk,
    )


# --- Personal data -------------------------------------------------------------------------------


def may_see_personal(user, household: Household) -> bool:
    return personal.may_reveal(user, "clearance.personal", household.project.territory)


def personal_fields(household: Household, *, revealed: bool) -> dict:
    """The household's personal numbers, masked unless `revealed` (the caller logged the view)."""
    if revealed:
        return {
            "head_id_number": household.head_id_number,
            "phone": household.phone,
            "members": [(m, m.id_number, m.phone) for m in household.members.all()],
        }
    return {
        "head_id_number": personal.mask_id_number(household.head_id_number),
        "phone": personal.mask_phone(household.phone),
        "members": [
            (m, personal.mask_id_number(m.id_number), personal.mask_phone(m.phone))
            for m in household.members.all()
        ],
    }


def reveal_personal(user, household: Household, *, reason: str = "") -> dict:
    """Full numbers for a user whose role allows it; the view is written to the audit trail."""
    personal.reveal(
        user,
        "clearance.personal",
        household,
        territory=household.project.territory,
        fields=["head_id_number", "phone", "members"],
        reason=reason,
    )
    return personal_fields(household, revealed=True)


# --- Mobilisation and donations ------------------------------------------------------------------


def task_force_list(user) -> QuerySet[TaskForce]:
    return (
        scope.filter(user, VIEW, TaskForce.objects.select_related("territory", "organisation"))
        .prefetch_related("members")
        .annotate(project_count=Count("projects"))
        .order_by("name", "id")
    )


def task_force_get(user, pk) -> TaskForce:
    return scope.get_visible_or_404(
        user, VIEW, TaskForce.objects.prefetch_related("members__user", "projects"), pk=pk
    )


def campaign_list(user) -> QuerySet[PeakCampaign]:
    return scope.filter(
        user, VIEW, PeakCampaign.objects.select_related("territory").prefetch_related("projects")
    ).order_by("-starts_on", "id")


def campaign_get(user, pk) -> PeakCampaign:
    return scope.get_visible_or_404(
        user, VIEW, PeakCampaign.objects.prefetch_related("projects"), pk=pk
    )


@dataclass(frozen=True)
class BurnDownDay:
    day: date
    remaining_households: int | None  # None for days still to come
    ideal_households: float
    handed_over_today: int
    area_today: object


def campaign_progress(campaign: PeakCampaign, *, today: date | None = None) -> list[BurnDownDay]:
    """One row per day of the campaign: households still to hand over, against the straight
    line from the target to zero. Handover dates of the campaign's projects' households drive it."""
    today = today or timezone.localdate()
    handed = (
        Household.objects.filter(
            project__in=campaign.projects.all(),
            status=CaseStatus.HANDED_OVER,
            handed_over_on__gte=campaign.starts_on,
            handed_over_on__lte=campaign.ends_on,
        )
        .values("handed_over_on")
        .annotate(count=Count("id"), area=Sum("recovered_area"))
    )
    by_day = {row["handed_over_on"]: (row["count"], row["area"]) for row in handed}
    days = (campaign.ends_on - campaign.starts_on).days
    rows: list[BurnDownDay] = []
    remaining = campaign.target_households
    for offset in range(days + 1):
        day = campaign.starts_on + timedelta(days=offset)
        count, area = by_day.get(day, (0, 0))
        remaining -= count
        ideal = campaign.target_households * (1 - offset / days) if days else 0.0
        rows.append(
            BurnDownDay(
                day=day,
                remaining_households=max(remaining, 0) if day <= today else None,
                ideal_households=round(ideal, 1),
                handed_over_today=count if day <= today else 0,
                area_today=area or 0,
            )
        )
    return rows


def donation_list(
    user, *, territory=None, query: str = "", year: int | None = None, project=None
) -> QuerySet[Donation]:
    qs = scope.filter(user, VIEW, Donation.objects.select_related("territory", "project"))
    if territory is not None:
        qs = qs.filter(territory__scope_path__under=territory.path)
    if year:
        qs = qs.filter(donated_on__year=year)
    if project is not None:
        qs = qs.filter(project=project)
    return filter_by_search(qs, query).order_by("-donated_on", "id")


def donation_get(user, pk) -> Donation:
    return scope.get_visible_or_404(
        user, VIEW, Donation.objects.select_related("project", "household"), pk=pk
    )


def household_or_404_in(project: Project, pk) -> Household:
    try:
        return project.households.get(pk=pk)
    except (Household.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
