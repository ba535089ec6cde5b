"""Task forces, visits to households and peak campaigns."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.clearance.models import (
    CaseStatus,
    Household,
    PeakCampaign,
    Project,
    TaskForce,
    TaskForceMember,
    Visit,
    VisitKind,
    VisitOutcome,
)
from danvan.core import scope
from danvan.core.errors import DomainError
from danvan.core.search import nfc
from danvan.territories.models import Territory

# --- Task forces --------------------------------------------------------------------------------


@dataclass
class MemberData:
    full_name: str
    position: str = ""
    user: Any = None
    is_leader: bool = False


@transaction.atomic
def task_force_save(
    *,
    name: str,
    territory: Territory,
    actor,
    members: list[MemberData] | None = None,
    organisation=None,
    note: str = "",
    task_force: TaskForce | None = None,
) -> TaskForce:
    """Create a task force, or change one; `members` (when given) replaces the member list."""
    scope.require(actor, "clearance.change", territory)
    if task_force is not None:
        scope.require(actor, "clearance.change", task_force.territory)
    name = nfc(name or "").strip()
    if not name:
        raise DomainError(_("Enter the task force's name."), code="name", field="name")
    if organisation is not None and not scope.can(
        actor, "organisations.view", organisation.territory
    ):
        raise DomainError(
            _("Choose an organisation within your scope."),
            code="organisation",
            field="organisation",
        )
    if members is not None:
        members = [m for m in members if (m.full_name or "").strip() or m.user is not None]
        if sum(1 for m in members if m.is_leader) > 1:
            raise DomainError(_("A task force has one leader."), code="leaders", field="members")
    before = audit.snapshot(task_force) if task_force else {}
    before_members = _member_names(task_force) if task_force else []
    task_force = task_force or TaskForce()
    task_force.name, task_force.territory = name, territory
    task_force.organisation, task_force.note = organisation, nfc(note).strip()
    task_force.save()
    if members is not None:
        task_force.members.all().delete()
        TaskForceMember.objects.bulk_create(
            TaskForceMember(
                task_force=task_force,
                user=m.user,
                full_name=nfc(m.full_name or "").strip()
                or (getattr(m.user, "full_name", "") or str(m.user)),
                position=nfc(m.position or "").strip(),
                is_leader=m.is_leader,
            )
            for m in members
        )
    changes = audit.diff(before, audit.snapshot(task_force))
    if (after_members := _member_names(task_force)) != before_members:
        changes["members"] = [before_members, after_members]
    if changes:
        audit.record_one(
            audit.Action.UPDATE if before else audit.Action.CREATE,
            task_force,
            actor=actor,
            changes=changes,
        )
    return task_force


def _member_names(task_force: TaskForce) -> list[str]:
    return [
        f"{m.full_name}{' *' if m.is_leader else ''}"
        for m in task_force.members.order_by("full_name", "id")
    ]


# --- Visits ------------------------------------------------------------------------------------


@dataclass
class VisitData:
    visited_on: date
    discussed: str
    outcome: str
    kind: str = VisitKind.VISIT
    officers: list = field(default_factory=list)
    participants: str = ""
    next_step: str = ""
    follow_up_on: date | None = None


@transaction.atomic
def visit_record(*, household: Household, data: VisitData, actor) -> Visit:
    """Log one contact with a household. The first contact starts the persuading."""
    territory = household.project.territory
    scope.require(actor, "clearance.mobilise", territory)
    today = timezone.localdate()
    if data.visited_on is None or data.visited_on > today:
        raise DomainError(
            _("Enter the date of the visit; it cannot be in the future."),
            code="visited_on",
            field="visited_on",
        )
    if data.kind not in VisitKind.values:
        raise DomainError(_("Choose the kind of contact."), code="kind", field="kind")
    if data.outcome not in VisitOutcome.values:
        raise DomainError(_("Choose the outcome."), code="outcome", field="outcome")
    discussed = nfc(data.discussed or "").strip()
    if not discussed:
        raise DomainError(_("Write what was discussed."), code="discussed", field="discussed")
    if data.follow_up_on and data.follow_up_on < data.visited_on:
        raise DomainError(
            _("The follow-up date cannot be before the visit."),
            code="follow_up_on",
            field="follow_up_on",
        )
    visit = Visit.objects.create(
        household=household,
        visited_on=data.visited_on,
        kind=data.kind,
        participants=nfc(data.participants).strip(),
        discussed=discussed,
        outcome=data.outcome,
        next_step=nfc(data.next_step).strip(),
        follow_up_on=data.follow_up_on,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    officers = list(data.officers) or ([actor] if getattr(actor, "pk", None) else [])
    visit.officers.set(officers)
    changes = audit.diff({}, audit.snapshot(visit))
    changes["officers"] = [None, sorted(o.pk for o in officers)]
    audit.record_one(audit.Action.CREATE, visit, actor=actor, changes=changes)
    if household.status == CaseStatus.NOT_CONTACTED:
        from danvan.clearance.services.households import household_transition

        household_transition(household=household, name="start_persuading", actor=actor)
    return visit


# --- Peak campaigns ------------------------------------------------------------------------------


@dataclass
class CampaignData:
    name: str
    territory: Territory
    starts_on: date
    ends_on: date
    target_households: int
    target_area: Decimal = Decimal("0")
    projects: list[Project] = field(default_factory=list)
    note: str = ""


@transaction.atomic
def campaign_save(
    *, data: CampaignData, actor, campaign: PeakCampaign | None = None
) -> PeakCampaign:
    scope.require(actor, "clearance.change", data.territory)
    if campaign is not None:
        scope.require(actor, "clearance.change", campaign.territory)
    name = nfc(data.name or "").strip()
    if not name:
        raise DomainError(_("Enter the campaign's name."), code="name", field="name")
    if data.starts_on is None or data.ends_on is None or data.ends_on < data.starts_on:
        raise DomainError(
            _("Enter a period whose end is not before its start."),
            code="period",
            field="ends_on",
        )
    if data.target_households is None or data.target_households <= 0:
        raise DomainError(
            _("Enter how many households should hand over their land."),
            code="target_households",
            field="target_households",
        )
    if data.target_area is None or data.target_area < 0:
        raise DomainError(_("The area cannot be negative."), code="area", field="target_area")
    if not data.projects:
        raise DomainError(_("Choose at least one project."), code="projects", field="projects")
    for project in data.projects:
        if not scope.can(actor, "clearance.view", project.territory):
            raise DomainError(
                _("Choose projects within your scope."), code="projects", field="projects"
            )
    before = audit.snapshot(campaign) if campaign else {}
    before_projects = sorted(campaign.projects.values_list("pk", flat=True)) if campaign else []
    campaign = campaign or PeakCampaign()
    campaign.name, campaign.territory = name, data.territory
    campaign.starts_on, campaign.ends_on = data.starts_on, data.ends_on
    campaign.target_households, campaign.target_area = data.target_households, data.target_area
    campaign.note = nfc(data.note).strip()
    campaign.save()
    campaign.projects.set(data.projects)
    changes = audit.diff(before, audit.snapshot(campaign))
    if (after := sorted(p.pk for p in data.projects)) != before_projects:
        changes["projects"] = [before_projects, after]
    if changes:
        audit.record_one(
            audit.Action.UPDATE if before else audit.Action.CREATE,
            campaign,
            actor=actor,
            changes=changes,
        )
    return campaign
