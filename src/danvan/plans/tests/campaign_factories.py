"""Factories for campaigns, their links and awards; indicators and reports come from
`factories.py` (pass campaign=..., plan=None)."""

from datetime import date

import factory
from django.utils import timezone

from danvan.core.search import search_key
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import AwardSubject, Campaign, CampaignAward, CampaignLink
from danvan.plans.tests.factories import IndicatorFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    territory = factory.LazyAttribute(lambda o: o.organisation.territory)
    title = factory.Sequence(lambda n: f"Phong trào “Phụ nữ 3R” đợt {n}")
    theme = "Giảm thiểu, tái sử dụng, tái chế"
    starts_on = factory.LazyFunction(lambda: date(timezone.localdate().year, 1, 1))
    ends_on = factory.LazyFunction(lambda: date(timezone.localdate().year, 12, 31))
    search_text = factory.LazyAttribute(lambda o: search_key(o.title, o.theme))


class CampaignIndicatorFactory(IndicatorFactory):
    plan = None
    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Số hộ gia đình phân loại rác tại nguồn {n}")
    unit = "hộ"
    target_value = 200


class CampaignLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignLink

    campaign = factory.SubFactory(CampaignFactory)
    target_type = "initiatives.model"
    target_id = "1"


class CampaignAwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignAward

    campaign = factory.SubFactory(CampaignFactory)
    subject = AwardSubject.COLLECTIVE
    name = factory.Sequence(lambda n: f"Chi hội Phụ nữ khu {n}")
    award = "Giấy khen"
