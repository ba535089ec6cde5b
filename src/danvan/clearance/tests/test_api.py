"""The land-clearance API: projects, decisions, phases and the project's households."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from danvan.accounts.services import token_create
from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance.models import (
    CaseStatus,
    Phase,
    Project,
    ProjectStatus,
    RecoveryDecision,
)
from danvan.clearance.tests.factories import HouseholdFactory, ProjectFactory, TaskForceFactory
from danvan.core.roles import Role

pytestmark = pytest.mark.django_db

URL = "/api/v1/clearance/projects"
JSON = "application/json"


@pytest.fixture
def people(place):
    province, commune_a, commune_b = place
    return {
        "officer": user_with_role(Role.OFFICER, commune_a),
        "leader": user_with_role(Role.LEADER, commune_a),
        "viewer": user_with_role(Role.VIEWER, commune_a),
        "province_leader": user_with_role(Role.LEADER, province),
        "a": commune_a,
        "b": commune_b,
    }


def body(territory, **overrides):
    values = {
        "name": "Đường Điện Biên Phủ nối dài",
        "code": "DA-TK-01",
        "investor": "Ban QLDA thành phố",
        "territory_id": territory.pk,
        "year": 2025,
        "planned_area": "12500.50",
        "planned_households": 42,
        "budget": 45_000_000_000,
        "starts_on": "2025-03-01",
        "handover_deadline": "2025-12-31",
    }
    values.update(overrides)
    return values


def error_field(response) -> str | None:
    details = response.json()["details"]
    if isinstance(details, list):
        return details[0]["field"]
    return details["field"]


# --- list ----------------------------------------------------------------------------------------


def test_list_keeps_to_the_scope_and_filters(api, people):
    a, b = people["a"], people["b"]
    road = ProjectFactory(territory=a, name="Đường Phan Chu Trinh", year=2023)
    park = ProjectFactory(
        territory=a, name="Công viên ven sông", year=2024, status=ProjectStatus.PAYING
    )
    elsewhere = ProjectFactory(territory=b, year=2024)

    own = api(people["officer"]).get(URL).json()
    paying = api(people["officer"]).get(URL, {"status": "paying"}).json()
    year = api(people["officer"]).get(URL, {"year": 2023}).json()
    search = api(people["officer"]).get(URL, {"q": "phan chu trinh"}).json()
    subtree = api(people["province_leader"]).get(URL, {"territory_id": b.pk}).json()

    assert own["count"] == 2
    assert {item["id"] for item in own["items"]} == {road.pk, park.pk}
    assert (own["page"], own["page_size"]) == (1, 25)
    assert [item["id"] for item in paying["items"]] == [park.pk]
    assert [item["id"] for item in year["items"]] == [road.pk]
    assert [item["id"] for item in search["items"]] == [road.pk]
    assert [item["id"] for item in subtree["items"]] == [elsewhere.pk]


def test_list_rows_carry_the_stored_totals_as_exact_numbers(api, people):
    ProjectFactory(territory=people["a"], budget=45_000_000_001, planned_area="120.50")
    Project.objects.update(approved_total=450_000_000_123, paid_total=7, households_count=3)

    row = api(people["viewer"]).get(URL).json()["items"][0]

    assert (row["budget"], row["approved_total"], row["paid_total"]) == (
        45_000_000_001,
        450_000_000_123,
        7,
    )
    assert row["planned_area"] == "120.50"
    assert row["households_count"] == 3


def test_list_refuses_an_unknown_status_or_unit(api, people):
    status = api(people["officer"]).get(URL, {"status": "secret"})
    unit = api(people["officer"]).get(URL, {"territory_id": 999_999})

    assert status.status_code == unit.status_code == 422
    assert error_field(status) == "status"
    assert error_field(unit) == "territory_id"


def test_a_personal_token_reads_the_list(client, people):
    ProjectFactory(territory=people["a"])
    _token, secret = token_create(user=people["officer"], name="script")

    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    assert response.json()["count"] == 1


# --- create, read, update ------------------------------------------------------------------------


def test_officer_registers_a_project(api, people):
    team = TaskForceFactory(territory=people["a"])
    response = api(people["officer"]).post(
        URL, body(people["a"], task_force_id=team.pk), content_type=JSON
    )

    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["status"], created["version"], created["code"]) == ("preparing", 1, "DA-TK-01")
    assert created["budget"] == 45_000_000_000
    assert created["planned_area"] == "12500.50"
    assert created["task_force"] == {"id": team.pk, "name": team.name}
    assert [unit["id"] for unit in created["units"]] == [people["a"].pk]
    assert [step["name"] for step in created["steps"]] == ["issue_notice"]
    event = AuditEvent.objects.get(
        object_type="clearance.project", object_id=str(created["id"]), action="create"
    )
    assert (event.source, event.actor_id) == ("api", people["officer"].pk)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"handover_deadline": "2025-01-01"}, "handover_deadline", "deadline"),
        ({"year": 1990}, "year", "year"),
    ],
)
def test_a_rule_broken_answers_400_on_the_field(api, people, overrides, field, code):
    response = api(people["officer"]).post(URL, body(people["a"], **overrides), content_type=JSON)

    assert response.status_code == 400
    assert (response.json()["code"], error_field(response)) == (code, field)
    assert not Project.objects.exists()


def test_bad_shapes_answer_422_on_the_field(api, people):
    fractional = api(people["officer"]).post(URL, body(people["a"], budget=1.5), content_type=JSON)
    unknown_team = api(people["officer"]).post(
        URL, body(people["a"], task_force_id=999_999), content_type=JSON
    )
    foreign_team = api(people["officer"]).post(
        URL,
        body(people["a"], task_force_id=TaskForceFactory(territory=people["b"]).pk),
        content_type=JSON,
    )

    assert fractional.status_code == unknown_team.status_code == foreign_team.status_code == 422
    assert error_field(fractional) == "budget"
    assert error_field(unknown_team) == error_field(foreign_team) == "task_force_id"
    assert not Project.objects.exists()


def test_duplicate_code_answers_400_on_code(api, people):
    ProjectFactory(territory=people["a"], code="DA-TK-01")

    response = api(people["officer"]).post(URL, body(people["a"]), content_type=JSON)

    assert response.status_code == 400
    assert (response.json()["code"], error_field(response)) == ("duplicate", "code")


def test_roles_without_the_right_get_403(api, people):
    viewer = api(people["viewer"]).post(URL, body(people["a"]), content_type=JSON)
    outside = api(people["officer"]).post(URL, body(people["b"]), content_type=JSON)

    assert viewer.status_code == outside.status_code == 403
    assert viewer.json()["code"] == "forbidden"
    assert not Project.objects.exists()


def test_detail_has_decisions_phases_and_units(api, people):
    project = ProjectFactory(territory=people["a"])
    RecoveryDecision.objects.create(
        project=project, number="12/QĐ-UBND", signed_on=date(2025, 2, 1)
    )
    Phase.objects.create(project=project, name="Giai đoạn 1", order=1)

    detail = api(people["viewer"]).get(f"{URL}/{project.pk}").json()

    assert [d["number"] for d in detail["decisions"]] == ["12/QĐ-UBND"]
    assert detail["decisions"][0]["signed_on"] == "2025-02-01"
    assert [p["name"] for p in detail["phases"]] == ["Giai đoạn 1"]
    assert detail["territory"]["id"] == people["a"].pk
    assert detail["steps"] == []  # a viewer may take no step


def test_out_of_scope_project_is_not_found_through_every_route(api, people):
    project = ProjectFactory(territory=people["b"])
    client = api(people["officer"])
    base = f"{URL}/{project.pk}"

    answers = [
        client.get(base),
        client.patch(base, {"name": "X", "version": 1}, content_type=JSON),
        client.post(f"{base}/transitions", {"name": "issue_notice"}, content_type=JSON),
        client.post(
            f"{base}/decisions", {"number": "1", "signed_on": "2025-01-01"}, content_type=JSON
        ),
        client.post(f"{base}/phases", {"name": "Giai đoạn 1"}, content_type=JSON),
        client.get(f"{base}/households"),
        client.post(f"{base}/households", {"code": "H1", "head_name": "A"}, content_type=JSON),
    ]

    assert [answer.status_code for answer in answers] == [404] * len(answers)
    assert {answer.json()["code"] for answer in answers} == {"not_found"}
    project.refresh_from_db()
    assert (project.version, project.status) == (1, ProjectStatus.PREPARING)


def test_update_with_a_stale_version_answers_409_and_changes_nothing(api, people):
    project = ProjectFactory(territory=people["a"], name="Tên cũ")
    client = api(people["officer"])

    first = client.patch(
        f"{URL}/{project.pk}", {"name": "Tên mới", "version": 1}, content_type=JSON
    )
    second = client.patch(
        f"{URL}/{project.pk}", {"name": "Tên khác", "version": 1}, content_type=JSON
    )
    missing = client.patch(f"{URL}/{project.pk}", {"name": "Tên khác"}, content_type=JSON)

    assert first.status_code == 200
    assert (first.json()["name"], first.json()["version"]) == ("Tên mới", 2)
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    assert missing.status_code == 422
    assert error_field(missing) == "version"
    project.refresh_from_db()
    assert (project.name, project.version) == ("Tên mới", 2)


def test_put_replaces_every_field(api, people):
    project = ProjectFactory(territory=people["a"], investor="Cũ")
    values = body(people["a"], code=project.code, investor="", version=1)
    values.pop("task_force_id", None)

    response = api(people["officer"]).put(f"{URL}/{project.pk}", values, content_type=JSON)

    assert response.status_code == 200, response.json()
    project.refresh_from_db()
    assert (project.investor, project.planned_households, project.version) == ("", 42, 2)


def test_patch_cannot_blank_a_required_field(api, people):
    project = ProjectFactory(territory=people["a"])

    response = api(people["officer"]).patch(
        f"{URL}/{project.pk}", {"year": None, "version": 1}, content_type=JSON
    )

    assert response.status_code == 422
    assert error_field(response) == "year"


# --- lifecycle -----------------------------------------------------------------------------------


def test_lifecycle_steps_follow_the_roles(api, people):
    project = ProjectFactory(territory=people["a"])
    step = f"{URL}/{project.pk}/transitions"

    notice = api(people["officer"]).post(
        step, {"name": "issue_notice", "version": 1}, content_type=JSON
    )
    officer_suspends = api(people["officer"]).post(
        step, {"name": "suspend", "reason": "Vướng mặt bằng"}, content_type=JSON
    )
    no_reason = api(people["leader"]).post(step, {"name": "suspend"}, content_type=JSON)
    stale = api(people["leader"]).post(
        step, {"name": "suspend", "reason": "Chờ vốn", "version": 1}, content_type=JSON
    )
    unknown = api(people["leader"]).post(step, {"name": "explode"}, content_type=JSON)
    suspended = api(people["leader"]).post(
        step, {"name": "suspend", "reason": "Chờ bố trí vốn", "version": 2}, content_type=JSON
    )

    assert notice.status_code == 200
    assert notice.json()["status"] == "notice_issued"
    assert officer_suspends.status_code == 403
    assert no_reason.status_code == 400
    assert (no_reason.json()["code"], error_field(no_reason)) == ("reason_required", "reason")
    assert stale.status_code == 409
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_transition"
    assert suspended.status_code == 200
    result = suspended.json()
    assert (result["status"], result["suspended_from"]) == ("suspended", "notice_issued")
    assert [s["name"] for s in result["steps"]] == ["resume_notice_issued"]


# --- decisions and phases ------------------------------------------------------------------------


def test_decisions_are_added_and_deleted(api, people):
    project = ProjectFactory(territory=people["a"])
    client = api(people["officer"])

    added = client.post(
        f"{URL}/{project.pk}/decisions",
        {"number": "125/QĐ-UBND", "signed_on": "2025-04-02"},
        content_type=JSON,
    )
    future = client.post(
        f"{URL}/{project.pk}/decisions",
        {
            "number": "126/QĐ-UBND",
            "signed_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
        content_type=JSON,
    )
    viewer = api(people["viewer"]).post(
        f"{URL}/{project.pk}/decisions",
        {"number": "127/QĐ-UBND", "signed_on": "2025-04-02"},
        content_type=JSON,
    )

    assert added.status_code == 201
    assert added.json()["number"] == "125/QĐ-UBND"
    assert future.status_code == 400
    assert error_field(future) == "signed_on"
    assert viewer.status_code == 403
    other = ProjectFactory(territory=people["a"])
    decision_id = added.json()["id"]
    wrong_project = api(people["officer"]).delete(f"{URL}/{other.pk}/decisions/{decision_id}")
    deleted = api(people["officer"]).delete(f"{URL}/{project.pk}/decisions/{decision_id}")
    assert wrong_project.status_code == 404
    assert deleted.status_code == 204
    assert not RecoveryDecision.objects.exists()


def test_phases_are_added_changed_and_deleted(api, people):
    project = ProjectFactory(territory=people["a"])
    client = api(people["officer"])
    base = f"{URL}/{project.pk}/phases"

    added = client.post(base, {"name": "Kiểm đếm", "order": 1}, content_type=JSON)
    phase_id = added.json()["id"]
    changed = client.put(
        f"{base}/{phase_id}",
        {
            "name": "Kiểm đếm bắt buộc",
            "order": 2,
            "starts_on": "2025-05-01",
            "ends_on": "2025-06-01",
        },
        content_type=JSON,
    )
    backwards = client.put(
        f"{base}/{phase_id}",
        {"name": "Kiểm đếm", "starts_on": "2025-06-01", "ends_on": "2025-05-01"},
        content_type=JSON,
    )
    detail = client.get(f"{URL}/{project.pk}").json()
    deleted = client.delete(f"{base}/{phase_id}")

    assert added.status_code == 201
    assert changed.status_code == 200
    assert changed.json()["ends_on"] == "2025-06-01"
    assert backwards.status_code == 400
    assert error_field(backwards) == "ends_on"
    assert [(p["name"], p["order"]) for p in detail["phases"]] == [("Kiểm đếm bắt buộc", 2)]
    assert deleted.status_code == 204
    assert not Phase.objects.exists()


# --- the project's households ----------------------------------------------------------------------


def test_project_households_filter_and_never_list_personal_numbers(api, people):
    project = ProjectFactory(territory=people["a"])
    waiting = HouseholdFactory(project=project, head_name="Nguyễn Văn Bình")
    owed = HouseholdFactory(
        project=project, status=CaseStatus.AGREED, approved_total=100, paid_total=40
    )
    complaining = HouseholdFactory(project=project, open_complaints=1)
    HouseholdFactory(project=ProjectFactory(territory=people["a"]))
    base = f"{URL}/{project.pk}/households"
    client = api(people["viewer"])

    every = client.get(base).json()
    agreed = client.get(base, {"status": "agreed"}).json()
    outstanding = client.get(base, {"outstanding": True}).json()
    complaints = client.get(base, {"complaints": True}).json()
    search = client.get(base, {"q": "nguyen van binh"}).json()

    assert every["count"] == 3
    assert "head_id_number" not in every["items"][0]
    assert "phone" not in every["items"][0]
    assert [h["id"] for h in agreed["items"]] == [owed.pk]
    assert [h["id"] for h in outstanding["items"]] == [owed.pk]
    assert outstanding["items"][0]["outstanding"] == 60
    assert [h["id"] for h in complaints["items"]] == [complaining.pk]
    assert [h["id"] for h in search["items"]] == [waiting.pk]


def test_openapi_schema_builds_with_the_clearance_routes(api, people):
    schema = api(people["viewer"]).get("/api/v1/openapi.json")

    assert schema.status_code == 200
    paths = set(schema.json()["paths"])
    assert {
        "/api/v1/clearance/projects",
        "/api/v1/clearance/projects/{project_id}/transitions",
        "/api/v1/clearance/households/{household_id}",
        "/api/v1/clearance/households/payments",
        "/api/v1/clearance/task-forces",
        "/api/v1/clearance/campaigns/{campaign_id}/progress",
        "/api/v1/clearance/donations/{donation_id}",
    } <= paths
