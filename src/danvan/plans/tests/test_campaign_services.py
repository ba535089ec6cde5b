"""Campaign services: the record, its lifecycle per role, indicators, links, awards, progress."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from danvan.audit.models import AuditEvent
from danvan.core.errors import ConflictError, DomainError
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import Campaign, CampaignStatus, Period
from danvan.plans.services import campaigns as services
from danvan.plans.tests.campaign_factories import (
    CampaignAwardFactory,
    CampaignFactory,
    CampaignIndicatorFactory,
)

pytestmark = pytest.mark.django_db


def data_for(organisation, **changes) -> services.CampaignData:
    values = {
        "organisation": organisation,
        "title": "Phong trào “Nông dân sản xuất hữu cơ”",
        "theme": "Chuỗi giá trị hữu cơ và thương mại điện tử",
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2025, 12, 31),
    }
    return services.CampaignData(**(values | changes))


def events_of(campaign) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="plans.campaign", object_id=str(campaign.pk)
        ).order_by("seq")
    )


@pytest.fixture
def owner(place):
    _province, commune_a, _ = place
    return OrganisationFactory(territory=commune_a, name="Hội Nông dân phường Đông Triều")


def test_create_registers_a_planned_campaign_with_members_and_an_audit_row(place, people, owner):
    _province, commune_a, commune_b = place
    partner = OrganisationFactory(territory=commune_b, name="Hội Phụ nữ xã Quảng Hà")

    campaign = services.campaign_create(
        data=data_for(owner, participants=[partner]), actor=people["officer"]
    )

    assert campaign.status == CampaignStatus.PLANNED
    assert campaign.territory == commune_a
    assert list(campaign.participants.all()) == [partner]
    assert "nong dan san xuat huu co" in campaign.search_text
    (event,) = events_of(campaign)
    assert event.action == "create"
    assert event.changes["participants"] == [partner.pk]


def test_create_outside_the_officers_scope_is_refused(people, owner):
    with pytest.raises(PermissionDenied):
        services.campaign_create(data=data_for(owner), actor=people["outsider"])

    assert not Campaign.objects.exists()


def test_a_viewer_cannot_create(people, owner):
    with pytest.raises(PermissionDenied):
        services.campaign_create(data=data_for(owner), actor=people["viewer"])


def test_a_campaign_cannot_end_before_it_starts(people, owner):
    with pytest.raises(DomainError) as caught:
        services.campaign_create(
            data=data_for(owner, ends_on=date(2024, 12, 31)), actor=people["officer"]
        )

    assert caught.value.field == "ends_on"


def test_units_taking_part_must_lie_within_the_owners_unit(place, people, owner):
    _province, _commune_a, commune_b = place

    with pytest.raises(DomainError) as caught:
        services.campaign_create(
            data=data_for(owner, territories=[commune_b]), actor=people["officer"]
        )

    assert caught.value.field == "territories"


def test_participants_of_another_province_are_refused(people, owner):
    stranger = OrganisationFactory(territory=people["other_province"])

    with pytest.raises(DomainError) as caught:
        services.campaign_create(
            data=data_for(owner, participants=[stranger]), actor=people["officer"]
        )

    assert caught.value.field == "participants"


def test_update_with_a_stale_version_is_a_conflict_and_changes_nothing(people, owner):
    campaign = services.campaign_create(data=data_for(owner), actor=people["officer"])
    services.campaign_update(
        campaign=campaign,
        data=data_for(owner, title="Tên mới"),
        actor=people["officer"],
        expected_version=1,
    )

    with pytest.raises(ConflictError):
        services.campaign_update(
            campaign=campaign,
            data=data_for(owner, title="Tên của người thứ hai"),
            actor=people["officer"],
            expected_version=1,
        )

    campaign.refresh_from_db()
    assert campaign.title == "Tên mới"
    assert events_of(campaign)[-1].changes["title"] == [
        "Phong trào “Nông dân sản xuất hữu cơ”",
        "Tên mới",
    ]


def test_start_needs_an_indicator_and_a_leader(people, owner):
    campaign = CampaignFactory(organisation=owner)
    with pytest.raises(DomainError) as caught:
        services.campaign_start(campaign=campaign, actor=people["leader"])
    assert caught.value.code == "guard_failed"

    CampaignIndicatorFactory(campaign=campaign)
    with pytest.raises(PermissionDenied):
        services.campaign_start(campaign=campaign, actor=people["officer"])

    started = services.campaign_start(campaign=campaign, actor=people["leader"])
    assert started.status == CampaignStatus.RUNNING
    assert events_of(campaign)[-1].changes["status"] == ["planned", "running"]


def test_end_is_only_possible_from_running_and_keeps_the_results(people, owner):
    campaign = CampaignFactory(organisation=owner)
    with pytest.raises(DomainError):
        services.campaign_end(campaign=campaign, actor=people["leader"])

    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.RUNNING)
    ended = services.campaign_end(
        campaign=campaign, actor=people["leader"], results="1.200 hộ tham gia"
    )

    assert ended.status == CampaignStatus.ENDED
    assert ended.results == "1.200 hộ tham gia"


def test_cancel_needs_a_reason_and_blocks_later_edits(people, owner):
    campaign = CampaignFactory(organisation=owner)
    with pytest.raises(DomainError) as caught:
        services.campaign_cancel(campaign=campaign, reason=" ", actor=people["leader"])
    assert caught.value.code == "reason_required"

    services.campaign_cancel(campaign=campaign, reason="Trùng kế hoạch", actor=people["leader"])
    campaign.refresh_from_db()

    assert campaign.cancel_reason == "Trùng kế hoạch"
    with pytest.raises(DomainError):
        services.campaign_update(campaign=campaign, data=data_for(owner), actor=people["officer"])
    with pytest.raises(DomainError):
        services.campaign_start(campaign=campaign, actor=people["leader"])


def test_a_leader_of_another_province_cannot_step_a_campaign(people, owner):
    campaign = CampaignFactory(organisation=owner)
    CampaignIndicatorFactory(campaign=campaign)

    with pytest.raises(PermissionDenied):
        services.campaign_start(campaign=campaign, actor=people["outside_leader"])

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNED


def test_indicators_are_added_changed_and_removed_with_audit(people, owner):
    campaign = CampaignFactory(organisation=owner)

    indicator = services.indicator_add(
        campaign=campaign,
        data=services.IndicatorData(name="Hộ bán hàng qua mạng", unit="hộ", target_value="150"),
        actor=people["officer"],
    )
    services.indicator_update(
        indicator=indicator,
        data=services.IndicatorData(name="Hộ bán hàng qua mạng", unit="hộ", target_value=180),
        actor=people["officer"],
    )
    services.indicator_remove(indicator=indicator, actor=people["officer"])

    kinds = [next(iter(e.changes)) for e in events_of(campaign)]
    assert kinds == ["indicator_added", "indicator_changed", "indicator_removed"]
    assert events_of(campaign)[1].changes["indicator_changed"][1]["target_value"] == "180.00"
    assert not campaign.indicators.exists()


@pytest.mark.parametrize("target", ["-1", "abc", "1e30"])
def test_an_indicator_with_a_bad_target_is_refused(people, owner, target):
    campaign = CampaignFactory(organisation=owner)

    with pytest.raises(DomainError) as caught:
        services.indicator_add(
            campaign=campaign,
            data=services.IndicatorData(name="Hộ", unit="hộ", target_value=target),
            actor=people["officer"],
        )

    assert caught.value.field == "target_value"
    assert not campaign.indicators.exists()


def test_an_unknown_source_is_refused(people, owner):
    campaign = CampaignFactory(organisation=owner)

    with pytest.raises(DomainError) as caught:
        services.indicator_add(
            campaign=campaign,
            data=services.IndicatorData(name="Hộ", unit="hộ", source="no.such.source"),
            actor=people["officer"],
        )

    assert caught.value.field == "source"


def test_awards_are_recorded_only_once_the_campaign_ended(people, owner):
    campaign = CampaignFactory(organisation=owner, status=CampaignStatus.RUNNING)
    award = services.AwardData(
        subject="collective", name="Chi hội Nông dân khu 3", award="Giấy khen"
    )
    with pytest.raises(DomainError) as caught:
        services.award_add(campaign=campaign, data=award, actor=people["leader"])
    assert caught.value.code == "not_ended"

    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.ENDED)
    campaign.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.award_add(campaign=campaign, data=award, actor=people["officer"])

    recorded = services.award_add(campaign=campaign, data=award, actor=people["leader"])
    assert recorded.name == "Chi hội Nông dân khu 3"
    assert events_of(campaign)[-1].changes["award_added"][1]["name"] == recorded.name


def test_an_award_for_an_organisation_outside_the_campaign_unit_is_refused(place, people, owner):
    _province, _commune_a, commune_b = place
    campaign = CampaignFactory(organisation=owner, status=CampaignStatus.ENDED)
    elsewhere = OrganisationFactory(territory=commune_b)

    with pytest.raises(DomainError):
        services.award_add(
            campaign=campaign,
            data=services.AwardData(
                subject="collective", name="X", award="Giấy khen", organisation=elsewhere
            ),
            actor=people["leader"],
        )

    assert not campaign.awards.exists()


def test_award_remove_is_audited(people, owner):
    campaign = CampaignFactory(organisation=owner, status=CampaignStatus.ENDED)
    award = CampaignAwardFactory(campaign=campaign)

    services.award_remove(award=award, actor=people["leader"])

    assert not campaign.awards.exists()
    assert events_of(campaign)[-1].changes["award_removed"][0]["name"] == award.name


def test_figures_go_through_the_shared_progress_services(people, owner):
    campaign = CampaignFactory(
        organisation=owner, starts_on=date(2025, 3, 1), ends_on=date(2025, 12, 31)
    )
    indicator = CampaignIndicatorFactory(campaign=campaign, target_value=200)
    with pytest.raises(DomainError) as caught:
        services.campaign_progress_report(
            campaign=campaign, year=2025, period=Period.H1, actor=people["officer"]
        )
    assert caught.value.code == "not_running"

    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.RUNNING)
    campaign.refresh_from_db()
    report = services.campaign_progress_report(
        campaign=campaign, year=2025, period=Period.H1, actor=people["officer"]
    )
    report = services.campaign_progress_save(
        report=report, values={indicator.pk: "150"}, version=report.version,
        actor=people["officer"],
    )  # fmt: skip

    assert report.campaign == campaign
    assert report.values.get().value == Decimal("150.00")
    with pytest.raises(PermissionDenied):
        services.campaign_progress_submit(report=report, actor=people["officer"])
    submitted = services.campaign_progress_submit(report=report, actor=people["leader"])
    assert submitted.status == "submitted"
