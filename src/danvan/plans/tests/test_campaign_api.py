"""The campaigns API: list, create, update, steps, indicators, progress, links and awards."""

from datetime import date

import pytest

from danvan.initiatives.tests.factories import InitiativeFactory
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import Campaign, CampaignStatus
from danvan.plans.tests.campaign_factories import CampaignFactory, CampaignIndicatorFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/campaigns"


@pytest.fixture
def owner(place):
    return OrganisationFactory(territory=place[1], name="Hội Liên hiệp Phụ nữ phường Đông Triều")


def body(owner, **changes) -> dict:
    return {
        "organisation_id": owner.pk,
        "title": "Phụ nữ chung tay “3R”",
        "theme": "Giảm thiểu, tái sử dụng, tái chế",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
    } | changes


def test_create_then_read_back_the_campaign(api, people, owner):
    client = api(people["officer"])

    created = client.post(BASE, body(owner), content_type="application/json")

    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    detail = client.get(f"{BASE}/{campaign_id}").json()
    assert detail["status"] == "planned"
    assert detail["organisation"]["id"] == owner.pk
    assert detail["steps"] == []  # an officer may not launch


def test_create_with_the_period_reversed_is_a_400_and_creates_nothing(api, people, owner):
    response = api(people["officer"]).post(
        BASE, body(owner, ends_on="2024-01-01"), content_type="application/json"
    )

    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_create_for_an_organisation_of_another_province_is_refused(api, people):
    stranger = OrganisationFactory(territory=people["other_province"])

    response = api(people["officer"]).post(BASE, body(stranger), content_type="application/json")

    assert response.status_code == 422
    assert not Campaign.objects.exists()


def test_update_with_a_stale_version_is_409(api, people, owner):
    campaign = CampaignFactory(organisation=owner, version=3)

    response = api(people["officer"]).put(
        f"{BASE}/{campaign.pk}", body(owner, version=2), content_type="application/json"
    )

    assert response.status_code == 409
    campaign.refresh_from_db()
    assert campaign.version == 3


def test_lifecycle_through_the_api_and_awards_at_the_end(api, people, owner):
    campaign = CampaignFactory(organisation=owner)
    client = api(people["leader"])
    refused = client.post(f"{BASE}/{campaign.pk}/steps/start", {}, content_type="application/json")
    assert refused.status_code == 400  # no indicator yet

    CampaignIndicatorFactory(campaign=campaign)
    assert (
        client.post(
            f"{BASE}/{campaign.pk}/steps/start", {}, content_type="application/json"
        ).json()["status"]
        == "running"
    )
    early = client.post(
        f"{BASE}/{campaign.pk}/awards",
        {"subject": "individual", "name": "Chị Nguyễn Thị Hoa", "award": "Giấy khen"},
        content_type="application/json",
    )
    assert early.status_code == 400
    ended = client.post(
        f"{BASE}/{campaign.pk}/steps/end", {"results": "Xong"}, content_type="application/json"
    )
    assert ended.json()["status"] == "ended"
    award = client.post(
        f"{BASE}/{campaign.pk}/awards",
        {"subject": "individual", "name": "Chị Nguyễn Thị Hoa", "award": "Giấy khen"},
        content_type="application/json",
    )
    assert award.status_code == 201
    assert [a["name"] for a in client.get(f"{BASE}/{campaign.pk}/awards").json()] == [
        "Chị Nguyễn Thị Hoa"
    ]


def test_an_officer_cannot_launch_a_campaign(api, people, owner):
    campaign = CampaignFactory(organisation=owner)
    CampaignIndicatorFactory(campaign=campaign)

    response = api(people["officer"]).post(
        f"{BASE}/{campaign.pk}/steps/start", {}, content_type="application/json"
    )

    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNED


def test_indicators_and_progress_round_trip(api, people, owner):
    campaign = CampaignFactory(
        organisation=owner, status=CampaignStatus.RUNNING,
        starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
    )  # fmt: skip
    client = api(people["officer"])
    indicator = client.post(
        f"{BASE}/{campaign.pk}/indicators",
        {"name": "Hộ phân loại rác", "unit": "hộ", "target_value": "400"},
        content_type="application/json",
    ).json()

    saved = client.put(
        f"{BASE}/{campaign.pk}/progress/2025/h1",
        {"values": {str(indicator["id"]): "100"}},
        content_type="application/json",
    )

    assert saved.status_code == 200, saved.content
    (row,) = saved.json()["rows"]
    assert float(row["actual"]) == 100
    assert float(row["percent"]) == 25
    listed = client.get(f"{BASE}/{campaign.pk}/progress").json()
    assert [(r["year"], r["period"]) for r in listed] == [(2025, "h1")]


def test_link_candidates_and_links(api, people, owner, place):
    _province, commune_a, commune_b = place
    campaign = CampaignFactory(organisation=owner)
    here = InitiativeFactory(territory=commune_a, name="Mô hình rác thải nhựa Đông Triều")
    InitiativeFactory(territory=commune_b, name="Mô hình rác thải xã Quảng Hà")
    client = api(people["officer"])

    found = client.get(
        f"{BASE}/{campaign.pk}/link-candidates",
        {"target_type": "initiatives.model", "q": "rac thai"},
    ).json()
    linked = client.post(
        f"{BASE}/{campaign.pk}/links",
        {"target_type": "initiatives.model", "target_id": str(here.pk)},
        content_type="application/json",
    )

    assert [c["target_id"] for c in found] == [str(here.pk)]
    assert linked.status_code == 201
    assert linked.json()["links"][0]["title"] == here.name
