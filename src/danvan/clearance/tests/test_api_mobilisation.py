"""The land-clearance API for task forces, peak campaigns and land donations.

(The `api` fixture signs one test client in: call `api(user)` again before each request.)
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import Action, AuditEvent
from danvan.clearance.models import CaseStatus, Donation, PeakCampaign, TaskForce
from danvan.clearance.tests.factories import (
    CampaignFactory,
    DonationFactory,
    HouseholdFactory,
    ProjectFactory,
    TaskForceFactory,
)
from danvan.core.roles import Role
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/clearance"
JSON = "application/json"


@pytest.fixture
def people(place):
    province, commune_a, commune_b = place
    return {
        "officer": user_with_role(Role.OFFICER, commune_a),
        "viewer": user_with_role(Role.VIEWER, commune_a),
        "outsider": user_with_role(Role.OFFICER, commune_b),
        "province_leader": user_with_role(Role.LEADER, province),
        "province": province,
        "a": commune_a,
        "b": commune_b,
    }


def error_field(response) -> str | None:
    details = response.json()["details"]
    if isinstance(details, list):
        return details[0]["field"]
    return details["field"]


# --- task forces ---------------------------------------------------------------------------------


def test_task_force_is_formed_with_one_leader(api, people):
    organisation = OrganisationFactory(territory=people["a"])
    team = {
        "name": "Tổ công tác GPMB phường An Mỹ",
        "territory_id": people["a"].pk,
        "organisation_id": organisation.pk,
        "members": [
            {"full_name": "Phó Bí thư Thường trực", "position": "Tổ trưởng", "is_leader": True},
            {"user_id": people["viewer"].pk, "position": "Cán bộ địa chính"},
            {"full_name": "Trưởng khối phố 5"},
        ],
    }

    created = api(people["officer"]).post(f"{API}/task-forces", team, content_type=JSON)
    two_leaders = api(people["officer"]).post(
        f"{API}/task-forces",
        {
            **team,
            "members": [
                {"full_name": "A", "is_leader": True},
                {"full_name": "B", "is_leader": True},
            ],
        },
        content_type=JSON,
    )
    outsider_member = api(people["officer"]).post(
        f"{API}/task-forces",
        {**team, "members": [{"user_id": people["outsider"].pk}]},
        content_type=JSON,
    )
    viewer = api(people["viewer"]).post(f"{API}/task-forces", team, content_type=JSON)
    elsewhere = api(people["officer"]).post(
        f"{API}/task-forces", {**team, "territory_id": people["b"].pk}, content_type=JSON
    )

    assert created.status_code == 201, created.json()
    members = created.json()["members"]
    assert members[0]["full_name"] == "Phó Bí thư Thường trực"
    assert members[0]["is_leader"]
    assert {m["user_id"] for m in members} == {None, people["viewer"].pk}
    assert created.json()["organisation_id"] == organisation.pk
    assert two_leaders.status_code == 400
    assert (two_leaders.json()["code"], error_field(two_leaders)) == ("leaders", "members")
    assert outsider_member.status_code == 422
    assert error_field(outsider_member) == "members.0.user_id"
    assert viewer.status_code == elsewhere.status_code == 403
    assert TaskForce.objects.count() == 1


def test_task_forces_are_listed_within_scope_and_updated(api, people):
    mine = TaskForceFactory(territory=people["a"], name="Tổ dân vận khối phố 1")
    theirs = TaskForceFactory(territory=people["b"])
    visible = ProjectFactory(territory=people["a"], task_force=mine)
    ProjectFactory(territory=people["b"], task_force=mine)

    listed = api(people["viewer"]).get(f"{API}/task-forces").json()
    detail = api(people["viewer"]).get(f"{API}/task-forces/{mine.pk}").json()
    hidden = api(people["viewer"]).get(f"{API}/task-forces/{theirs.pk}")
    changed = api(people["officer"]).put(
        f"{API}/task-forces/{mine.pk}",
        {"name": "Tổ dân vận khối phố 2", "territory_id": people["a"].pk},
        content_type=JSON,
    )
    foreign_update = api(people["officer"]).put(
        f"{API}/task-forces/{theirs.pk}",
        {"name": "X", "territory_id": people["a"].pk},
        content_type=JSON,
    )

    assert [row["id"] for row in listed["items"]] == [mine.pk]
    assert [p["id"] for p in detail["projects"]] == [visible.pk]
    assert hidden.status_code == foreign_update.status_code == 404
    assert changed.status_code == 200
    assert changed.json()["name"] == "Tổ dân vận khối phố 2"


# --- campaigns -----------------------------------------------------------------------------------


def campaign_body(people, projects, **overrides):
    values = {
        "name": "Đợt cao điểm 90 ngày",
        "territory_id": people["a"].pk,
        "starts_on": "2025-09-01",
        "ends_on": "2025-09-10",
        "target_households": 4,
        "target_area": "1500.5",
        "project_ids": [p.pk for p in projects],
    }
    values.update(overrides)
    return values


def test_campaign_is_opened_listed_and_changed(api, people):
    project = ProjectFactory(territory=people["a"])
    foreign = ProjectFactory(territory=people["b"])

    created = api(people["officer"]).post(
        f"{API}/campaigns", campaign_body(people, [project]), content_type=JSON
    )
    backwards = api(people["officer"]).post(
        f"{API}/campaigns",
        campaign_body(people, [project], ends_on="2025-08-01"),
        content_type=JSON,
    )
    out_of_scope = api(people["officer"]).post(
        f"{API}/campaigns", campaign_body(people, [project, foreign]), content_type=JSON
    )
    viewer = api(people["viewer"]).post(
        f"{API}/campaigns", campaign_body(people, [project]), content_type=JSON
    )
    campaign_id = created.json()["id"]
    changed = api(people["officer"]).put(
        f"{API}/campaigns/{campaign_id}",
        campaign_body(people, [project], target_households=6),
        content_type=JSON,
    )
    listed = api(people["viewer"]).get(f"{API}/campaigns").json()

    assert created.status_code == 201, created.json()
    assert created.json()["target_area"] == "1500.50"
    assert [p["id"] for p in created.json()["projects"]] == [project.pk]
    assert backwards.status_code == 400
    assert error_field(backwards) == "ends_on"
    assert out_of_scope.status_code == 422
    assert error_field(out_of_scope) == "project_ids"
    assert viewer.status_code == 403
    assert changed.status_code == 200
    assert changed.json()["target_households"] == 6
    assert [row["id"] for row in listed["items"]] == [campaign_id]
    assert PeakCampaign.objects.count() == 1


def test_campaign_hides_projects_and_campaigns_outside_scope(api, people):
    mine = ProjectFactory(territory=people["a"])
    theirs = ProjectFactory(territory=people["b"])
    wide = CampaignFactory(territory=people["a"], projects=[mine, theirs])
    foreign = CampaignFactory(territory=people["b"], projects=[theirs])

    detail = api(people["viewer"]).get(f"{API}/campaigns/{wide.pk}").json()
    hidden = api(people["viewer"]).get(f"{API}/campaigns/{foreign.pk}")
    progress = api(people["viewer"]).get(f"{API}/campaigns/{foreign.pk}/progress")

    assert [p["id"] for p in detail["projects"]] == [mine.pk]
    assert hidden.status_code == progress.status_code == 404


def test_campaign_progress_is_a_burn_down_of_handovers(api, people):
    project = ProjectFactory(territory=people["a"])
    campaign = CampaignFactory(
        territory=people["a"],
        projects=[project],
        starts_on=date(2025, 9, 1),
        ends_on=date(2025, 9, 5),
        target_households=4,
    )
    for day in (2, 2, 4):
        HouseholdFactory(
            project=project,
            status=CaseStatus.HANDED_OVER,
            handed_over_on=date(2025, 9, day),
            recovered_area=Decimal("100.5"),
        )

    rows = api(people["viewer"]).get(f"{API}/campaigns/{campaign.pk}/progress").json()

    assert [row["day"] for row in rows] == [f"2025-09-0{d}" for d in range(1, 6)]
    assert [row["remaining_households"] for row in rows] == [4, 2, 2, 1, 1]
    assert [row["ideal_households"] for row in rows] == [4.0, 3.0, 2.0, 1.0, 0.0]
    assert rows[1]["handed_over_today"] == 2
    assert Decimal(rows[1]["area_today"]) == Decimal("201.0")


# --- donations -----------------------------------------------------------------------------------


def donation_body(people, **overrides):
    values = {
        "territory_id": people["a"].pk,
        "donor_name": "Hộ ông Nguyễn Văn Ba",
        "area": "85.5",
        "value": 38_475_000,
        "works_kind": "road",
        "works_name": "Đường bê tông khối phố 7",
        "donated_on": "2025-04-12",
    }
    values.update(overrides)
    return values


def test_donations_are_listed_within_scope_and_filtered(api, people):
    project = ProjectFactory(territory=people["a"])
    road = DonationFactory(territory=people["a"], donor_name="Hộ bà Trần Thị Lan", project=project)
    DonationFactory(territory=people["a"], donated_on=date(2024, 5, 1))
    theirs = DonationFactory(territory=people["b"])

    own = api(people["viewer"]).get(f"{API}/donations").json()
    by_year = api(people["viewer"]).get(f"{API}/donations", {"year": 2025}).json()
    by_name = api(people["viewer"]).get(f"{API}/donations", {"q": "tran thi lan"}).json()
    by_project = api(people["viewer"]).get(f"{API}/donations", {"project_id": project.pk}).json()
    hidden_project = api(people["viewer"]).get(
        f"{API}/donations", {"project_id": ProjectFactory(territory=people["b"]).pk}
    )
    subtree = (
        api(people["province_leader"])
        .get(f"{API}/donations", {"territory_id": people["b"].pk})
        .json()
    )

    assert own["count"] == 2
    assert own["items"][0]["value"] == 51_815_000
    assert own["items"][0]["area"] == "120.50"
    assert [d["id"] for d in by_year["items"]] == [road.pk]
    assert [d["id"] for d in by_name["items"]] == [road.pk]
    assert [d["id"] for d in by_project["items"]] == [road.pk]
    assert hidden_project.status_code == 422
    assert error_field(hidden_project) == "project_id"
    assert [d["id"] for d in subtree["items"]] == [theirs.pk]


def test_donation_is_recorded_changed_and_deleted(api, people):
    project = ProjectFactory(territory=people["a"])
    household = HouseholdFactory(project=project)

    created = api(people["officer"]).post(
        f"{API}/donations",
        donation_body(people, project_id=project.pk, household_id=household.pk),
        content_type=JSON,
    )
    donation_id = created.json()["id"]
    changed = api(people["officer"]).put(
        f"{API}/donations/{donation_id}",
        donation_body(people, area="90", value=40_500_000),
        content_type=JSON,
    )
    detail = api(people["viewer"]).get(f"{API}/donations/{donation_id}").json()
    viewer_delete = api(people["viewer"]).delete(f"{API}/donations/{donation_id}")
    deleted = api(people["officer"]).delete(f"{API}/donations/{donation_id}")

    assert created.status_code == 201, created.json()
    assert (created.json()["project"]["id"], created.json()["household_id"]) == (
        project.pk,
        household.pk,
    )
    assert changed.status_code == 200
    assert (detail["area"], detail["value"], detail["project"]) == ("90.00", 40_500_000, None)
    assert viewer_delete.status_code == 403
    assert deleted.status_code == 204
    assert not Donation.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="clearance.donation", action=Action.DELETE
    ).exists()


def test_donation_bad_input_and_scope(api, people):
    other_project = ProjectFactory(territory=people["a"])
    household = HouseholdFactory(project=ProjectFactory(territory=people["a"]))
    theirs = DonationFactory(territory=people["b"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    future = api(people["officer"]).post(
        f"{API}/donations", donation_body(people, donated_on=tomorrow), content_type=JSON
    )
    no_area = api(people["officer"]).post(
        f"{API}/donations", donation_body(people, area="0"), content_type=JSON
    )
    mismatched = api(people["officer"]).post(
        f"{API}/donations",
        donation_body(people, project_id=other_project.pk, household_id=household.pk),
        content_type=JSON,
    )
    viewer = api(people["viewer"]).post(
        f"{API}/donations", donation_body(people), content_type=JSON
    )
    hidden = api(people["officer"]).get(f"{API}/donations/{theirs.pk}")
    hidden_update = api(people["officer"]).put(
        f"{API}/donations/{theirs.pk}", donation_body(people), content_type=JSON
    )

    assert future.status_code == 400
    assert error_field(future) == "donated_on"
    assert no_area.status_code == 422
    assert error_field(no_area) == "area"
    assert mismatched.status_code == 400
    assert error_field(mismatched) == "household_id"
    assert viewer.status_code == 403
    assert hidden.status_code == hidden_update.status_code == 404
    assert list(Donation.objects.all()) == [theirs]


def test_lists_read_a_fixed_number_of_queries(api, people, django_assert_max_num_queries):
    team = TaskForceFactory(territory=people["a"])
    for _ in range(6):
        project = ProjectFactory(territory=people["a"], task_force=team)
        HouseholdFactory(project=project, officer=people["officer"])
        DonationFactory(territory=people["a"], project=project)
        CampaignFactory(territory=people["a"], projects=[project])
    client = api(people["viewer"])
    client.get(f"{API}/projects")  # the session and grants, read once

    for url in (
        f"{API}/projects",
        f"{API}/projects/{project.pk}/households",
        f"{API}/donations",
        f"{API}/campaigns",
        f"{API}/task-forces",
    ):
        with django_assert_max_num_queries(8):
            assert client.get(url).json()["count"] >= 1
