"""Pages of task forces and peak campaigns: scope, forms that refuse bad input, the burn-down."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance.models import CaseStatus, PeakCampaign, TaskForce, VisitOutcome
from danvan.clearance.services import mobilisation
from danvan.clearance.services.mobilisation import MemberData, VisitData
from danvan.clearance.tests.factories import (
    CampaignFactory,
    HouseholdFactory,
    ProjectFactory,
    TaskForceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(place):
    _province, commune_a, commune_b = place
    return {
        "officer": user_with_role("officer", commune_a),
        "viewer": user_with_role("viewer", commune_a),
        "commune": commune_a,
        "elsewhere": commune_b,
    }


def signed_in(client, user):
    client.force_login(user)
    return client


def member_rows(rows: list[dict], extra: int = 1) -> dict:
    """POST data of the member formset: the given rows, then `extra` empty ones."""
    data = {
        "members-TOTAL_FORMS": str(len(rows) + extra),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"members-{index}-{key}"] = value
    return data


# --- Task forces --------------------------------------------------------------------------------


def test_task_force_list_shows_only_teams_in_scope(client, people):
    TaskForceFactory(name="Tổ công tác phường", territory=people["commune"])
    TaskForceFactory(name="Tổ xã bên cạnh", territory=people["elsewhere"])

    response = signed_in(client, people["viewer"]).get(reverse("clearance:taskforce-list"))

    assert response.status_code == 200
    assert "Tổ công tác phường" in response.text
    assert "Tổ xã bên cạnh" not in response.text


def test_task_force_outside_scope_is_not_found(client, people):
    outside = TaskForceFactory(territory=people["elsewhere"])
    client = signed_in(client, people["officer"])

    assert client.get(reverse("clearance:taskforce-detail", args=[outside.pk])).status_code == 404
    assert client.get(reverse("clearance:taskforce-edit", args=[outside.pk])).status_code == 404
    assert client.post(reverse("clearance:taskforce-edit", args=[outside.pk])).status_code == 404


def test_task_force_page_puts_the_leader_first_with_projects_and_visits(client, people):
    officer = people["officer"]
    task_force = mobilisation.task_force_save(
        name="Tổ dân vận GPMB Tam Kỳ",
        territory=people["commune"],
        members=[
            MemberData(full_name="Anh Bảo", position="Trưởng thôn"),
            MemberData(
                full_name="Zương Thị Phó", position="Phó Bí thư Thường trực", is_leader=True
            ),
        ],
        actor=officer,
    )
    project = ProjectFactory(
        territory=people["commune"], task_force=task_force, name="Đường ven sông"
    )
    household = HouseholdFactory(project=project, head_name="Nguyễn Văn Hộ")
    mobilisation.visit_record(
        household=household,
        data=VisitData(
            visited_on=timezone.localdate(),
            discussed="Giải thích đơn giá bồi thường",
            outcome=VisitOutcome.CONSIDERING,
        ),
        actor=officer,
    )
    ProjectFactory(territory=people["elsewhere"], task_force=task_force, name="Dự án ngoài phạm vi")

    response = signed_in(client, people["viewer"]).get(
        reverse("clearance:taskforce-detail", args=[task_force.pk])
    )

    assert response.status_code == 200
    assert [m.full_name for m in response.context["members"]] == ["Zương Thị Phó", "Anh Bảo"]
    page = response.text
    assert page.index("Zương Thị Phó") < page.index("Anh Bảo")
    assert "Đường ven sông" in page
    assert "Dự án ngoài phạm vi" not in page
    assert "Giải thích đơn giá bồi thường" in page
    assert "Nguyễn Văn Hộ" in page


def test_officer_creates_a_task_force_with_members(client, people):
    leader_account = user_with_role("leader", people["commune"], full_name="Lê Thị Bí Thư")
    data = {
        "name": "Tổ vận động đợt 2",
        "territory": str(people["commune"].pk),
        "note": "Phụ trách khối phố 5",
        **member_rows(
            [
                {
                    "username": leader_account.username,
                    "position": "Phó Bí thư Thường trực",
                    "is_leader": "on",
                },
                {"full_name": "Trần Văn Trưởng", "position": "Trưởng khối phố"},
            ]
        ),
    }

    response = signed_in(client, people["officer"]).post(
        reverse("clearance:taskforce-create"), data
    )

    task_force = TaskForce.objects.get(name="Tổ vận động đợt 2")
    assert response.status_code == 302
    assert response.url == reverse("clearance:taskforce-detail", args=[task_force.pk])
    assert task_force.leader.user == leader_account
    assert task_force.leader.full_name == "Lê Thị Bí Thư"
    assert sorted(m.full_name for m in task_force.members.all()) == [
        "Lê Thị Bí Thư",
        "Trần Văn Trưởng",
    ]
    assert AuditEvent.objects.filter(object_type="clearance.taskforce").count() == 1


def test_task_force_edit_replaces_the_members(client, people):
    task_force = mobilisation.task_force_save(
        name="Tổ cũ",
        territory=people["commune"],
        members=[MemberData(full_name="Người cũ", is_leader=True)],
        actor=people["officer"],
    )
    data = {
        "name": "Tổ mới",
        "territory": str(people["commune"].pk),
        **member_rows(
            [
                {"full_name": "Người cũ", "DELETE": "on"},
                {"full_name": "Người mới", "position": "Tổ trưởng", "is_leader": "on"},
            ]
        ),
    }

    response = signed_in(client, people["officer"]).post(
        reverse("clearance:taskforce-edit", args=[task_force.pk]), data
    )

    assert response.status_code == 302
    task_force.refresh_from_db()
    assert task_force.name == "Tổ mới"
    assert [(m.full_name, m.is_leader) for m in task_force.members.all()] == [("Người mới", True)]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"full_name": "A", "is_leader": "on"}, {"full_name": "B", "is_leader": "on"}],
            "A task force has one leader.",
        ),
        ([{"full_name": "A"}, {"full_name": "B"}], "Mark one member as the leader."),
        ([{"username": "nobody-here", "is_leader": "on"}], "No such user in your scope."),
        (
            [{"position": "Trưởng thôn", "is_leader": "on"}],
            "Enter the member&#x27;s name or account.",
        ),
    ],
)
def test_task_force_form_refuses_bad_members_and_writes_nothing(client, people, rows, message):
    data = {"name": "Tổ thử", "territory": str(people["commune"].pk), **member_rows(rows)}

    response = signed_in(client, people["officer"]).post(
        reverse("clearance:taskforce-create"), data
    )

    assert response.status_code == 400
    assert message in response.text
    assert not TaskForce.objects.exists()
    assert not AuditEvent.objects.filter(object_type="clearance.taskforce").exists()


def test_task_force_form_refuses_a_unit_outside_scope(client, people):
    data = {
        "name": "Tổ thử",
        "territory": str(people["elsewhere"].pk),
        **member_rows([{"full_name": "A", "is_leader": "on"}]),
    }

    response = signed_in(client, people["officer"]).post(
        reverse("clearance:taskforce-create"), data
    )

    assert response.status_code == 400
    assert "Pick a current unit within your scope." in response.text
    assert not TaskForce.objects.exists()


def test_account_outside_scope_is_not_named(client, people):
    stranger = user_with_role("officer", people["elsewhere"])
    data = {
        "name": "Tổ thử",
        "territory": str(people["commune"].pk),
        **member_rows([{"username": stranger.username, "is_leader": "on"}]),
    }

    response = signed_in(client, people["officer"]).post(
        reverse("clearance:taskforce-create"), data
    )

    assert response.status_code == 400
    assert "No such user in your scope." in response.text


def test_viewer_may_not_create_or_edit_task_forces(client, people):
    task_force = TaskForceFactory(territory=people["commune"])
    client = signed_in(client, people["viewer"])
    data = {
        "name": "Đổi tên",
        "territory": str(people["commune"].pk),
        **member_rows([{"full_name": "A", "is_leader": "on"}]),
    }

    assert client.get(reverse("clearance:taskforce-create")).status_code == 403
    assert client.post(reverse("clearance:taskforce-create"), data).status_code == 403
    assert (
        client.post(reverse("clearance:taskforce-edit", args=[task_force.pk]), data).status_code
        == 403
    )
    task_force.refresh_from_db()
    assert task_force.name != "Đổi tên"
    assert TaskForce.objects.count() == 1


# --- Peak campaigns -----------------------------------------------------------------------------


def campaign_post(people, chosen, **changes) -> dict:
    data = {
        "name": "Đợt cao điểm 90 ngày",
        "territory": str(people["commune"].pk),
        "starts_on": "01/09/2025",
        "ends_on": "30/11/2025",
        "target_households": "40",
        "target_area": "12.500,5",
        "projects": [str(p.pk) for p in chosen],
        "note": "",
    }
    data.update(changes)
    return data


def test_officer_creates_a_campaign(client, people):
    project = ProjectFactory(territory=people["commune"])

    response = signed_in(client, people["officer"]).post(
        reverse("clearance:campaign-create"), campaign_post(people, [project])
    )

    campaign = PeakCampaign.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("clearance:campaign-detail", args=[campaign.pk])
    assert (campaign.starts_on, campaign.ends_on) == (date(2025, 9, 1), date(2025, 11, 30))
    assert campaign.target_households == 40
    assert campaign.target_area == Decimal("12500.5")
    assert list(campaign.projects.all()) == [project]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "31/08/2025"}, "The end date cannot be before the start date."),
        ({"starts_on": "2025-13-40"}, "Enter a date as dd/mm/yyyy."),
        ({"target_households": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"target_area": "nhiều lắm"}, "is not an area"),
        ({"projects": []}, "Choose at least one project."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_campaign_form_refuses_bad_input_and_writes_nothing(client, people, changes, message):
    project = ProjectFactory(territory=people["commune"])

    response = signed_in(client, people["officer"]).post(
        reverse("clearance:campaign-create"), campaign_post(people, [project], **changes)
    )

    assert response.status_code == 400
    assert message in response.text
    assert not PeakCampaign.objects.exists()


def test_campaign_form_refuses_a_project_outside_scope(client, people):
    outside = ProjectFactory(territory=people["elsewhere"])

    response = signed_in(client, people["officer"]).post(
        reverse("clearance:campaign-create"), campaign_post(people, [outside])
    )

    assert response.status_code == 400
    assert "Choose projects within your scope." in response.text
    assert outside.code not in response.text
    assert not PeakCampaign.objects.exists()


def test_campaign_scope_and_rights(client, people):
    own = CampaignFactory(territory=people["commune"])
    outside = CampaignFactory(territory=people["elsewhere"])
    project = ProjectFactory(territory=people["commune"])
    viewer = signed_in(client, people["viewer"])

    listing = viewer.get(reverse("clearance:campaign-list"))
    assert own.name in listing.text
    assert outside.name not in listing.text
    assert viewer.get(reverse("clearance:campaign-detail", args=[outside.pk])).status_code == 404
    assert viewer.get(reverse("clearance:campaign-detail", args=[own.pk])).status_code == 200
    assert viewer.get(reverse("clearance:campaign-create")).status_code == 403
    data = campaign_post(people, [project], name="Đổi tên")
    assert viewer.post(reverse("clearance:campaign-edit", args=[own.pk]), data).status_code == 403
    assert viewer.post(reverse("clearance:campaign-create"), data).status_code == 403

    officer = signed_in(client, people["officer"])
    assert (
        officer.post(reverse("clearance:campaign-edit", args=[outside.pk]), data).status_code == 404
    )
    own.refresh_from_db()
    assert own.name != "Đổi tên"
    assert PeakCampaign.objects.count() == 2


def test_campaign_edit_keeps_the_chosen_projects_ticked(client, people):
    project = ProjectFactory(territory=people["commune"], code="DA-TICK")
    campaign = CampaignFactory(territory=people["commune"], projects=[project])

    response = signed_in(client, people["officer"]).get(
        reverse("clearance:campaign-edit", args=[campaign.pk])
    )

    assert response.status_code == 200
    assert f'value="{project.pk}" checked' in response.text


def test_project_options_search_within_scope(client, people):
    chosen = ProjectFactory(territory=people["commune"], code="DA-CHON")
    ProjectFactory(territory=people["commune"], code="DA-KHAC", name="Đường Hùng Vương")
    ProjectFactory(territory=people["elsewhere"], code="DA-NGOAI", name="Đường Hùng Vương nối dài")

    response = signed_in(client, people["officer"]).get(
        reverse("clearance:campaign-project-options"),
        {"project_q": "hung vuong", "projects": [str(chosen.pk)]},
    )

    assert response.status_code == 200
    assert f'value="{chosen.pk}" checked' in response.text
    assert "DA-KHAC" in response.text
    assert "DA-NGOAI" not in response.text


def handed_over(project, day: date, area: str, **kwargs):
    return HouseholdFactory(
        project=project,
        status=CaseStatus.HANDED_OVER,
        handed_over_on=day,
        recovered_area=Decimal(area),
        **kwargs,
    )


def test_burn_down_follows_the_handovers_recorded(client, people):
    project = ProjectFactory(territory=people["commune"])
    other_project = ProjectFactory(territory=people["commune"])
    campaign = CampaignFactory(
        territory=people["commune"],
        projects=[project],
        starts_on=date(2025, 9, 1),
        ends_on=date(2025, 9, 10),
        target_households=5,
        target_area=Decimal("1000"),
    )
    handed_over(project, date(2025, 9, 2), "120.5")
    handed_over(project, date(2025, 9, 2), "80")
    handed_over(project, date(2025, 9, 5), "100")
    handed_over(project, date(2025, 8, 31), "999")  # before the campaign
    handed_over(other_project, date(2025, 9, 3), "999")  # not one of its projects
    HouseholdFactory(project=project, status=CaseStatus.PAID, handed_over_on=None)

    response = signed_in(client, people["viewer"]).get(
        reverse("clearance:campaign-detail", args=[campaign.pk])
    )

    assert response.status_code == 200
    context = response.context
    assert context["handed_over"] == 3
    assert context["households_left"] == 2
    assert context["area"] == Decimal("300.5")
    assert context["phase"] == "ended"
    remaining = context["chart"].series[0].values
    assert remaining == [5, 3, 3, 3, 2, 2, 2, 2, 2, 2]
    ideal = context["chart"].series[1].values
    assert ideal[0] == 5
    assert ideal[-1] == 0
    table = context["chart"].table()
    assert [row.label for row in table.rows][:3] == ["01/09", "02/09", "03/09"]
    assert [row.values[0] for row in table.rows][:5] == ["5", "3", "3", "3", "2"]
    breakdown = context["breakdown"]
    assert [(row["project"], row["handed_over"], row["area"]) for row in breakdown] == [
        (project, 3, Decimal("300.5"))
    ]
    assert "<svg" in response.text
    assert "Show data table" in response.text


def test_running_campaign_counts_days_left_and_leaves_the_future_blank(client, people):
    today = timezone.localdate()
    project = ProjectFactory(territory=people["commune"])
    campaign = CampaignFactory(
        territory=people["commune"],
        projects=[project],
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=4),
        target_households=4,
    )
    handed_over(project, today - timedelta(days=1), "50")

    response = signed_in(client, people["viewer"]).get(
        reverse("clearance:campaign-detail", args=[campaign.pk])
    )

    context = response.context
    assert context["phase"] == "running"
    assert context["days_left"] == 5
    assert context["chart"].series[0].values == [4, 3, 3, None, None, None, None]
    assert '<span class="stat-value">5</span>' in response.text
    assert "days left, including today" in response.text


@pytest.mark.parametrize("name", ["clearance:taskforce-list", "clearance:campaign-list"])
def test_list_queries_do_not_grow_with_the_rows(client, people, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_rows(count: int) -> None:
        for _ in range(count):
            project = ProjectFactory(territory=people["commune"])
            mobilisation.task_force_save(
                name=f"Tổ {project.code}",
                territory=people["commune"],
                members=[MemberData(full_name="Tổ trưởng", is_leader=True), MemberData("B")],
                actor=people["officer"],
            )
            CampaignFactory(territory=people["commune"], projects=[project])

    client = signed_in(client, people["viewer"])
    add_rows(1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    add_rows(5)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(name))

    assert len(many) == len(few)
