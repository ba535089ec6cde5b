from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import Aggregation, Period
from danvan.plans.rollup import aggregate, lower_plans, plan_rollup
from danvan.plans.tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    PlanFactory,
    ProgressReportFactory,
)
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

figures = st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2)


@given(st.lists(figures, max_size=30))
def test_sum_is_exact(values):
    result = aggregate(values, Aggregation.SUM)

    if values:
        assert result == sum(values, Decimal(0))
        assert result * 1 == sum(reversed(values), Decimal(0))
    else:
        assert result is None


@given(st.lists(figures, min_size=1, max_size=30))
def test_average_is_within_half_a_cent_of_the_true_mean(values):
    result = aggregate(values, Aggregation.AVERAGE)

    true_mean = sum(values, Decimal(0)) / len(values)
    assert abs(result - true_mean) <= Decimal("0.005")
    assert result == result.quantize(Decimal("0.01"))


@given(st.lists(st.one_of(st.none(), figures), max_size=10))
def test_unknown_figures_are_left_out_and_none_aggregation_gives_nothing(values):
    known = [v for v in values if v is not None]

    assert aggregate(values, Aggregation.SUM) == (sum(known, Decimal(0)) if known else None)
    assert aggregate(values, Aggregation.NONE) is None


def test_average_rounds_half_away_from_zero():
    assert aggregate([Decimal("0.01"), Decimal("0.02")], Aggregation.AVERAGE) == Decimal("0.02")


@pytest.fixture
def tree(place):
    province, commune_a, commune_b = place
    plan = PlanFactory(organisation=OrganisationFactory(territory=province), year=2025)
    lower_a = PlanFactory(organisation=OrganisationFactory(territory=commune_a), year=2025)
    lower_b = PlanFactory(organisation=OrganisationFactory(territory=commune_b), year=2025)
    return plan, lower_a, lower_b


def value(plan, indicator, amount, period=Period.H1):
    report = ProgressReportFactory(plan=plan, period=period)
    return IndicatorValueFactory(report=report, indicator=indicator, value=amount)


@pytest.mark.django_db
def test_lower_plans_are_those_of_the_subtree_and_year(tree):
    plan, lower_a, lower_b = tree
    PlanFactory(organisation=OrganisationFactory(territory=CommuneFactory(
        parent=ProvinceFactory())), year=2025)  # fmt: skip
    PlanFactory(organisation=lower_a.organisation, year=2024)

    assert set(lower_plans(plan)) == {lower_a, lower_b}


@pytest.mark.django_db
def test_rollup_sums_matching_codes_and_names(tree):
    plan, lower_a, lower_b = tree
    by_code = IndicatorFactory(plan=plan, code="mo-hinh", name="Mô hình", unit="mô hình")
    by_name = IndicatorFactory(plan=plan, code="", name="Hội nghị đối thoại", unit="cuộc")
    averaged = IndicatorFactory(
        plan=plan, code="ty-le", name="Tỷ lệ", unit="%", aggregation=Aggregation.AVERAGE
    )
    a_models = IndicatorFactory(plan=lower_a, code="mo-hinh", name="Số mô hình xã", unit="mh")
    b_models = IndicatorFactory(plan=lower_b, code="mo-hinh", name="Khác", unit="mô hình")
    a_talks = IndicatorFactory(plan=lower_a, code="", name="hoi nghi  DOI THOAI", unit="Cuộc")
    a_rate = IndicatorFactory(plan=lower_a, code="ty-le", unit="%")
    b_rate = IndicatorFactory(plan=lower_b, code="ty-le", unit="%")
    IndicatorFactory(plan=lower_b, code="", name="Hội nghị đối thoại", unit="lượt")  # other unit
    report_a = ProgressReportFactory(plan=lower_a, period=Period.H1)
    report_b = ProgressReportFactory(plan=lower_b, period=Period.H1)
    for report, indicator, amount in [
        (report_a, a_models, "3.50"), (report_b, b_models, "4.25"), (report_a, a_talks, "2"),
        (report_a, a_rate, "80"), (report_b, b_rate, "95.5"),
    ]:  # fmt: skip
        IndicatorValueFactory(report=report, indicator=indicator, value=Decimal(amount))
    ProgressReportFactory(plan=lower_a, period=Period.YEAR)  # another period does not count

    rows = {row.indicator.pk: row for row in plan_rollup(plan, Period.H1)}

    assert rows[by_code.pk].value == Decimal("7.75")
    assert {c.plan for c in rows[by_code.pk].contributions} == {lower_a, lower_b}
    assert rows[by_name.pk].value == Decimal(2)
    assert [c.indicator for c in rows[by_name.pk].contributions] == [a_talks]
    assert rows[averaged.pk].value == Decimal("87.75")


@pytest.mark.django_db
def test_rollup_leaves_out_plans_the_viewer_cannot_see(tree, people):
    plan, lower_a, lower_b = tree
    upper = IndicatorFactory(plan=plan, code="mo-hinh")
    for lower, amount in ((lower_a, 3), (lower_b, 4)):
        indicator = IndicatorFactory(plan=lower, code="mo-hinh")
        IndicatorValueFactory(
            report=ProgressReportFactory(plan=lower), indicator=indicator, value=amount
        )

    rows = plan_rollup(plan, Period.H1, user=people["commune_officer"])

    assert rows[0].indicator == upper
    assert rows[0].value == 3
