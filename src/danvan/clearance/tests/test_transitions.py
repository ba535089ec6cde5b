"""The project and household lifecycles, step by step and role by role."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance.models import CaseStatus, ProjectStatus
from danvan.clearance.services import households, money, projects
from danvan.clearance.services.money import PaymentData
from danvan.clearance.tests.factories import HouseholdFactory, ProjectFactory
from danvan.clearance.transitions import CASE_LIFECYCLE, PROJECT_LIFECYCLE, project_steps_for
from danvan.core.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(place):
    _province, commune_a, commune_b = place
    return {
        role: user_with_role(role, commune_a)
        for role in ("officer", "leader", "viewer", "reviewer", "territory_admin")
    } | {"outsider": user_with_role("leader", commune_b), "commune": commune_a}


FORWARD = [
    ("issue_notice", "officer"),
    ("start_inventory", "officer"),
    ("draft_plan", "officer"),
    ("post_plan", "officer"),
    ("approve_plan", "leader"),
    ("start_paying", "officer"),
    ("hand_over", "officer"),
    ("complete", "leader"),
]


def test_a_project_walks_its_whole_line_with_the_right_roles(people):
    project = ProjectFactory(territory=people["commune"])
    household = HouseholdFactory(project=project)
    for name, role in FORWARD:
        if name == "hand_over":
            # Every household must be settled before the project hands over its land.
            with pytest.raises(DomainError) as error:
                projects.project_transition(project=project, name=name, actor=people[role])
            assert error.value.code == "guard_failed"
            households.household_transition(
                household=household, name="record_inventory", actor=people["officer"]
            )
            households.household_transition(
                household=household, name="agree", actor=people["officer"]
            )
            households.household_transition(
                household=household,
                name="hand_over",
                actor=people["officer"],
                handed_over_on=date(2025, 8, 1),
            )
        project = projects.project_transition(project=project, name=name, actor=people[role])
    assert project.status == ProjectStatus.COMPLETED
    assert AuditEvent.objects.filter(
        object_type="clearance.project", object_id=str(project.pk), action="transition"
    ).count() == len(FORWARD)


@pytest.mark.parametrize(
    ("step", "allowed", "refused"),
    [
        (
            "issue_notice",
            {"officer", "territory_admin"},
            {"leader", "viewer", "reviewer", "outsider"},
        ),
        ("suspend", {"leader"}, {"officer", "viewer", "reviewer", "territory_admin", "outsider"}),
    ],
)
def test_project_steps_per_role(people, step, allowed, refused):
    for role in allowed | refused:
        project = ProjectFactory(territory=people["commune"])
        if role in allowed:
            projects.project_transition(
                project=project, name=step, actor=people[role], reason="Lý do"
            )
        else:
            with pytest.raises(PermissionDenied):
                projects.project_transition(
                    project=project, name=step, actor=people[role], reason="Lý do"
                )


def test_a_suspended_project_resumes_where_it_stopped(people):
    project = ProjectFactory(territory=people["commune"], status=ProjectStatus.INVENTORY)
    with pytest.raises(DomainError):
        projects.project_transition(project=project, name="suspend", actor=people["leader"])
    project = projects.project_transition(
        project=project, name="suspend", actor=people["leader"], reason="Chờ điều chỉnh quy hoạch"
    )
    assert (project.status, project.suspended_from) == (ProjectStatus.SUSPENDED, "inventory")
    offered = [t.name for t in project_steps_for(project, people["leader"])]
    assert offered == ["resume_inventory"]
    with pytest.raises(DomainError):
        projects.project_transition(project=project, name="resume_paying", actor=people["leader"])
    project = projects.project_transition(
        project=project, name="resume_inventory", actor=people["leader"]
    )
    assert (project.status, project.suspended_from) == (ProjectStatus.INVENTORY, "")


CASE_STEPS = [
    # (step, from, role allowed, a role refused)
    ("start_persuading", CaseStatus.NOT_CONTACTED, "officer", "viewer"),
    ("record_inventory", CaseStatus.PERSUADING, "officer", "leader"),
    ("agree", CaseStatus.INVENTORY_DONE, "leader", "reviewer"),
    ("disagree", CaseStatus.INVENTORY_DONE, "officer", "viewer"),
    ("force_inventory", CaseStatus.DISAGREED, "leader", "officer"),
    ("enforce", CaseStatus.DISAGREED, "leader", "officer"),
]


@pytest.mark.parametrize(("step", "source", "allowed", "refused"), CASE_STEPS)
def test_household_steps_per_role(people, step, source, allowed, refused):
    household = HouseholdFactory(project=ProjectFactory(territory=people["commune"]), status=source)
    reason = "Chưa đồng ý đơn giá" if CASE_LIFECYCLE.get(step).requires_reason else ""
    with pytest.raises(PermissionDenied):
        households.household_transition(
            household=household, name=step, actor=people[refused], reason=reason
        )
    with pytest.raises(PermissionDenied):
        households.household_transition(
            household=household, name=step, actor=people["outsider"], reason=reason
        )
    result = households.household_transition(
        household=household, name=step, actor=people[allowed], reason=reason
    )
    assert result.status == CASE_LIFECYCLE.get(step).target


def test_steps_from_the_wrong_state_are_refused(people):
    household = HouseholdFactory(project=ProjectFactory(territory=people["commune"]))
    with pytest.raises(DomainError) as error:
        households.household_transition(
            household=household,
            name="hand_over",
            actor=people["officer"],
            handed_over_on=date(2025, 1, 1),
        )
    assert error.value.code == "transition_not_allowed"


def test_handover_needs_full_payment_and_a_date(people):
    household = HouseholdFactory(
        project=ProjectFactory(territory=people["commune"]), status=CaseStatus.INVENTORY_DONE
    )
    plan = money.plan_create(household, lines={"land": 90_000_000}, actor=people["officer"])
    money.plans_approve(
        [plan], decision_number="12/QĐ-UBND", approved_on=date(2025, 5, 1), actor=people["leader"]
    )
    household = households.household_transition(
        household=household, name="agree", actor=people["officer"]
    )
    money.payments_record(
        [PaymentData(household, 30_000_000, date(2025, 5, 5), "PC-1")], actor=people["officer"]
    )
    with pytest.raises(DomainError) as error:
        households.household_transition(
            household=household,
            name="hand_over",
            actor=people["officer"],
            handed_over_on=date(2025, 5, 6),
        )
    assert error.value.code == "guard_failed"
    with pytest.raises(DomainError) as error:
        households.household_transition(
            household=household, name="hand_over", actor=people["officer"]
        )
    assert error.value.field == "handed_over_on"
    money.payments_record(
        [PaymentData(household, 60_000_000, date(2025, 5, 6), "PC-2")], actor=people["officer"]
    )
    household.refresh_from_db()
    assert household.status == CaseStatus.PAID
    household = households.household_transition(
        household=household,
        name="hand_over",
        actor=people["officer"],
        handed_over_on=date(2025, 5, 7),
    )
    assert (household.status, household.handed_over_on) == (
        CaseStatus.HANDED_OVER,
        date(2025, 5, 7),
    )
    household.project.refresh_from_db()
    assert household.project.handed_over_count == 1


def test_stale_household_edit_is_refused(people):
    household = HouseholdFactory(project=ProjectFactory(territory=people["commune"]))
    loaded_by_first = household.version
    data = households.HouseholdData(code=household.code, head_name="Trần Văn Mới")
    households.household_update(
        household=household, data=data, actor=people["officer"], expected_version=loaded_by_first
    )
    second = households.HouseholdData(code=household.code, head_name="Trần Văn Cũ")
    with pytest.raises(ConflictError):
        households.household_update(
            household=household,
            data=second,
            actor=people["officer"],
            expected_version=loaded_by_first,
        )
    household.refresh_from_db()
    assert household.head_name == "Trần Văn Mới"


def test_every_project_state_is_reachable():
    reachable = {ProjectStatus.PREPARING}
    for step in PROJECT_LIFECYCLE.transitions:
        reachable.add(step.target)
    assert reachable == set(ProjectStatus.values)
