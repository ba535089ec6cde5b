from decimal import Decimal

import pytest
from django.urls import reverse

from danvan.audit.models import AuditEvent
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import (
    Indicator,
    IndicatorValue,
    Period,
    Plan,
    PlanStatus,
    PlanTask,
    ProgressReport,
    TaskStatus,
)
from danvan.plans.tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    PlanFactory,
    PlanTaskFactory,
    ProgressReportFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(place):
    province, commune_a, _ = place
    plan = PlanFactory(
        organisation=OrganisationFactory(territory=province, name="Ban Dân vận Tỉnh ủy"),
        year=2025,
        title="Kế hoạch thực hiện Nghị quyết 25-NQ/TW năm 2025",
    )
    IndicatorFactory(plan=plan, code="mo-hinh", name="Mô hình dân vận khéo", target_value=40)
    lower = PlanFactory(organisation=OrganisationFactory(territory=commune_a), year=2025)
    lower_indicator = IndicatorFactory(plan=lower, code="mo-hinh", name="Mô hình xã")
    IndicatorValueFactory(
        report=ProgressReportFactory(plan=lower, period=Period.H1),
        indicator=lower_indicator,
        value=Decimal("12"),
    )
    return plan


def test_list_shows_plans_in_scope_with_filters(client, plan, people):
    client.force_login(people["viewer"])

    response = client.get(reverse("plans:plan-list"), {"year": 2025, "q": "nghi quyet 25"})

    assert response.status_code == 200
    assert plan.title in response.content.decode()


def test_list_filters_by_status_and_answers_htmx_with_the_table(client, plan, people):
    client.force_login(people["viewer"])

    response = client.get(
        reverse("plans:plan-list"),
        {"status": "approved"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="plan-table",
    )

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert plan.title not in response.content.decode()


def test_list_has_no_n_plus_one(client, plan, people, django_assert_max_num_queries):
    for _ in range(15):
        PlanFactory(organisation=OrganisationFactory(territory=plan.territory), year=2024)
    client.force_login(people["viewer"])

    with django_assert_max_num_queries(12):
        response = client.get(reverse("plans:plan-list"))

    assert response.status_code == 200


def test_officer_creates_a_plan_for_an_organisation_in_scope(client, place, people):
    province = place[0]
    organisation = OrganisationFactory(territory=province)
    client.force_login(people["officer"])

    response = client.post(
        reverse("plans:plan-create"),
        {"organisation": organisation.pk, "year": 2026, "title": "Kế hoạch năm 2026",
         "goals": "Mục tiêu"},
    )  # fmt: skip

    plan = Plan.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert plan.territory == province
    assert plan.status == PlanStatus.DRAFT
    assert AuditEvent.objects.filter(object_type="plans.plan", object_id=str(plan.pk)).exists()


def test_second_plan_for_the_same_organisation_and_year_is_refused(client, plan, people):
    client.force_login(people["officer"])

    response = client.post(
        reverse("plans:plan-create"),
        {"organisation": plan.organisation_id, "year": 2025, "title": "Trùng"},
    )

    assert response.status_code == 400
    assert "already has a plan" in response.content.decode()
    assert Plan.objects.filter(organisation=plan.organisation).count() == 1


def test_organisation_of_another_province_cannot_be_chosen(client, people):
    outside = OrganisationFactory(territory=people["other_province"])
    client.force_login(people["officer"])

    response = client.post(
        reverse("plans:plan-create"), {"organisation": outside.pk, "year": 2026, "title": "X"}
    )

    assert response.status_code == 400
    assert not Plan.objects.filter(organisation=outside).exists()


def test_plan_page_shows_indicators_tasks_and_rollup(client, plan, people):
    PlanTaskFactory(plan=plan, title="Hội nghị quán triệt", deadline="2020-01-01")
    client.force_login(people["viewer"])

    response = client.get(reverse("plans:plan-detail", args=[plan.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Mô hình dân vận khéo" in text
    assert "Hội nghị quán triệt" in text
    assert "row-overdue" in text
    assert "<strong>12</strong>" in text  # rolled up from the commune plan


def test_rollup_panel_switches_period_with_htmx(client, plan, people):
    client.force_login(people["viewer"])

    response = client.get(
        reverse("plans:plan-rollup", args=[plan.pk]), {"period": "year"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "<strong>12</strong>" not in response.content.decode()


def test_leader_approves_and_officer_cannot(client, plan, people):
    client.force_login(people["officer"])
    refused = client.post(reverse("plans:plan-step", args=[plan.pk, "approve"]))
    client.force_login(people["leader"])
    approved = client.post(
        reverse("plans:plan-step", args=[plan.pk, "approve"]), {"version": plan.version}
    )

    plan.refresh_from_db()
    assert refused.status_code == 403
    assert approved.status_code == 302
    assert plan.status == PlanStatus.APPROVED


def test_return_to_draft_without_a_reason_is_refused(client, plan, people):
    plan.status = PlanStatus.APPROVED
    plan.save()
    client.force_login(people["leader"])

    response = client.post(reverse("plans:plan-step", args=[plan.pk, "return_to_draft"]))

    plan.refresh_from_db()
    assert response.status_code == 400
    assert plan.status == PlanStatus.APPROVED


def test_indicator_added_with_a_registered_source(client, plan, people):
    client.force_login(people["officer"])

    response = client.post(
        reverse("plans:indicator-create", args=[plan.pk]),
        {"name": "Kiến nghị trả lời đúng hạn", "unit": "kiến nghị", "target_value": "1.200",
         "aggregation": "sum", "source": "dialogues.petitions_answered_on_time"},
    )  # fmt: skip

    indicator = Indicator.objects.get(plan=plan, name="Kiến nghị trả lời đúng hạn")
    assert response.status_code == 302
    assert indicator.target_value == Decimal(1200)
    assert indicator.source == "dialogues.petitions_answered_on_time"


def test_indicator_with_an_unknown_source_is_refused(client, plan, people):
    client.force_login(people["officer"])

    response = client.post(
        reverse("plans:indicator-create", args=[plan.pk]),
        {"name": "X", "unit": "cái", "aggregation": "sum", "source": "nope.nothing"},
    )

    assert response.status_code == 400
    assert not Indicator.objects.filter(plan=plan, name="X").exists()


def test_task_done_gets_its_date_and_shows_no_longer_overdue(client, plan, people):
    task = PlanTaskFactory(plan=plan, deadline="2020-01-01")
    client.force_login(people["officer"])

    response = client.post(
        reverse("plans:task-update", args=[task.pk]),
        {"title": task.title, "status": TaskStatus.DONE, "deadline": "01/01/2020",
         "version": task.version},
    )  # fmt: skip

    task.refresh_from_db()
    assert response.status_code == 302
    assert task.status == TaskStatus.DONE
    assert task.done_on is not None


def test_task_edit_with_a_stale_version_is_refused(client, plan, people):
    task = PlanTaskFactory(plan=plan)
    client.force_login(people["officer"])

    response = client.post(
        reverse("plans:task-update", args=[task.pk]),
        {"title": "Khác", "status": TaskStatus.TODO, "version": task.version + 5},
    )

    assert response.status_code == 409
    assert PlanTask.objects.get(pk=task.pk).title == task.title


def test_progress_report_opened_filled_by_htmx_and_submitted(client, plan, people):
    indicator = plan.indicators.get()
    client.force_login(people["officer"])
    opened = client.post(reverse("plans:report-open", args=[plan.pk]), {"period": "h1"})
    report = ProgressReport.objects.get(plan=plan, period="h1")

    saved = client.post(
        reverse("plans:report-save", args=[report.pk]),
        {f"value_{indicator.pk}": "18,5", "version": report.version, "note": "Đạt"},
        HTTP_HX_REQUEST="true",
    )
    client.force_login(people["leader"])
    submitted = client.post(reverse("plans:report-step", args=[report.pk, "submit"]))

    report.refresh_from_db()
    assert opened.status_code == 302
    assert saved.status_code == 200
    assert "<html" not in saved.content.decode()
    assert IndicatorValue.objects.get(report=report, indicator=indicator).value == Decimal("18.5")
    assert submitted.status_code == 302
    assert report.status == "submitted"
    assert report.note == "Đạt"


def test_bad_figure_is_shown_back_with_its_message(client, plan, people):
    indicator = plan.indicators.get()
    report = ProgressReportFactory(plan=plan)
    client.force_login(people["officer"])

    response = client.post(
        reverse("plans:report-save", args=[report.pk]),
        {f"value_{indicator.pk}": "mười hai", "version": report.version},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert "mười hai" in response.content.decode()
    assert not IndicatorValue.objects.filter(report=report).exists()


def test_report_page_computes_and_links_to_the_source(client, plan, people):
    IndicatorFactory(plan=plan, name="Hội nghị đối thoại", source="dialogues.conferences_held")
    report = ProgressReportFactory(plan=plan, period=Period.YEAR)
    client.force_login(people["officer"])

    client.post(reverse("plans:report-compute", args=[report.pk]))
    response = client.get(reverse("plans:report-detail", args=[report.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Dialogue conferences held" in text or "Hội nghị đối thoại được tổ chức" in text
    assert "/dialogues/conferences/" in text


def test_list_filters_by_organisation_and_offers_only_organisations_in_scope(client, plan, people):
    other = PlanFactory(organisation=OrganisationFactory(territory=plan.territory), year=2025)
    outside = OrganisationFactory(territory=people["other_province"], name="Ban Dân vận Tỉnh Khác")
    client.force_login(people["viewer"])

    listed = client.get(reverse("plans:plan-list"), {"organisation": plan.organisation_id})
    options = client.get(
        reverse("plans:organisation-options"), {"field": "filter", "oq": "ban dan van"}
    )

    assert plan.title in listed.content.decode()
    assert other.title not in listed.content.decode()
    assert "Ban Dân vận Tỉnh ủy" in options.content.decode()
    assert outside.name not in options.content.decode()
