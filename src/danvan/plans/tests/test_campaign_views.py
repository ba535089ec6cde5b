"""Campaign pages: list and filters, the form, the campaign page, steps, links, awards, figures."""

from datetime import date

import pytest
from django.urls import reverse

from danvan.initiatives.tests.factories import InitiativeFactory
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import Campaign, CampaignStatus, IndicatorValue
from danvan.plans.tests.campaign_factories import (
    CampaignAwardFactory,
    CampaignFactory,
    CampaignIndicatorFactory,
    CampaignLinkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(place):
    return OrganisationFactory(territory=place[1], name="Đoàn Thanh niên phường Đông Triều")


def test_list_filters_by_accent_free_search_and_status(client, people, owner):
    CampaignFactory(organisation=owner, title="Thanh niên khởi nghiệp và hội nhập")
    CampaignFactory(organisation=owner, title="An toàn giao thông học đường",
                    status=CampaignStatus.RUNNING)  # fmt: skip
    client.force_login(people["viewer"])

    found = client.get(reverse("campaigns:campaign-list"), {"q": "khoi nghiep"})
    running = client.get(reverse("campaigns:campaign-list"), {"status": "running"})

    assert "Thanh niên khởi nghiệp" in found.content.decode()
    assert "An toàn giao thông" not in found.content.decode()
    assert "An toàn giao thông" in running.content.decode()
    assert "khởi nghiệp" not in running.content.decode()


def test_list_query_count_does_not_grow_with_rows(
    client, people, owner, django_assert_max_num_queries
):
    for n in range(12):
        campaign = CampaignFactory(organisation=owner, title=f"Phong trào {n}")
        CampaignIndicatorFactory(campaign=campaign)
    client.force_login(people["viewer"])
    client.get(reverse("campaigns:campaign-list"))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:campaign-list"))

    assert response.content.decode().count("/campaigns/") >= 12


def test_htmx_filter_returns_only_the_table(client, people, owner):
    CampaignFactory(organisation=owner)
    client.force_login(people["viewer"])

    response = client.get(
        reverse("campaigns:campaign-list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="campaign-table"
    )

    assert response.content.decode().startswith('<div id="campaign-table"')


def test_create_through_the_form(client, people, owner):
    client.force_login(people["officer"])

    response = client.post(
        reverse("campaigns:campaign-create"),
        {"organisation": owner.pk, "title": "Khu dân cư đoàn kết", "starts_on": "01/03/2025",
         "ends_on": "31/12/2025"},
    )  # fmt: skip

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("campaigns:campaign-detail", args=[campaign.pk])
    assert campaign.starts_on == date(2025, 3, 1)


def test_form_errors_are_shown_and_nothing_is_saved(client, people, owner):
    client.force_login(people["officer"])

    response = client.post(
        reverse("campaigns:campaign-create"),
        {
            "organisation": owner.pk,
            "title": "X",
            "starts_on": "31/12/2025",
            "ends_on": "32/01/2025",
        },
    )

    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_campaign_page_shows_progress_links_and_awards(client, people, owner, place):
    campaign = CampaignFactory(organisation=owner, status=CampaignStatus.ENDED,
                               starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))  # fmt: skip
    indicator = CampaignIndicatorFactory(campaign=campaign, name="Thanh niên có việc làm",
                                         target_value=200)  # fmt: skip
    from danvan.plans.tests.factories import ProgressReportFactory

    for period, value in (("h1", 80), ("year", 150)):
        report = ProgressReportFactory(plan=None, campaign=campaign, year=2025, period=period)
        IndicatorValue.objects.create(report=report, indicator=indicator, value=value)
    model = InitiativeFactory(territory=place[1], name="Mô hình thanh niên tình nguyện")
    CampaignLinkFactory(campaign=campaign, target_id=str(model.pk))
    CampaignAwardFactory(campaign=campaign, name="Chi đoàn khu 5")
    client.force_login(people["leader"])

    page = client.get(reverse("campaigns:campaign-detail", args=[campaign.pk])).content.decode()

    assert "75%" in page.replace("\xa0", "")  # 150 of 200, the year report is the latest
    assert "Mô hình thanh niên tình nguyện" in page
    assert "Chi đoàn khu 5" in page
    assert page.count("<svg") >= 2


def test_leader_launches_from_the_page_and_officer_sees_no_button(client, people, owner):
    campaign = CampaignFactory(organisation=owner)
    CampaignIndicatorFactory(campaign=campaign)
    client.force_login(people["officer"])
    assert (
        "step-start"
        not in client.get(reverse("campaigns:campaign-detail", args=[campaign.pk])).content.decode()
    )
    forbidden = client.post(reverse("campaigns:campaign-step", args=[campaign.pk, "start"]))
    assert forbidden.status_code == 403

    client.force_login(people["leader"])
    response = client.post(
        reverse("campaigns:campaign-step", args=[campaign.pk, "start"]),
        {"version": campaign.version},
    )

    campaign.refresh_from_db()
    assert response.status_code == 302
    assert campaign.status == CampaignStatus.RUNNING


def test_cancel_without_a_reason_shows_the_message(client, people, owner):
    campaign = CampaignFactory(organisation=owner)
    client.force_login(people["leader"])

    response = client.post(reverse("campaigns:campaign-step", args=[campaign.pk, "cancel"]), {})

    assert response.status_code == 400
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNED


def test_link_search_offers_only_records_in_scope(client, people, owner, place):
    campaign = CampaignFactory(organisation=owner)
    InitiativeFactory(territory=place[1], name="Đường hoa thanh niên")
    InitiativeFactory(territory=place[2], name="Đường hoa Quảng Hà")
    client.force_login(people["commune_officer"])

    response = client.get(
        reverse("campaigns:campaign-link-search", args=[campaign.pk]),
        {"target_type": "initiatives.model", "link_q": "duong hoa"},
    )

    assert "Đường hoa thanh niên" in response.content.decode()
    assert "Quảng Hà" not in response.content.decode()


def test_award_form_only_when_ended(client, people, owner):
    campaign = CampaignFactory(organisation=owner, status=CampaignStatus.RUNNING)
    client.force_login(people["leader"])

    response = client.post(
        reverse("campaigns:campaign-award-add", args=[campaign.pk]),
        {"subject": "collective", "name": "Chi đoàn 1", "award": "Giấy khen"},
    )

    assert response.status_code == 400
    assert not campaign.awards.exists()


def test_figures_are_typed_on_the_progress_page(client, people, owner):
    campaign = CampaignFactory(organisation=owner, status=CampaignStatus.RUNNING,
                               starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))  # fmt: skip
    indicator = CampaignIndicatorFactory(campaign=campaign, target_value=100)
    client.force_login(people["officer"])
    url = reverse("campaigns:campaign-progress", args=[campaign.pk])
    page = client.get(url, {"year": 2025, "period": "h1"})
    assert page.status_code == 200

    response = client.post(
        url, {"year": 2025, "period": "h1", "version": 1, f"value_{indicator.pk}": "1.250,5"}
    )

    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == 1250.5
