from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from danvan.audit.models import AuditEvent
from danvan.core import indicators
from danvan.core.errors import ConflictError, DomainError
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import IndicatorValue, Period, ProgressReport, ReportStatus
from danvan.plans.selectors import indicator_progress, percent_of
from danvan.plans.services import progress
from danvan.plans.tests.factories import IndicatorFactory, PlanFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(place):
    province, _, _ = place
    return PlanFactory(organisation=OrganisationFactory(territory=province), year=2025)


@pytest.fixture
def counted_source():
    """A registered source that records what it was asked for and answers a fixed figure."""
    calls = []

    def compute(territory, first, last):
        calls.append((territory, first, last))
        return 7

    source = indicators.IndicatorSource(
        key="test.counted",
        label="Counted in tests",
        unit="items",
        domain="",
        compute=compute,
        drill_url=lambda territory, first, last: f"/drill/?from={first:%d/%m/%Y}",
    )
    indicators.get_source("test.counted")  # make sure autodiscovery ran before adding ours
    indicators.register_source(source)
    yield calls
    indicators._SOURCES.pop("test.counted", None)


def test_get_or_create_makes_one_draft_report_per_period(plan, people):
    first = progress.progress_report_get_or_create(
        owner=plan, year=2025, period=Period.H1, actor=people["officer"]
    )
    again = progress.progress_report_get_or_create(
        owner=plan, year=2025, period=Period.H1, actor=people["officer"]
    )

    assert first.pk == again.pk
    assert first.status == ReportStatus.DRAFT
    assert ProgressReport.objects.filter(plan=plan).count() == 1
    assert AuditEvent.objects.filter(object_type="plans.progressreport").count() == 1


def test_get_or_create_refuses_a_year_outside_the_plan(plan, people):
    with pytest.raises(DomainError) as error:
        progress.progress_report_get_or_create(
            owner=plan, year=2024, period=Period.H1, actor=people["officer"]
        )

    assert error.value.field == "year"
    assert not ProgressReport.objects.exists()


def test_viewer_may_open_an_existing_report_but_not_create_one(plan, people):
    with pytest.raises(PermissionDenied):
        progress.progress_report_get_or_create(
            owner=plan, year=2025, period=Period.YEAR, actor=people["viewer"]
        )
    report = ProgressReportFactory(plan=plan, period=Period.YEAR)

    assert (
        progress.progress_report_get_or_create(
            owner=plan, year=2025, period=Period.YEAR, actor=people["viewer"]
        ).pk
        == report.pk
    )


def test_officer_of_another_province_cannot_open_reports(plan, people):
    with pytest.raises(PermissionDenied):
        progress.progress_report_get_or_create(
            owner=plan, year=2025, period=Period.H1, actor=people["outsider"]
        )


def test_save_values_stores_figures_and_audits_old_and_new(plan, people):
    indicator = IndicatorFactory(plan=plan)
    report = ProgressReportFactory(plan=plan)
    progress.progress_values_save(
        report=report, values={indicator.pk: Decimal(4)}, version=1, actor=people["officer"]
    )

    report = progress.progress_values_save(
        report=report,
        values={indicator.pk: "12,5"},
        notes={indicator.pk: "Vượt tiến độ"},
        version=2,
        actor=people["officer"],
    )

    stored = IndicatorValue.objects.get(report=report, indicator=indicator)
    assert stored.value == Decimal("12.50")
    assert stored.note == "Vượt tiến độ"
    assert report.version == 3
    last = AuditEvent.objects.filter(object_type="plans.progressreport").latest("seq")
    assert last.changes[f"indicator:{indicator.pk}"] == ["4.00", "12.50"]


def test_save_values_with_a_stale_version_changes_nothing(plan, people):
    indicator = IndicatorFactory(plan=plan)
    report = ProgressReportFactory(plan=plan)
    progress.progress_values_save(
        report=report, values={indicator.pk: Decimal(4)}, version=1, actor=people["officer"]
    )

    with pytest.raises(ConflictError):
        progress.progress_values_save(
            report=report, values={indicator.pk: Decimal(9)}, version=1, actor=people["officer"]
        )

    assert IndicatorValue.objects.get(indicator=indicator).value == Decimal(4)


def test_save_values_refuses_a_computed_indicator(plan, people, counted_source):
    computed = IndicatorFactory(plan=plan, source="test.counted")
    report = ProgressReportFactory(plan=plan)

    with pytest.raises(DomainError) as error:
        progress.progress_values_save(
            report=report, values={computed.pk: Decimal(3)}, version=1, actor=people["officer"]
        )

    assert error.value.code == "computed"
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("bad", ["-1", "abc", "1,234", Decimal("1e20")])
def test_save_values_refuses_bad_figures(plan, people, bad):
    indicator = IndicatorFactory(plan=plan)
    report = ProgressReportFactory(plan=plan)

    with pytest.raises(DomainError):
        progress.progress_values_save(
            report=report, values={indicator.pk: bad}, version=1, actor=people["officer"]
        )

    assert not IndicatorValue.objects.exists()


def test_save_values_refuses_an_indicator_of_another_plan(plan, people):
    foreign = IndicatorFactory()
    report = ProgressReportFactory(plan=plan)

    with pytest.raises(DomainError):
        progress.progress_values_save(
            report=report, values={foreign.pk: Decimal(1)}, version=1, actor=people["officer"]
        )


def test_submitted_report_refuses_new_figures_until_reopened(plan, people):
    indicator = IndicatorFactory(plan=plan)
    report = ProgressReportFactory(plan=plan)
    report = progress.progress_report_submit(report=report, actor=people["leader"])

    with pytest.raises(DomainError) as error:
        progress.progress_values_save(
            report=report, values={indicator.pk: Decimal(1)}, version=None, actor=people["officer"]
        )
    assert error.value.code == "submitted"

    report = progress.progress_report_reopen(
        report=report, actor=people["leader"], reason="Sai số liệu"
    )
    progress.progress_values_save(
        report=report, values={indicator.pk: Decimal(1)}, version=None, actor=people["officer"]
    )
    assert report.status == ReportStatus.DRAFT
    assert IndicatorValue.objects.get(indicator=indicator).value == 1


def test_submit_is_a_leaders_step(plan, people):
    report = ProgressReportFactory(plan=plan)

    with pytest.raises(PermissionDenied):
        progress.progress_report_submit(report=report, actor=people["officer"])
    report = progress.progress_report_submit(report=report, actor=people["leader"])

    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == people["leader"]
    assert report.submitted_at is not None


def test_reopen_needs_a_reason(plan, people):
    report = progress.progress_report_submit(
        report=ProgressReportFactory(plan=plan), actor=people["leader"]
    )

    with pytest.raises(DomainError):
        progress.progress_report_reopen(report=report, actor=people["leader"], reason=" ")


def test_compute_fills_computed_indicators_for_the_period_and_unit(plan, people, counted_source):
    computed = IndicatorFactory(plan=plan, source="test.counted")
    typed = IndicatorFactory(plan=plan)
    report = ProgressReportFactory(plan=plan, period=Period.H1)

    progress.progress_compute(report=report, actor=people["officer"])

    value = IndicatorValue.objects.get(indicator=computed)
    assert value.value == 7
    assert value.source == "test.counted"
    assert value.computed_at is not None
    assert not IndicatorValue.objects.filter(indicator=typed).exists()
    assert counted_source == [(plan.territory, date(2025, 1, 1), date(2025, 6, 30))]


def test_indicator_progress_rows_show_percent_source_and_drill_link(plan, people, counted_source):
    computed = IndicatorFactory(plan=plan, source="test.counted", target_value=14)
    typed = IndicatorFactory(plan=plan, target_value=None)
    report = ProgressReportFactory(plan=plan, period=Period.YEAR)
    progress.progress_compute(report=report, actor=people["officer"])

    rows = {row.indicator.pk: row for row in indicator_progress(report)}

    assert rows[computed.pk].actual == 7
    assert rows[computed.pk].percent == Decimal("50.0")
    assert rows[computed.pk].is_computed
    assert rows[computed.pk].source_label == "Counted in tests"
    assert rows[computed.pk].drill_url == "/drill/?from=01/01/2025"
    assert rows[typed.pk].actual is None
    assert rows[typed.pk].percent is None
    assert not rows[typed.pk].is_computed


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [(Decimal(1), Decimal(3), Decimal("33.3")), (Decimal(2), Decimal(3), Decimal("66.7")),
     (Decimal(5), Decimal(0), None), (None, Decimal(3), None)],
)  # fmt: skip
def test_percent_of_target_rounds_half_up(actual, target, expected):
    assert percent_of(actual, target) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1.234", Decimal(1234)), ("1.234.567", Decimal(1234567)), ("12,5", Decimal("12.50")),
     ("12.5", Decimal("12.50")), ("1.234,75", Decimal("1234.75")), ("85%", Decimal(85)),
     ("", None)],
)  # fmt: skip
def test_parse_value_reads_vietnamese_numbers(typed, expected):
    assert progress.parse_value(typed) == expected
