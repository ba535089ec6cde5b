"""Factories for plans, indicators, tasks and progress; rows are built directly, the rules are
tested through the services. The campaign factories reuse Indicator/ProgressReport here."""

import factory
from django.utils import timezone

from danvan.core.search import search_key
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import (
    Aggregation,
    Indicator,
    IndicatorValue,
    Period,
    Plan,
    PlanTask,
    ProgressReport,
)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    territory = factory.LazyAttribute(lambda o: o.organisation.territory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.Sequence(lambda n: f"Kế hoạch công tác dân vận số {n}")
    goals = "Nâng cao chất lượng phong trào thi đua “Dân vận khéo”."
    search_text = factory.LazyAttribute(lambda o: search_key(o.title))


class IndicatorFactory(factory.django.DjangoModelFactory):
    """An indicator of a plan (pass campaign=..., plan=None for a campaign's)."""

    class Meta:
        model = Indicator

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"chi-tieu-{n}")
    name = factory.Sequence(lambda n: f"Số mô hình “Dân vận khéo” {n}")
    unit = "mô hình"
    target_value = 10
    aggregation = Aggregation.SUM


class PlanTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanTask

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Tổ chức hội nghị quán triệt số {n}")
    owner_name = "Ban Dân vận"


class ProgressReportFactory(factory.django.DjangoModelFactory):
    """A report of a plan (pass campaign=..., plan=None for a campaign's)."""

    class Meta:
        model = ProgressReport

    plan = factory.SubFactory(PlanFactory)
    year = factory.LazyAttribute(lambda o: o.plan.year if o.plan else o.campaign.starts_on.year)
    period = Period.H1


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    report = factory.SubFactory(ProgressReportFactory)
    indicator = factory.SubFactory(IndicatorFactory, plan=factory.SelfAttribute("..report.plan"))
    value = 5
