"""The plans generator: Quảng Ninh's plans and their lower levels, one plan per province
commission and year, idempotent, with roll-up figures."""

import io

import pytest
from django.core.management import call_command

from danvan.plans.models import Indicator, Plan, PlanTask, ProgressReport, TaskStatus
from danvan.plans.rollup import plan_rollup
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provinces():
    quang_ninh = ProvinceFactory(code=22, name="Tỉnh Quảng Ninh")
    for n in range(3):
        CommuneFactory(parent=quang_ninh, code=7100 + n, name=f"Phường Thử {n}")
    other = ProvinceFactory(code=95, name="Tỉnh Thử Nghiệm")
    CommuneFactory(parent=other, code=95001, name="Xã Bình An")
    return quang_ninh, other


def generate() -> None:
    call_command(
        "generate", scale="national", only="organisations,users,plans", stdout=io.StringIO()
    )


def test_plans_for_every_province_and_the_quang_ninh_levels_once(provinces):
    quang_ninh, other = provinces

    generate()
    counts = (Plan.objects.count(), Indicator.objects.count(), ProgressReport.objects.count())
    generate()

    assert (Plan.objects.count(), Indicator.objects.count(),
            ProgressReport.objects.count()) == counts  # fmt: skip
    commission = Plan.objects.filter(
        territory=quang_ninh, organisation__kind__code="mass_mobilisation_commission"
    )
    assert set(commission.values_list("year", flat=True)) == {2024, 2025}
    assert Plan.objects.filter(territory=other, year=2025).count() == 1
    assert Plan.objects.filter(territory__parent=quang_ninh).exists()
    statuses = set(PlanTask.objects.filter(plan__in=commission).values_list("status", flat=True))
    assert statuses == set(TaskStatus.values)
    plan = commission.get(year=2024)
    assert Indicator.objects.filter(plan=plan).exclude(source="").exists()
    rolled = {row.indicator.code: row for row in plan_rollup(plan, "year")}
    assert rolled["lop-tap-huan"].value is not None
    assert len(rolled["lop-tap-huan"].contributions) >= 3
    assert rolled["lop-tap-huan"].value == sum(
        c.value for c in rolled["lop-tap-huan"].contributions if c.value is not None
    )
