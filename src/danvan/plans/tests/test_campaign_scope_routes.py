"""Nothing of a unit's campaigns leaks to an officer of another province, by any campaigns page
or API path. Routes are discovered (the URL patterns of `campaign_urls` and the OpenAPI paths
under /api/v1/campaigns), so a route added later is covered without touching this file."""

import re
from datetime import date

import pytest
from django.urls import reverse

from danvan.accounts.tests.factories import RoleGrantFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.config.api import api as ninja_api
from danvan.initiatives.tests.factories import InitiativeFactory
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans import campaign_urls
from danvan.plans.models import Campaign, CampaignStatus, Indicator, IndicatorValue
from danvan.plans.tests.campaign_factories import (
    CampaignAwardFactory,
    CampaignFactory,
    CampaignIndicatorFactory,
    CampaignLinkFactory,
)
from danvan.plans.tests.factories import ProgressReportFactory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

SECRET = "Bí Mật Phong Trào"


@pytest.fixture
def world(place):
    _province, commune_a, _ = place
    owner = OrganisationFactory(territory=commune_a, name=f"Hội {SECRET}")
    campaign = CampaignFactory(
        organisation=owner, title=f"Phong trào {SECRET}", status=CampaignStatus.ENDED,
        starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
    )  # fmt: skip
    indicator = CampaignIndicatorFactory(campaign=campaign, name=f"Chỉ tiêu {SECRET}")
    report = ProgressReportFactory(plan=None, campaign=campaign, year=2025, period="h1")
    IndicatorValue.objects.create(report=report, indicator=indicator, value=7)
    model = InitiativeFactory(territory=commune_a, name=f"Mô hình {SECRET}")
    link = CampaignLinkFactory(campaign=campaign, target_id=str(model.pk))
    award = CampaignAwardFactory(campaign=campaign, name=f"Tập thể {SECRET}")
    other = ProvinceFactory(name="Tỉnh Xa")
    outsider = user_with_role("leader", other)
    for role in ("officer", "territory_admin", "viewer"):
        RoleGrantFactory(user=outsider, role=role, territory=other)
    CommuneFactory(parent=other)
    ids = {
        "pk": campaign.pk,
        "campaign_id": campaign.pk,
        "name": "start",
        "indicator_id": indicator.pk,
        "link_id": link.pk,
        "award_id": award.pk,
        "year": 2025,
        "period": "h1",
    }
    return {"outsider": outsider, "ids": ids, "campaign": campaign, "commune_a": commune_a,
            "insider": user_with_role("leader", commune_a)}  # fmt: skip


def snapshot() -> tuple:
    return (
        AuditEvent.objects.exclude(action__in=["login", "view_personal"]).count(),
        list(Campaign.objects.values_list("status", "version", "title")),
        list(Indicator.objects.values_list("name", "target_value")),
        list(IndicatorValue.objects.values_list("value", flat=True)),
    )


def page_routes():
    for pattern in campaign_urls.urlpatterns:
        yield pattern.name, re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))


def test_every_campaign_page_of_another_province_is_not_found(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    tried = 0
    for name, params in page_routes():
        if not params:
            continue
        url = reverse(f"campaigns:{name}", kwargs={p: world["ids"][p] for p in params})
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"year": 2025, "period": "h1"})
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
        response = client.get(
            reverse(f"campaigns:{name}"),
            {"q": "bi mat", "org_q": "bi mat", "document_q": "bi mat", "participant_q": "bi mat",
             "organisation": world["campaign"].organisation_id,
             "territory": world["commune_a"].pk},
        )  # fmt: skip
        assert response.status_code in {200, 302, 405}, (name, response.status_code)
        assert SECRET not in response.content.decode(), name
    # Someone of the campaign's unit finds it with the same search.
    client.force_login(world["insider"])
    response = client.get(reverse("campaigns:campaign-list"), {"q": "bi mat"})
    assert SECRET in response.content.decode()


def api_routes():
    schema = ninja_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/campaigns"):
            for method in operations:
                yield path, method


def test_every_campaign_api_endpoint_hides_another_provinces_records(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    tried = 0
    for path, method in api_routes():
        params = re.findall(r"{(\w+)}", path)
        url = path.format(**{p: world["ids"][p] for p in params})
        if method == "get":
            response = client.get(url, {"q": "bi mat", "target_type": "initiatives.model"})
        else:
            response = getattr(client, method)(url, data={}, content_type="application/json")
        if params:
            expected = {404} if method == "get" else {404, 405, 422}
            assert response.status_code in expected, (method, url, response.status_code)
        else:
            assert response.status_code != 500, (method, url)
        assert SECRET not in response.content.decode(), (method, url)
        tried += 1
    assert tried >= 15
    listed = client.get("/api/v1/campaigns", {"q": "bi mat"}).json()
    assert listed["count"] == 0
    assert snapshot() == before
