"""Factories of report templates and generated reports; the rules are tested via the services."""

import factory
from django.utils import timezone

from danvan.organisations.tests.factories import OrganisationFactory, OrganisationKindFactory
from danvan.reports.models import GeneratedReport, ReportKind, ReportTemplate


class CommissionFactory(OrganisationFactory):
    """A province's mass-mobilisation commission (a party body)."""

    name = factory.Sequence(lambda n: f"Ban Tuyên giáo và Dân vận Tỉnh ủy số {n}")
    short_name = "BTGDVTU"
    kind = factory.SubFactory(OrganisationKindFactory, code="mass_mobilisation_commission")


class PeoplesCommitteeFactory(OrganisationFactory):
    """A People's Committee (a state body)."""

    name = factory.Sequence(lambda n: f"Ủy ban nhân dân số {n}")
    short_name = "UBND"
    kind = factory.SubFactory(OrganisationKindFactory, code="peoples_committee")


class ReportTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportTemplate

    name = factory.Sequence(lambda n: f"Mẫu báo cáo số {n}")
    kind = ReportKind.SIX_MONTH
    title = "Sơ kết công tác dân vận {period}"
    opening = "{organisation} báo cáo kết quả {period} như sau:"
    closing = "Tiếp tục triển khai kế hoạch năm {year}."
    recipients = "Thường trực Tỉnh ủy (b/c);\nLưu VP."
    signer_authority = "K/T TRƯỞNG BAN"
    signer_position = "PHÓ TRƯỞNG BAN"


class GeneratedReportFactory(factory.django.DjangoModelFactory):
    """A report row as the service leaves it before its task runs (queued, numbered)."""

    class Meta:
        model = GeneratedReport

    organisation = factory.SubFactory(CommissionFactory)
    territory = factory.LazyAttribute(lambda o: o.organisation.territory)
    kind = ReportKind.SIX_MONTH
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    number = factory.Sequence(lambda n: n + 1)
    number_label = factory.LazyAttribute(lambda o: f"Số {o.number}-BC/BTGDVTU")
    issued_on = factory.LazyFunction(timezone.localdate)
    place = "Quảng Ninh"
    signer_name = "Trần Quang Vinh"
