from decimal import Decimal

import pytest

from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import IndicatorValue, Plan, PlanStatus
from danvan.plans.tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    PlanFactory,
    ProgressReportFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(place):
    return PlanFactory(organisation=OrganisationFactory(territory=place[0]), year=2025)


def test_create_update_and_approve_a_plan(api, place, people):
    organisation = OrganisationFactory(territory=place[1])
    client = api(people["officer"])

    created = client.post(
        "/api/v1/plans",
        {"organisation_id": organisation.pk, "year": 2025, "title": "Kế hoạch xã"},
        content_type="application/json",
    )
    body = created.json()
    updated = client.put(
        f"/api/v1/plans/{body['id']}",
        {"organisation_id": organisation.pk, "year": 2025, "title": "Kế hoạch xã (sửa)",
         "version": body["version"]},
        content_type="application/json",
    )  # fmt: skip
    stale = client.put(
        f"/api/v1/plans/{body['id']}",
        {"organisation_id": organisation.pk, "year": 2025, "title": "Cũ",
         "version": body["version"]},
        content_type="application/json",
    )  # fmt: skip
    leader = api(people["leader"])
    approved = leader.post(
        f"/api/v1/plans/{body['id']}/steps/approve", {}, content_type="application/json"
    )

    assert created.status_code == 201
    assert body["territory_id"] == place[1].pk
    assert updated.status_code == 200
    assert updated.json()["title"] == "Kế hoạch xã (sửa)"
    assert stale.status_code == 409
    assert approved.json()["status"] == PlanStatus.APPROVED


def test_duplicate_plan_is_a_400_with_a_message(api, plan, people):
    response = api(people["officer"]).post(
        "/api/v1/plans",
        {"organisation_id": plan.organisation_id, "year": 2025, "title": "Trùng"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "duplicate"
    assert Plan.objects.count() == 1


def test_list_filters_by_year_and_is_paginated(api, plan, people):
    PlanFactory(organisation=plan.organisation, year=2024)

    body = api(people["viewer"]).get("/api/v1/plans", {"year": 2025}).json()

    assert body["count"] == 1
    assert body["items"][0]["id"] == plan.pk


def test_indicators_tasks_and_progress_through_the_api(api, plan, people):
    client = api(people["officer"])
    indicator = client.post(
        f"/api/v1/plans/{plan.pk}/indicators",
        {"name": "Mô hình", "unit": "mô hình", "target_value": "40", "code": "mo-hinh"},
        content_type="application/json",
    ).json()
    task = client.post(
        f"/api/v1/plans/{plan.pk}/tasks",
        {"title": "Sơ kết 6 tháng", "deadline": "2025-07-15"},
        content_type="application/json",
    )
    report = client.post(
        f"/api/v1/plans/{plan.pk}/reports", {"period": "h1"}, content_type="application/json"
    ).json()

    saved = client.put(
        f"/api/v1/plans/reports/{report['id']}/values",
        {
            "version": report["version"],
            "values": [{"indicator_id": indicator["id"], "value": "30"}],
        },
        content_type="application/json",
    )

    assert task.status_code == 201
    assert saved.status_code == 200
    row = saved.json()["values"][0]
    assert Decimal(row["actual"]) == 30
    assert Decimal(row["percent"]) == 75
    assert saved.json()["first_day"] == "2025-01-01"


def test_computed_indicator_value_is_refused_over_the_api(api, plan, people):
    computed = IndicatorFactory(plan=plan, source="dialogues.conferences_held")
    report = ProgressReportFactory(plan=plan)

    response = api(people["officer"]).put(
        f"/api/v1/plans/reports/{report.pk}/values",
        {"version": report.version, "values": [{"indicator_id": computed.pk, "value": "3"}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "computed"
    assert not IndicatorValue.objects.exists()


def test_officer_cannot_submit_but_leader_can(api, plan, people):
    report = ProgressReportFactory(plan=plan)
    url = f"/api/v1/plans/reports/{report.pk}/steps/submit"

    refused = api(people["officer"]).post(url, {}, content_type="application/json")
    submitted = api(people["leader"]).post(url, {}, content_type="application/json")

    assert refused.status_code == 403
    assert submitted.json()["status"] == "submitted"


def test_rollup_and_sources(api, plan, place, people):
    IndicatorFactory(plan=plan, code="mo-hinh")
    lower = PlanFactory(organisation=OrganisationFactory(territory=place[1]), year=2025)
    IndicatorValueFactory(
        report=ProgressReportFactory(plan=lower),
        indicator=IndicatorFactory(plan=lower, code="mo-hinh"),
        value=Decimal("7.5"),
    )
    client = api(people["viewer"])

    rollup = client.get(f"/api/v1/plans/{plan.pk}/rollup", {"period": "h1"}).json()
    sources = client.get("/api/v1/plans/sources").json()

    assert Decimal(rollup[0]["value"]) == Decimal("7.5")
    assert rollup[0]["contributions"][0]["plan_id"] == lower.pk
    assert "initiatives.recognised" in {s["key"] for s in sources}
