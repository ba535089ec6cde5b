"""The campaigns generator: Đông Triều's themed campaigns, 2 to 4 per province, idempotent."""

import io

import pytest
from django.core.management import call_command

from danvan.initiatives.models import Initiative
from danvan.plans.models import Campaign, CampaignAward, CampaignLink, Indicator, ProgressReport
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db
WARDS = ("Phường Đông Triều", "Phường Mạo Khê", "Phường Bình Khê", "Phường Hoàng Quế",
         "Phường An Sinh")  # fmt: skip


@pytest.fixture
def quang_ninh():
    province = ProvinceFactory(code=22, name="Tỉnh Quảng Ninh")
    for n, name in enumerate(WARDS):
        CommuneFactory(parent=province, code=7000 + n, name=name, division_type="phường")
    other = ProvinceFactory(code=95, name="Tỉnh Thử Nghiệm")
    CommuneFactory(parent=other, code=95001, name="Xã Bình An")
    return province, other


def generate() -> None:
    call_command(
        "generate", scale="national", only="organisations,users,initiatives,campaigns",
        stdout=io.StringIO(),
    )  # fmt: skip


def test_dong_trieu_campaigns_and_every_province_get_campaigns_once(quang_ninh):
    province, other = quang_ninh

    generate()
    counts = (Campaign.objects.count(), Indicator.objects.count(), CampaignAward.objects.count())
    generate()

    titles = set(Campaign.objects.values_list("title", flat=True))
    assert any("3T" in t for t in titles)
    assert any("5 an toàn" in t for t in titles)
    assert any("hữu cơ" in t for t in titles)
    dong_trieu = Campaign.objects.filter(territory__parent=province)
    assert set(dong_trieu.values_list("status", flat=True)) == {"ended", "running", "planned"}
    assert 2 <= Campaign.objects.filter(territory=other).count() <= 4
    for campaign in Campaign.objects.all():
        assert 2 <= campaign.indicators.count() <= 4
        assert campaign.status != "ended" or campaign.awards.exists()
    assert ProgressReport.objects.filter(campaign__status="ended", period="year").exists()
    assert not CampaignAward.objects.exclude(campaign__status="ended").exists()
    for link in CampaignLink.objects.select_related("campaign__territory"):
        model = Initiative.objects.select_related("territory").get(pk=link.target_id)
        assert model.territory.scope_path.startswith(link.campaign.territory.path)
    assert (Campaign.objects.count(), Indicator.objects.count(),
            CampaignAward.objects.count()) == counts  # fmt: skip
