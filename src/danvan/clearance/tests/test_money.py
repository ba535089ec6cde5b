"""Money in land clearance: lines, plans, payments and the totals kept from them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance.models import CaseStatus, Category, Household, Payment, PlanKind, Project
from danvan.clearance.services import households, money, totals
from danvan.clearance.services.money import InventoryLine, PaymentData
from danvan.clearance.tests.factories import HouseholdFactory, ProjectFactory
from danvan.core.errors import DomainError
from danvan.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

PAID_ON = date(2025, 6, 2)


@pytest.fixture
def people(place):
    _province, commune_a, _commune_b = place
    return {
        "officer": user_with_role("officer", commune_a),
        "leader": user_with_role("leader", commune_a),
        "viewer": user_with_role("viewer", commune_a),
        "commune": commune_a,
    }


def agreed_household(people, lines, **kwargs) -> Household:
    household = HouseholdFactory(project=ProjectFactory(territory=people["commune"]), **kwargs)
    plan = money.plan_create(household, lines=lines, actor=people["officer"])
    money.plans_approve(
        [plan], decision_number="125/QĐ-UBND", approved_on=date(2025, 5, 20), actor=people["leader"]
    )
    for step in ("record_inventory", "agree"):
        household = households.household_transition(
            household=household,
            name=step,
            actor=people["leader"] if step == "agree" else people["officer"],
        )
    return household


def test_line_amount_rounds_half_up_without_floats():
    assert money.line_amount(Decimal("120.5"), 3_500_000) == 421_750_000
    assert money.line_amount(Decimal("0.05"), 5) == 0  # 0.25 đ rounds down
    assert money.line_amount(Decimal("0.5"), 1) == 1  # half a đồng rounds up
    assert money.line_amount(Decimal("2.15"), 10) == 22  # 21.5 → 22; a float would give 21


@given(
    quantities=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2),
        min_size=1,
        max_size=8,
    ),
    price=st.integers(min_value=1, max_value=50_000_000),
)
def test_line_amounts_are_exact_integers(quantities, price):
    for quantity in quantities:
        amount = money.line_amount(quantity, price)
        assert isinstance(amount, int)
        assert abs(Decimal(amount) - quantity * price) <= Decimal("0.5")


class TestTotalsAlwaysEqualTheirLines(TestCase):
    """Whatever plans and payments are recorded, the stored totals equal the sums of the lines."""

    @settings(max_examples=25, deadline=None)
    @given(
        amounts=st.lists(st.integers(min_value=1, max_value=5 * 10**9), min_size=1, max_size=4),
        payments=st.lists(st.integers(min_value=1, max_value=3 * 10**9), min_size=0, max_size=5),
    )
    def test_sums(self, amounts, payments):
        commune = CommuneFactory()
        people = {
            "officer": user_with_role("officer", commune),
            "leader": user_with_role("leader", commune),
            "commune": commune,
        }
        categories = list(Category.values)
        lines = {categories[i]: amount for i, amount in enumerate(amounts)}
        household = agreed_household(people, lines)
        paid = 0
        for n, amount in enumerate(payments):
            batch = [PaymentData(household, amount, PAID_ON, f"PC-{n}")]
            if paid + amount > sum(amounts):
                with pytest.raises(DomainError) as refused:
                    money.payments_record(batch, actor=people["officer"])
                assert refused.value.code == "over_approved"
            else:
                money.payments_record(batch, actor=people["officer"])
                paid += amount
        household.refresh_from_db()
        project = Project.objects.get(pk=household.project_id)
        assert household.approved_total == sum(amounts)
        assert (
            household.paid_total
            == paid
            == sum(Payment.objects.filter(household=household).values_list("amount", flat=True))
        )
        assert project.approved_total == household.approved_total
        assert project.paid_total == paid
        assert totals.check([project.pk]) == []
        expected = CaseStatus.PAID if paid == sum(amounts) else CaseStatus.AGREED
        assert household.status == expected


def test_payment_cannot_exceed_the_approved_amount_until_a_supplementary_plan(people):
    household = agreed_household(people, {"land": 300_000_000, "structures": 150_000_000})
    money.payments_record(
        [PaymentData(household, 400_000_000, PAID_ON, "PC-01")], actor=people["officer"]
    )
    with pytest.raises(DomainError) as error:
        money.payments_record(
            [PaymentData(household, 60_000_000, PAID_ON, "PC-02")], actor=people["officer"]
        )
    assert error.value.code == "over_approved"
    assert Payment.objects.filter(household=household).count() == 1

    plan = money.plan_create(
        household,
        lines={"support": 20_000_000},
        kind=PlanKind.SUPPLEMENTARY,
        actor=people["officer"],
    )
    money.plans_approve(
        [plan], decision_number="301/QĐ-UBND", approved_on=date(2025, 7, 1), actor=people["leader"]
    )
    money.payments_record(
        [PaymentData(household, 70_000_000, PAID_ON, "PC-02")], actor=people["officer"]
    )
    household.refresh_from_db()
    assert (household.approved_total, household.paid_total) == (470_000_000, 470_000_000)
    assert household.status == CaseStatus.PAID


def test_a_failed_batch_leaves_nothing_behind(people):
    first = agreed_household(people, {"land": 100_000_000})
    second = agreed_household(people, {"land": 50_000_000})
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        money.payments_record(
            [
                PaymentData(first, 100_000_000, PAID_ON, "PC-1"),
                PaymentData(second, 50_000_001, PAID_ON, "PC-2"),
            ],
            actor=people["officer"],
        )
    assert Payment.objects.count() == 0
    assert AuditEvent.objects.count() == events
    first.refresh_from_db()
    assert (first.paid_total, first.status) == (0, CaseStatus.AGREED)


def test_payment_audit_keeps_old_and_new_totals(people):
    household = agreed_household(people, {"land": 100_000_000})
    money.payments_record(
        [PaymentData(household, 40_000_000, PAID_ON, "PC-7")], actor=people["officer"]
    )
    event = AuditEvent.objects.filter(object_type="clearance.payment").get()
    assert event.changes["amount"] == [None, 40_000_000]
    assert event.changes["paid_total"] == [0, 40_000_000]


def test_only_the_paying_role_records_payments(people):
    household = agreed_household(people, {"land": 100_000_000})
    with pytest.raises(PermissionDenied):
        money.payments_record(
            [PaymentData(household, 1_000, PAID_ON, "PC-9")], actor=people["viewer"]
        )


def test_inventory_lines_compute_their_amounts(people):
    household = HouseholdFactory(project=ProjectFactory(territory=people["commune"]))
    money.inventory_add(
        household,
        [
            InventoryLine("land", "Đất ở ODT", Decimal("120.5"), 3_500_000),
            InventoryLine("crops", "Cây dừa", Decimal("4"), 1_250_000, unit="cây"),
        ],
        actor=people["officer"],
    )
    assert money.inventory_by_category(household) == {"land": 421_750_000, "crops": 5_000_000}


def test_check_command_finds_a_total_that_drifted(people):
    from django.core.management import CommandError, call_command

    household = agreed_household(people, {"land": 100_000_000})
    call_command("check_clearance")  # consistent: no error
    Household.objects.filter(pk=household.pk).update(approved_total=99_000_000)
    with pytest.raises(CommandError, match="stored totals differ"):
        call_command("check_clearance")


def test_area_sums_stay_exact_to_the_hundredth(people):
    """SQLite adds decimals as floating point: ten times 0,1 m² must still make 1,00 m²."""
    project = ProjectFactory(territory=people["commune"])
    for _n in range(10):
        households.plot_save(
            household=HouseholdFactory(project=project),
            data=households.PlotData("7", "1", Decimal("100"), Decimal("0.1")),
            actor=people["officer"],
        )
    project.refresh_from_db()
    assert project.recovered_area == Decimal("1.00")
    # The computed sum comes back as stored, to the hundredth, on every database.
    computed = totals.project_sums([project.pk])[project.pk]["recovered_area"]
    assert computed.as_tuple().exponent == -2
    assert totals.check([project.pk]) == []
