import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from danvan.accounts.models import User
from danvan.audit.models import AuditEvent
from danvan.clearance import selectors
from danvan.clearance.generators import generate_clearance
from danvan.clearance.models import (
    CaseStatus,
    CompensationPlan,
    Complaint,
    Donation,
    Household,
    HouseholdMember,
    InventoryItem,
    Payment,
    PeakCampaign,
    PlanLine,
    PlanStatus,
    Plot,
    Project,
    ProjectKind,
    ProjectStatus,
    TaskForce,
    Visit,
    WorksKind,
)
from danvan.clearance.services import totals
from danvan.clearance.services.money import line_amount
from danvan.core.demo import demo_areas
from danvan.core.demo.build import ensure_territories, generation_run
from danvan.core.demo.loader import demo_load
from danvan.core.demo.registry import registered
from danvan.core.roles import Role
from danvan.territories.models import Era, TerritoryMapping
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

BILLION = 10**9
TABLES = (
    Project, Household, HouseholdMember, Plot, InventoryItem, CompensationPlan, PlanLine,
    Payment, Complaint, Visit, Donation, TaskForce, PeakCampaign, AuditEvent,
)  # fmt: skip


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def generate_demo() -> dict[str, int]:
    run = generation_run(scale="demo", seed=2025)
    return generate_clearance(run)


@pytest.fixture
def demo():
    ensure_territories()
    demo_load()
    generate_demo()
    return demo_areas()


def assert_money_is_consistent(households):
    """Independent sums from the lines: approved plans, payments, plots."""
    approved = dict(
        PlanLine.objects.filter(plan__household__in=households, plan__status=PlanStatus.APPROVED)
        .values_list("plan__household")
        .annotate(total=Sum("amount"))
    )
    paid = dict(
        Payment.objects.filter(household__in=households)
        .values_list("household")
        .annotate(total=Sum("amount"))
    )
    for pk, status, approved_total, paid_total, handed_on in households.values_list(
        "pk", "status", "approved_total", "paid_total", "handed_over_on"
    ):
        assert approved_total == approved.get(pk, 0), pk
        assert paid_total == paid.get(pk, 0), pk
        assert paid_total <= approved_total, pk
        if status == CaseStatus.PAID:
            assert paid_total == approved_total > 0, pk
        if status == CaseStatus.HANDED_OVER:
            assert paid_total == approved_total, pk
            assert handed_on is not None, pk
        if status not in (CaseStatus.AGREED, CaseStatus.PAID, CaseStatus.HANDED_OVER,
                          CaseStatus.ENFORCED):  # fmt: skip
            assert paid_total == 0, pk
    for item in InventoryItem.objects.filter(household__in=households)[:500]:
        assert item.amount == line_amount(item.quantity, item.unit_price)
    assert not Plot.objects.filter(household__in=households, total_area__lt=F("recovered_area"))


def test_demo_tells_the_tam_ky_story_from_old_units_and_a_second_run_adds_nothing(demo):
    areas = demo
    today = timezone.localdate()
    assert "clearance" in [r.name for r in registered()]
    tam_ky = Project.objects.filter(
        territory__path__startswith="legacy/49/502/", year__in=[2021, 2022, 2023]
    )
    assert tam_ky.count() == 128
    assert set(tam_ky.values_list("territory__era", flat=True)) == {Era.LEGACY}
    # Filed under the old units, they roll up into today's Tam Kỳ wards of Đà Nẵng.
    ward_paths = tuple(w.path for w in areas.tam_ky)
    assert all(
        p.startswith(ward_paths) for p in tam_ky.values_list("territory__scope_path", flat=True)
    )
    kinds = Counter(tam_ky.values_list("kind", flat=True))
    assert kinds[ProjectKind.STATE_RECOVERY] > kinds[ProjectKind.PEOPLE_FUNDED] > 10

    figures = tam_ky.aggregate(
        households=Sum("households_count"), paid=Sum("paid_total"), approved=Sum("approved_total")
    )
    assert 3150 <= figures["households"] <= 3850
    assert Household.objects.filter(project__in=tam_ky).count() == figures["households"]
    assert 405 * BILLION <= figures["paid"] <= 495 * BILLION
    assert (
        Payment.objects.filter(household__project__in=tam_ky).aggregate(s=Sum("amount"))["s"]
        == figures["paid"]
    )
    assert figures["paid"] <= figures["approved"]
    donations = Donation.objects.filter(territory__path__startswith="legacy/49/502/")
    given = donations.aggregate(area=Sum("area"), value=Sum("value"))
    assert given["area"] > 93_000
    # Given in the projects' years, so the 2021-2023 dashboard shows them all.
    assert donations.filter(donated_on__year__gt=2023).count() == 0
    assert 36 * BILLION <= given["value"] <= 44 * BILLION
    per_m2 = given["value"] / given["area"]
    assert 380_000 <= per_m2 <= 480_000
    works = Counter(donations.values_list("works_kind", flat=True))
    assert works[WorksKind.ROAD] + works[WorksKind.ALLEY] >= 0.7 * donations.count()
    assert not donations.exclude(project__kind=ProjectKind.PEOPLE_FUNDED).exists()
    assert not donations.filter(household__isnull=True).exists()
    assert donations.filter(thanked_on__isnull=False).count() > 0.8 * donations.count()

    # Stored totals are the sums of their lines.
    assert totals.check() == []
    households = Household.objects.filter(project__territory__path__startswith="legacy/49/502/")
    assert_money_is_consistent(households)
    assert set(Household.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    old = households.filter(project__year__in=[2021, 2022])
    assert old.filter(status=CaseStatus.HANDED_OVER).count() >= 0.8 * old.count()
    recent = tam_ky.filter(year=2023)
    assert (
        recent.exclude(status__in=[ProjectStatus.COMPLETED, ProjectStatus.HANDED_OVER]).count() > 15
    )
    assert not Project.objects.filter(
        status=ProjectStatus.COMPLETED, households__status__in=[
            s for s in CaseStatus.values if s not in (CaseStatus.HANDED_OVER, CaseStatus.ENFORCED)
        ]
    ).exists()  # fmt: skip
    # Plans at every stage: approved where the project approved them, drafts before.
    assert CompensationPlan.objects.filter(status=PlanStatus.DRAFT).exists()
    assert not CompensationPlan.objects.filter(
        status=PlanStatus.DRAFT, household__project__status=ProjectStatus.PAYING
    ).exists()
    dates = Household.objects.aggregate(last=Max("handed_over_on"))
    assert dates["last"] <= today
    assert Visit.objects.aggregate(last=Max("visited_on"))["last"] <= today
    assert Payment.objects.aggregate(last=Max("paid_on"))["last"] <= today

    # Synthetic personal data only.
    ids = list(Household.objects.values_list("head_id_number", flat=True))
    ids += [i for i in HouseholdMember.objects.values_list("id_number", flat=True) if i]
    assert all(len(i) == 12 and i.isdigit() and i.startswith("049") for i in ids)
    phones = [p for p in Household.objects.values_list("phone", flat=True) if p]
    assert phones
    assert all(p.startswith("0000") and len(p) == 10 for p in phones)

    # Mobilisation: the task force, several visits a household, complaints on a few.
    task_force = TaskForce.objects.get(name__contains="thành phố Tam Kỳ")
    leader = task_force.members.get(is_leader=True)
    assert leader.user.username == "lanhdao.tamky"
    assert "Phó Bí thư Thường trực" in leader.position
    assert task_force.members.count() >= 6
    assert set(tam_ky.values_list("task_force", flat=True)) == {task_force.pk}
    visits = Visit.objects.filter(household__in=households)
    assert visits.count() >= 2.5 * households.count()
    assert not visits.filter(Q(discussed="") | Q(next_step="")).exists()
    assert visits.filter(officers__username="canbo.tamky").exists()
    assert not Visit.objects.filter(household__status=CaseStatus.NOT_CONTACTED).exists()
    complaints = Complaint.objects.filter(household__in=households)
    assert 20 <= complaints.count() <= 300
    assert complaints.filter(status__in=["received", "handling"]).exists()
    assert households.filter(open_complaints__gt=0).exists()

    # One running peak campaign in today's Phường Tam Kỳ with handovers so far.
    campaign = PeakCampaign.objects.get()
    assert campaign.starts_on <= today <= campaign.ends_on
    assert campaign.territory.era == Era.CURRENT
    assert campaign.territory.code == 20341
    assert set(campaign.projects.values_list("year", "territory__era")) == {
        (today.year, Era.CURRENT)
    }
    progress = selectors.campaign_progress(campaign, today=today)
    done = [row for row in progress if row.remaining_households is not None]
    assert sum(row.handed_over_today for row in done) >= 20
    assert done[-1].remaining_households < campaign.target_households
    assert_money_is_consistent(Household.objects.filter(project__campaigns=campaign))

    # Scope: the officer of Phường Tam Kỳ sees the old wards it was formed from; the leader
    # over every Tam Kỳ ward and the Đà Nẵng administrator see everything; Quảng Ninh nothing.
    officer = User.objects.get(username="canbo.tamky")
    seen = selectors.project_list(officer)
    assert seen.filter(territory__era=Era.LEGACY).exists()
    assert seen.count() < Project.objects.count()
    assert {p.territory.scope_path for p in seen} == {"2025/48/20341/"}
    leader_user = User.objects.get(username="lanhdao.tamky")
    assert set(leader_user.grants.values_list("role", flat=True)) == {Role.LEADER}
    assert leader_user.grants.count() == 4
    assert leader_user.organisation.territory.code == 20341
    assert selectors.project_list(leader_user).count() == Project.objects.count() == 131
    assert selectors.project_list(User.objects.get(username="quantri.dn")).count() == 131
    assert not selectors.project_list(User.objects.get(username="lanhdao.qn")).exists()
    assert (
        selectors.household_list(officer).count()
        == Household.objects.filter(project__in=seen).count()
    )

    audit_rows = AuditEvent.objects.filter(object_type="clearance.project")
    assert audit_rows.count() == 1  # one summary, not one row per record
    assert audit_rows.get().territory_id == areas.da_nang.pk
    before = table_counts()

    counts = generate_demo()

    assert table_counts() == before
    assert counts["projects"] == counts["households"] == 0


@pytest.fixture
def small_province():
    """A province of three communes, one of them formed from an old commune."""
    province = ProvinceFactory(code=95, name="Tỉnh Thử Nghiệm", division_type="tỉnh")
    communes = [
        CommuneFactory(parent=province, code=code, name=name, division_type=kind)
        for code, name, kind in [
            (95001, "Xã Bình An", "xã"),
            (95002, "Phường Hòa Bình", "phường"),
            (95003, "Xã Đồng Tâm", "xã"),
        ]
    ]
    old_province = ProvinceFactory(era=Era.LEGACY, code=95, name="Tỉnh Thử Nghiệm cũ")
    old_commune = CommuneFactory(
        era=Era.LEGACY,
        parent=old_province,
        code=95101,
        name="Xã Bình Yên",
        scope_path=communes[0].path,
    )
    TerritoryMapping.objects.create(legacy_commune=old_commune, current_commune=communes[0])
    return province, communes, old_commune


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate", stdout=out, **options)
    return out.getvalue()


def test_province_scale_gives_every_household_a_plot_a_plan_and_payments_within_it(
    small_province,
):
    province, communes, old_commune = small_province

    output = generate(scale="province", province_code=95)

    projects = Project.objects.all()
    assert 90 <= projects.count() <= 135  # about 37 a commune
    households = Household.objects.all()
    assert 25 <= households.count() / projects.count() <= 55
    per_unit = Counter(projects.values_list("territory__scope_path", flat=True))
    assert set(per_unit) == {c.path for c in communes}
    legacy = projects.filter(territory=old_commune)
    assert legacy.exists()
    assert legacy.aggregate(last=Max("year"))["last"] <= 2024
    assert not households.annotate(n=Count("plots")).exclude(n=1).exists()
    plans = households.annotate(n=Count("plans"), approved=Count("plans", filter=Q(
        plans__status=PlanStatus.APPROVED)))  # fmt: skip
    assert not plans.exclude(n=1).exists()
    assert not plans.exclude(approved=1).exists()
    lines = Counter(CompensationPlan.objects.annotate(n=Count("lines")).values_list("n", flat=True))
    assert set(lines) == {1, 2, 3}
    payments = households.annotate(n=Count("payments")).aggregate(low=Min("n"), high=Max("n"))
    assert (payments["low"], payments["high"]) == (0, 2)
    assert_money_is_consistent(households)
    assert totals.check() == []
    assert projects.filter(paid_total__gt=0).exists()
    assert all(i.startswith("095") for i in households.values_list("head_id_number", flat=True))
    summary = AuditEvent.objects.get(object_type="clearance.project")
    assert summary.territory_id == province.pk
    assert summary.changes["households"] == [None, households.count()]
    assert f"households {households.count():,}".replace(",", ".") in output
    before = table_counts()

    # Again, and the same units at national scale: nothing new.
    second = generate(scale="province", province_code=95)
    generate(scale="national")

    assert table_counts() == before
    assert "projects 0" in second
    assert Decimal(projects.aggregate(a=Sum("recovered_area"))["a"]) == sum(
        Plot.objects.values_list("recovered_area", flat=True)
    )
