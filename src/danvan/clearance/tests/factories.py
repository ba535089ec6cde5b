"""Factories for land-clearance records; money goes through the services so totals stay true."""

from datetime import date
from decimal import Decimal

import factory

from danvan.clearance.models import (
    Donation,
    Household,
    PeakCampaign,
    Project,
    ProjectKind,
    TaskForce,
    WorksKind,
)
from danvan.core.search import search_key
from danvan.territories.tests.factories import CommuneFactory


class TaskForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskForce

    name = factory.Sequence(lambda n: f"Tổ dân vận số {n}")
    territory = factory.SubFactory(CommuneFactory)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Đường nội thị số {n}")
    code = factory.Sequence(lambda n: f"DA-{n:04d}")
    investor = "Ban Quản lý dự án đầu tư xây dựng"
    kind = ProjectKind.STATE_RECOVERY
    territory = factory.SubFactory(CommuneFactory)
    year = 2025
    planned_area = Decimal("5000")
    planned_households = 10
    budget = 10_000_000_000
    search_name = factory.LazyAttribute(lambda o: search_key(o.code, o.name))

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create:
            self.units.set(extracted or [self.territory])


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: f"H{n:04d}")
    head_name = factory.Sequence(lambda n: f"Trần Văn Hộ {n}")
    head_id_number = factory.Sequence(lambda n: f"0492{n:08d}")
    phone = factory.Sequence(lambda n: f"0905{n:06d}")
    address = "Tổ 3"
    village = "Khối phố 5"
    search_name = factory.LazyAttribute(lambda o: search_key(o.code, o.head_name, o.village))


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeakCampaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Đợt cao điểm {n}")
    territory = factory.SubFactory(CommuneFactory)
    starts_on = date(2025, 9, 1)
    ends_on = date(2025, 9, 30)
    target_households = 10
    target_area = Decimal("1000")

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    territory = factory.SubFactory(CommuneFactory)
    donor_name = factory.Sequence(lambda n: f"Hộ ông Lê Văn {n}")
    area = Decimal("120.5")
    value = 51_815_000
    works_kind = WorksKind.ROAD
    works_name = "Đường bê tông thôn Phú Ninh"
    donated_on = date(2025, 3, 5)
    search_name = factory.LazyAttribute(lambda o: search_key(o.donor_name, o.works_name))
