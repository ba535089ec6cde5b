"""Nothing of a province's plans leaks to a user of another province, by any page or API path.

Routes are not listed by hand: every pattern of `plans.urls` and every /api/v1/plans path of the
OpenAPI schema is tried, so a route added later is covered without touching this file.
"""

import re

import pytest
from django.urls import reverse

from danvan.accounts.tests.factories import RoleGrantFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.config.api import api as ninja_api
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans import urls as plan_urls
from danvan.plans.models import IndicatorValue, Plan, PlanTask, ProgressReport
from danvan.plans.tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    PlanFactory,
    PlanTaskFactory,
    ProgressReportFactory,
)
from danvan.territories.tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

SECRET = "Bí Mật Tỉnh A"


@pytest.fixture
def world(place):
    province = place[0]
    plan = PlanFactory(
        organisation=OrganisationFactory(territory=province, name=f"Ban {SECRET}"),
        title=f"Kế hoạch {SECRET}",
        goals=SECRET,
    )
    indicator = IndicatorFactory(plan=plan, name=f"Chỉ tiêu {SECRET}", code="mo-hinh")
    task = PlanTaskFactory(plan=plan, title=f"Nhiệm vụ {SECRET}")
    report = ProgressReportFactory(plan=plan, note=SECRET)
    IndicatorValueFactory(report=report, indicator=indicator, value=9, note=SECRET)
    other = ProvinceFactory(name="Tỉnh B")
    outsider = user_with_role("leader", other)
    for role in ("officer", "territory_admin", "viewer"):
        RoleGrantFactory(user=outsider, role=role, territory=other)
    insider = user_with_role("viewer", province)
    owners = {
        "plan": plan.pk, "indicator": indicator.pk, "task": task.pk, "report": report.pk,
        "document": plan.pk, "organisation": plan.pk,
    }  # fmt: skip
    return {"outsider": outsider, "insider": insider, "owners": owners, "plan": plan,
            "ids": {"plan_id": plan.pk, "indicator_id": indicator.pk, "task_id": task.pk,
                    "report_id": report.pk, "name": "approve"}}  # fmt: skip


def snapshot() -> tuple:
    return (
        AuditEvent.objects.exclude(action__in=["login", "view_personal"]).count(),
        list(Plan.objects.values_list("status", "version", "title")),
        list(PlanTask.objects.values_list("status", "version", "title")),
        list(ProgressReport.objects.values_list("status", "version")),
        list(IndicatorValue.objects.values_list("value", "note")),
    )


def page_routes():
    for pattern in plan_urls.urlpatterns:
        yield pattern.name, re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))


def owner_of(name: str) -> str:
    if name.startswith(("indicator-update", "indicator-delete")):
        return "indicator"
    if name.startswith(("task-update", "task-delete")):
        return "task"
    if name.startswith("report-") and name != "report-open":
        return "report"
    return "plan"


def test_every_page_of_another_province_is_not_found(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    tried = 0
    for name, params in page_routes():
        if not params:
            continue
        kwargs = {
            p: ("approve" if p == "name" else world["owners"][owner_of(name)]) for p in params
        }
        url = reverse(f"plans:{name}", kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in {404, 405}, (method, url, response.status_code)
            assert SECRET not in response.content.decode(), (method, url)
            tried += 1
    assert tried >= 20
    assert snapshot() == before


def test_lists_and_pickers_of_another_province_show_nothing(client, world):
    client.force_login(world["outsider"])
    for name, params in page_routes():
        if params:
            continue
        for query in ({}, {"q": "bi mat"}, {"oq": "ban"}, {"dq": "ke hoach"}):
            response = client.get(reverse(f"plans:{name}"), query)
            assert response.status_code in {200, 302, 405}, (name, response.status_code)
            assert SECRET not in response.content.decode(), name
    body = client.get("/api/v1/plans", {"q": "bi mat"}).json()
    assert body["count"] == 0
    # Someone of province A finds the same plan with the same search.
    client.force_login(world["insider"])
    assert SECRET in client.get(reverse("plans:plan-list"), {"q": "bi mat"}).content.decode()


def test_rollup_of_a_plan_in_another_province_leaves_out_province_a(client, world):
    other_plan = PlanFactory(
        organisation=OrganisationFactory(territory=world["outsider"].organisation.territory),
        year=world["plan"].year,
    )
    IndicatorFactory(plan=other_plan, code="mo-hinh")
    client.force_login(world["outsider"])

    rows = client.get(f"/api/v1/plans/{other_plan.pk}/rollup").json()

    assert rows[0]["contributions"] == []


def api_routes():
    schema = ninja_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/plans"):
            for method in operations:
                yield path, method


def test_every_api_endpoint_hides_another_provinces_plans(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    bodies = {
        "/api/v1/plans": {"organisation_id": world["plan"].organisation_id, "year": 2030,
                          "title": "X"},
    }  # fmt: skip
    tried = 0
    for path, method in api_routes():
        params = re.findall(r"{(\w+)}", path)
        url = path.format(**{p: world["ids"][p] for p in params})
        response = getattr(client, method)(
            url, data=bodies.get(path, {}), content_type="application/json"
        )
        if params:
            expected = {404} if method == "get" else {400, 403, 404, 405, 422}
            assert response.status_code in expected, (method, url, response.status_code)
        else:
            assert response.status_code != 500, (method, url)
        assert SECRET not in response.content.decode(), (method, url)
        tried += 1
    assert tried >= 15
    assert snapshot() == before
