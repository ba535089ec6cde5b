"""The project board and the project page: scope, filters, forms, steps and plan approval."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance.models import (
    CaseStatus,
    Category,
    CompensationPlan,
    Household,
    PlanStatus,
    Project,
    ProjectStatus,
    Visit,
    VisitOutcome,
)
from danvan.clearance.services import households, mobilisation, money, projects
from danvan.clearance.services.mobilisation import VisitData
from danvan.clearance.tests.factories import (
    CampaignFactory,
    HouseholdFactory,
    ProjectFactory,
    TaskForceFactory,
)
from danvan.territories.models import Era
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("clearance:project-list")


@pytest.fixture
def people(place):
    _province, commune_a, commune_b = place
    return {
        "officer": user_with_role("officer", commune_a),
        "leader": user_with_role("leader", commune_a),
        "viewer": user_with_role("viewer", commune_a),
        "commune": commune_a,
        "elsewhere": commune_b,
    }


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


def board_codes(response) -> list[str]:
    return re.findall(r'href="/clearance/projects/\d+/"><strong>([^<]+)</strong>', response.text)


# --- The board -----------------------------------------------------------------------------------


def test_board_lists_projects_in_scope_only(as_user, people):
    mine = ProjectFactory(territory=people["commune"], code="DA-MINE")
    ProjectFactory(territory=people["elsewhere"], code="DA-OTHER")

    response = as_user(people["viewer"]).get(BOARD)

    assert response.status_code == 200
    assert board_codes(response) == [mine.code]
    assert "DA-OTHER" not in response.text
    assert 'href="/clearance/"' in response.text  # the navigation entry


def test_board_shows_progress_from_the_stored_totals(as_user, people):
    project = ProjectFactory(territory=people["commune"])
    Project.objects.filter(pk=project.pk).update(
        households_count=40,
        agreed_count=30,
        paid_count=20,
        handed_over_count=10,
        approved_total=8_000_000_000,
        paid_total=2_000_000_000,
    )

    response = as_user(people["viewer"]).get(BOARD)

    assert '<progress value="30" max="40">75%</progress>' in response.text
    assert '<progress value="10" max="40">25%</progress>' in response.text
    assert '<progress value="2000000000" max="8000000000">25%</progress>' in response.text


def test_board_filters_by_status_year_kind_search_and_unit(as_user, people):
    other_commune = CommuneFactory(parent=people["commune"].parent)
    officer = user_with_role("officer", people["commune"].parent)
    a = ProjectFactory(territory=people["commune"], code="DA-A", name="Đường Phan Chu Trinh")
    b = ProjectFactory(territory=people["commune"], code="DA-B", year=2023, name="Khu dân cư")
    c = ProjectFactory(territory=other_commune, code="DA-C", name="Trường học")
    Project.objects.filter(pk=b.pk).update(status=ProjectStatus.PAYING)
    client = as_user(officer)

    assert board_codes(client.get(BOARD, {"status": "paying"})) == [b.code]
    assert board_codes(client.get(BOARD, {"year": "2023"})) == [b.code]
    assert board_codes(client.get(BOARD, {"q": "phan chu trinh"})) == [a.code]
    assert board_codes(client.get(BOARD, {"territory": other_commune.pk})) == [c.code]
    assert sorted(board_codes(client.get(BOARD, {"status": "nonsense", "year": "x"}))) == [
        a.code,
        b.code,
        c.code,
    ]


def test_board_takes_the_dashboards_period(as_user, people):
    for year in (2021, 2022, 2023, 2024):
        ProjectFactory(territory=people["commune"], code=f"DA-{year}", year=year)
    client = as_user(people["viewer"])

    codes = board_codes(client.get(BOARD, {"year_from": "2022", "year_to": "2023"}))

    assert sorted(codes) == ["DA-2022", "DA-2023"]


def test_board_htmx_answers_with_the_table_only(as_user, people):
    ProjectFactory(territory=people["commune"], code="DA-HX")

    response = as_user(people["viewer"]).get(
        BOARD, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="project-table"
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="project-table"')
    assert "DA-HX" in response.text


def test_board_reads_a_fixed_number_of_queries(as_user, people, django_assert_max_num_queries):
    for _ in range(8):
        ProjectFactory(territory=people["commune"])
    client = as_user(people["viewer"])
    client.get(BOARD)

    with django_assert_max_num_queries(12):
        client.get(BOARD)


def test_board_refuses_a_user_without_clearance_rights(as_user, place):
    _, commune_a, _ = place
    user = user_with_role("reviewer", commune_a, is_active=True)
    user.grants.update(domain="initiatives")

    assert as_user(user).get(BOARD).status_code == 403


# --- Creating and editing a project --------------------------------------------------------------


def project_post(territory, **changes) -> dict:
    data = {
        "name": "Đường ven sông Bàn Thạch",
        "code": "DA-2025-01",
        "kind": "state_recovery",
        "year": "2025",
        "territory": str(territory.pk),
        "investor": "Ban QLDA",
        "planned_area": "12.500,5",
        "planned_households": "42",
        "budget": "45 tỷ",
        "starts_on": "01/03/2025",
        "handover_deadline": "31/12/2025",
    }
    data.update(changes)
    return data


def test_officer_creates_a_project_with_vietnamese_numbers(as_user, people):
    client = as_user(people["officer"])

    response = client.post(reverse("clearance:project-create"), project_post(people["commune"]))

    project = Project.objects.get(code="DA-2025-01")
    assert response.status_code == 302
    assert response.url == reverse("clearance:project-detail", args=[project.pk])
    assert project.budget == 45_000_000_000
    assert project.planned_area == Decimal("12500.5")
    assert project.starts_on == date(2025, 3, 1)
    assert list(project.units.all()) == [people["commune"]]


def test_a_project_can_touch_several_communes_in_scope_only(as_user, people):
    province = people["commune"].parent
    officer = user_with_role("officer", province)
    neighbour = CommuneFactory(parent=province, name="Phường Hương Trà")
    outside = CommuneFactory(name="Xã ngoài phạm vi")
    client = as_user(officer)
    url = reverse("clearance:project-create")

    refused = client.post(url, project_post(people["commune"], units=[str(outside.pk)]))
    assert refused.status_code == 400
    assert not Project.objects.exists()

    client.post(url, project_post(people["commune"], units=[str(neighbour.pk)]))
    project = Project.objects.get(code="DA-2025-01")
    assert {u.pk for u in project.units.all()} == {people["commune"].pk, neighbour.pk}
    # The edit form offers the same choice again, already ticked.
    edit = client.get(reverse("clearance:project-edit", args=[project.pk]))
    assert f'<option value="{neighbour.pk}" selected>' in edit.text


def test_project_form_shows_errors_inline_and_saves_nothing(as_user, people):
    ProjectFactory(territory=people["commune"], code="DA-TAKEN")
    client = as_user(people["officer"])

    bad_money = client.post(
        reverse("clearance:project-create"), project_post(people["commune"], budget="12 bò")
    )
    duplicate = client.post(
        reverse("clearance:project-create"), project_post(people["commune"], code="DA-TAKEN")
    )
    outside = client.post(reverse("clearance:project-create"), project_post(people["elsewhere"]))

    assert bad_money.status_code == 400
    assert "has a unit we do not know" in bad_money.context["form"].errors["budget"][0]
    assert duplicate.status_code == 400
    assert duplicate.context["form"].errors["code"] == ["Another project already uses this code."]
    assert outside.status_code == 400
    assert "territory" in outside.context["form"].errors
    assert Project.objects.filter(code="DA-2025-01").count() == 0


def test_stale_project_edit_is_refused_and_the_typing_kept(as_user, people):
    project = ProjectFactory(territory=people["commune"])
    client = as_user(people["officer"])
    url = reverse("clearance:project-edit", args=[project.pk])
    projects.project_update(
        project=project,
        data=projects.ProjectData(
            name="Saved first", code=project.code, territory=project.territory, year=2025
        ),
        actor=people["officer"],
    )

    response = client.post(
        url,
        project_post(people["commune"], code=project.code, name="Saved second", version="1"),
    )

    project.refresh_from_db()
    assert response.status_code == 409
    assert "Someone else changed this record" in response.text
    assert 'value="Saved second"' in response.text
    assert project.name == "Saved first"


def test_edit_keeps_a_project_filed_under_a_historic_unit(as_user, people):
    old_province = ProvinceFactory(era=Era.LEGACY, name="Tỉnh Quảng Nam")
    legacy = CommuneFactory(era=Era.LEGACY, parent=old_province, scope_path=people["commune"].path)
    project = ProjectFactory(territory=legacy, year=2022, code="DA-2022")
    client = as_user(people["officer"])

    response = client.post(
        reverse("clearance:project-edit", args=[project.pk]),
        project_post(legacy, code="DA-2022", year="2022", version=str(project.version)),
    )

    project.refresh_from_db()
    assert response.status_code == 302
    assert project.territory == legacy
    assert project.name == "Đường ven sông Bàn Thạch"


def test_viewer_cannot_open_the_forms_or_post(as_user, people):
    project = ProjectFactory(territory=people["commune"])
    client = as_user(people["viewer"])

    assert client.get(reverse("clearance:project-create")).status_code == 403
    assert client.get(reverse("clearance:project-edit", args=[project.pk])).status_code == 403
    step = client.post(
        reverse("clearance:project-step", args=[project.pk]), {"name": "issue_notice"}
    )
    decision = client.post(
        reverse("clearance:project-decision-add", args=[project.pk]),
        {"number": "12/QĐ-UBND", "signed_on": "01/02/2025"},
    )

    assert step.status_code == 403
    assert decision.status_code == 403
    project.refresh_from_db()
    assert project.status == ProjectStatus.PREPARING
    assert not project.decisions.exists()


# --- The project page ----------------------------------------------------------------------------


def test_project_page_renders_for_scope_and_404_outside(as_user, people):
    task_force = TaskForceFactory(territory=people["commune"], name="Tổ công tác số 1")
    project = ProjectFactory(territory=people["commune"], task_force=task_force)
    household = HouseholdFactory(project=project, head_name="Nguyễn Thị Lan")
    mobilisation.visit_record(
        household=household,
        data=VisitData(
            visited_on=date(2025, 5, 2), discussed="Giải thích đơn giá", outcome="considering"
        ),
        actor=people["officer"],
    )
    CampaignFactory(territory=people["commune"], name="Đợt cao điểm 90 ngày", projects=[project])
    hidden = ProjectFactory(territory=people["elsewhere"])
    client = as_user(people["viewer"])

    response = client.get(reverse("clearance:project-detail", args=[project.pk]))

    assert response.status_code == 200
    text = response.text
    for expected in ("Nguyễn Thị Lan", "Tổ công tác số 1", "Giải thích đơn giá", "Đợt cao điểm 90"):
        assert expected in text
    assert "Add a household" not in text  # a viewer only reads
    assert client.get(reverse("clearance:project-detail", args=[hidden.pk])).status_code == 404


def test_household_table_filters_and_answers_htmx(as_user, people):
    project = ProjectFactory(territory=people["commune"])
    quiet = HouseholdFactory(project=project, code="H-QUIET")
    loud = HouseholdFactory(project=project, code="H-LOUD")
    households.complaint_add(
        household=loud, content="Đơn giá thấp", received_on=date(2025, 4, 1),
        actor=people["officer"],
    )  # fmt: skip
    url = reverse("clearance:project-detail", args=[project.pk])
    client = as_user(people["viewer"])

    full = client.get(url)
    complaints = client.get(
        url, {"complaints": "1"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="household-table"
    )

    assert quiet.code in full.text
    assert loud.code in full.text
    assert complaints.text.lstrip().startswith('<div id="household-table"')
    assert loud.code in complaints.text
    assert quiet.code not in complaints.text


def test_officer_moves_the_project_one_step(as_user, people):
    project = ProjectFactory(territory=people["commune"])
    client = as_user(people["officer"])

    response = client.post(
        reverse("clearance:project-step", args=[project.pk]),
        {"name": "issue_notice", "version": str(project.version)},
    )

    project.refresh_from_db()
    assert response.status_code == 302
    assert project.status == ProjectStatus.NOTICE_ISSUED


def test_suspending_needs_a_reason_and_a_leader(as_user, people):
    project = ProjectFactory(territory=people["commune"])
    url = reverse("clearance:project-step", args=[project.pk])

    by_officer = as_user(people["officer"]).post(url, {"name": "suspend", "reason": "Vướng"})
    without_reason = as_user(people["leader"]).post(url, {"name": "suspend"}, follow=True)

    project.refresh_from_db()
    assert by_officer.status_code == 403
    assert "Please give a reason for this step." in without_reason.text
    assert project.status == ProjectStatus.PREPARING


def test_decisions_and_phases_are_recorded_or_refused_inline(as_user, people):
    project = ProjectFactory(territory=people["commune"])
    client = as_user(people["officer"])

    ok = client.post(
        reverse("clearance:project-decision-add", args=[project.pk]),
        {"number": "1234/QĐ-UBND", "signed_on": "15/01/2025"},
    )
    future = client.post(
        reverse("clearance:project-decision-add", args=[project.pk]),
        {"number": "99/QĐ-UBND", "signed_on": "15/01/2099"},
    )
    phase = client.post(
        reverse("clearance:project-phase-add", args=[project.pk]),
        {"name": "Kiểm đếm", "order": "1", "starts_on": "01/02/2025", "ends_on": "01/01/2025"},
    )

    assert ok.status_code == 302
    assert list(project.decisions.values_list("number", flat=True)) == ["1234/QĐ-UBND"]
    assert future.status_code == 400
    assert "it cannot be in the future" in future.text
    assert phase.status_code == 400
    assert phase.context["phase_form"].errors["ends_on"] == [
        "The end date cannot be before the start date."
    ]
    assert not project.phases.exists()


def test_leader_approves_every_draft_plan_of_the_project(as_user, people):
    project = ProjectFactory(territory=people["commune"])
    first, second = HouseholdFactory(project=project), HouseholdFactory(project=project)
    for household, amount in ((first, 300_000_000), (second, 120_500_000)):
        money.plan_create(household, lines={Category.LAND: amount}, actor=people["officer"])
    url = reverse("clearance:project-plans-approve", args=[project.pk])

    refused = as_user(people["officer"]).post(
        url, {"decision_number": "55/QĐ-UBND", "approved_on": "02/06/2025"}
    )
    page = as_user(people["leader"]).get(reverse("clearance:project-detail", args=[project.pk]))
    approved = as_user(people["leader"]).post(
        url, {"decision_number": "55/QĐ-UBND", "approved_on": "02/06/2025"}
    )

    assert refused.status_code == 403
    assert "2 draft plans wait for approval, 420.500.000 đ in all." in page.text
    assert approved.status_code == 302
    assert not CompensationPlan.objects.filter(status=PlanStatus.DRAFT).exists()
    assert set(CompensationPlan.objects.values_list("decision_number", flat=True)) == {"55/QĐ-UBND"}
    project.refresh_from_db()
    assert project.approved_total == 420_500_000
    assert Household.objects.get(pk=first.pk).approved_total == 300_000_000


def test_project_page_lists_latest_visits_across_households(as_user, people):
    project = ProjectFactory(territory=people["commune"])
    for index in range(3):
        household = HouseholdFactory(project=project)
        mobilisation.visit_record(
            household=household,
            data=VisitData(
                visited_on=date(2025, 5, 1 + index),
                discussed=f"Lần vận động {index}",
                outcome=VisitOutcome.CONSIDERING,
            ),
            actor=people["officer"],
        )

    response = as_user(people["viewer"]).get(reverse("clearance:project-detail", args=[project.pk]))

    order = [response.text.index(f"Lần vận động {i}") for i in (2, 1, 0)]
    assert order == sorted(order)  # newest first
    assert Visit.objects.count() == 3
    assert Household.objects.filter(status=CaseStatus.PERSUADING).count() == 3
    assert AuditEvent.objects.filter(object_type="clearance.visit").count() == 3


def test_project_page_reads_a_fixed_number_of_queries(
    as_user, people, django_assert_max_num_queries
):
    project = ProjectFactory(territory=people["commune"])
    for index in range(12):
        household = HouseholdFactory(project=project)
        households.plot_save(
            household=household,
            data=households.PlotData("12", str(100 + index), Decimal("200"), Decimal("150")),
            actor=people["officer"],
        )
        mobilisation.visit_record(
            household=household,
            data=VisitData(visited_on=date(2025, 5, 2), discussed="Họp", outcome="pending"),
            actor=people["officer"],
        )
    client = as_user(people["leader"])
    url = reverse("clearance:project-detail", args=[project.pk])
    client.get(url)

    with django_assert_max_num_queries(20):
        response = client.get(url)

    assert response.status_code == 200
