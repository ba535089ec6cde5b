"""Dashboard figures: every number equals the sum of the underlying records, within scope.

The data set is built through the services (households, approved plans, payments, handovers,
complaints, donations), so the project totals the dashboard reads are the ones the services
keep; the expected figures are then recomputed here from households, plan lines, payments,
plots, complaints and donations, row by row in Python.
"""

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from danvan.accounts.tests.factories import RoleGrantFactory, user_with_role
from danvan.clearance import statistics as stats
from danvan.clearance.models import (
    AGREED_STATES,
    OPEN_COMPLAINT_STATES,
    PAID_STATES,
    CaseStatus,
    Category,
    Complaint,
    Donation,
    Household,
    Payment,
    PlanLine,
    PlanStatus,
    Plot,
    Project,
    WorksKind,
)
from danvan.clearance.services import donations, households, money, projects, totals
from danvan.clearance.services.donations import DonationData
from danvan.clearance.services.households import HouseholdData, PlotData
from danvan.clearance.services.money import PaymentData
from danvan.clearance.services.projects import ProjectData
from danvan.core import scope
from danvan.territories.models import Era, Level
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

YEARS = (2021, 2022, 2023)


@pytest.fixture
def country():
    """Two provinces. Province one has two communes, a historic city split between several
    of them (rolls up to the province, like old Tam Kỳ under Đà Nẵng) and a historic ward that
    became commune A."""
    p1 = ProvinceFactory(name="Thành phố Đà Nẵng")
    p2 = ProvinceFactory(name="Tỉnh Quảng Ngãi")
    c1a = CommuneFactory(parent=p1, name="Phường Tam Kỳ")
    c1b = CommuneFactory(parent=p1, name="Phường Bàn Thạch")
    c2a = CommuneFactory(parent=p2, name="Phường Cẩm Thành")
    old_province = ProvinceFactory(era=Era.LEGACY, name="Tỉnh Quảng Nam", scope_path=p1.path)
    old_city = CommuneFactory(
        era=Era.LEGACY,
        level=Level.DISTRICT,
        parent=old_province,
        name="Thành phố Tam Kỳ",
        scope_path=p1.path,
        has_several_successors=True,
    )
    old_ward = CommuneFactory(
        era=Era.LEGACY, parent=old_city, name="Phường An Mỹ", scope_path=c1a.path
    )
    return {
        "p1": p1,
        "p2": p2,
        "c1a": c1a,
        "c1b": c1b,
        "c2a": c2a,
        "old_city": old_city,
        "old_ward": old_ward,
    }


def build_records(places: list, *, seed: int = 5, project_count: int = 14) -> None:
    """Projects with households in every state, approved plans, partial and full payments,
    handovers, complaints, plots, and donations, all written through the services."""
    rng = random.Random(seed)
    officer = user_with_role("officer", None)
    leader = user_with_role("leader", None)
    for p in range(project_count):
        territory = rng.choice(places)
        project = projects.project_create(
            data=ProjectData(
                name=f"Đường ven sông số {p}",
                code=f"TK-{seed}-{p:03d}",
                territory=territory,
                year=rng.choice(YEARS),
            ),
            actor=officer,
        )
        for step in ("issue_notice", "start_inventory")[: rng.randint(0, 2)]:
            project = projects.project_transition(project=project, name=step, actor=officer)
        for h in range(rng.randint(0, 4)):
            household = households.household_create(
                project=project,
                data=HouseholdData(code=f"H{h:02d}", head_name=f"Nguyễn Văn {p}-{h}"),
                actor=officer,
            )
            _advance(rng, household, officer, leader, h)
    for d in range(12):
        donations.donation_save(
            data=DonationData(
                territory=rng.choice(places),
                donor_name=f"Hộ bà Phan Thị {d}",
                area=Decimal(rng.randint(50, 4000)) / 4,
                value=rng.randint(10, 900) * 1_000_000 + rng.randint(0, 999),
                works_kind=rng.choice(WorksKind.values),
                works_name="Đường bê tông khối phố 3",
                donated_on=date(rng.choice((2020, *YEARS)), rng.randint(1, 12), 15),
            ),
            actor=officer,
        )


def _advance(rng, household, officer, leader, index: int) -> None:
    """Take one household a random way along its case."""
    stage = rng.randint(0, 5)
    if stage >= 1:
        households.plot_save(
            household=household,
            data=PlotData(
                map_sheet=str(rng.randint(1, 40)),
                plot_number=str(100 + index),
                total_area=Decimal("300.5"),
                recovered_area=Decimal(rng.randint(10, 1200)) / 4,
            ),
            actor=officer,
        )
        plan = money.plan_create(
            household,
            lines={
                Category.LAND: rng.randint(50, 900) * 1_000_000 + rng.randint(0, 999_999),
                Category.SUPPORT: rng.randint(0, 40) * 1_000_000,
            },
            actor=officer,
        )
        if stage >= 2:
            money.plans_approve(
                [plan], decision_number="12/QĐ-UBND", approved_on=date(2023, 5, 2), actor=leader
            )
    if stage >= 3:
        for name in ("record_inventory", "agree"):
            household = households.household_transition(
                household=household, name=name, actor=officer
            )
        household.refresh_from_db()
        owed = household.approved_total
        first = owed if stage >= 4 else owed // 3
        money.payments_record(
            [PaymentData(household, first, date(2023, 6, 1), f"PC-{household.pk}-1")],
            actor=officer,
        )
        household.refresh_from_db()
        if stage == 5:
            households.household_transition(
                household=household,
                name="hand_over",
                actor=officer,
                handed_over_on=date(2023, 7, 1),
            )
    if rng.random() < 0.3:
        complaint = households.complaint_add(
            household=household,
            content="Giá đất bồi thường thấp",
            received_on=date(2023, 4, 1),
            actor=officer,
        )
        if rng.random() < 0.4:
            households.complaint_update(
                complaint=complaint,
                status="resolved",
                resolution="Đã giải thích",
                resolved_on=date(2023, 4, 20),
                actor=officer,
            )


# --- the figures recomputed from the records ----------------------------------------------------


def expected_figures(projects_in, donations_in) -> stats.Figures:
    """Figures summed from households, plan lines, payments, plots, complaints and donations."""
    figures = stats.Figures()
    for project in projects_in:
        figures.projects += 1
        figures.by_status[project.status] = figures.by_status.get(project.status, 0) + 1
        for household in Household.objects.filter(project=project):
            figures.households += 1
            figures.agreed += household.status in AGREED_STATES
            figures.paid += household.status in PAID_STATES
            figures.handed_over += household.status == CaseStatus.HANDED_OVER
            figures.complaints += Complaint.objects.filter(
                household=household, status__in=OPEN_COMPLAINT_STATES
            ).exists()
            figures.approved_total += sum(
                PlanLine.objects.filter(
                    plan__household=household, plan__status=PlanStatus.APPROVED
                ).values_list("amount", flat=True)
            )
            figures.paid_total += sum(
                Payment.objects.filter(household=household).values_list("amount", flat=True)
            )
            figures.recovered_area += sum(
                Plot.objects.filter(household=household).values_list("recovered_area", flat=True),
                Decimal(0),
            )
    for donation in donations_in:
        figures.donations += 1
        figures.donated_area += donation.area
        figures.donated_value += donation.value
    return figures


def as_tuple(figures: stats.Figures, *, statuses: bool = True) -> tuple:
    return (
        figures.projects,
        {k: v for k, v in figures.by_status.items() if v} if statuses else None,
        figures.households,
        figures.agreed,
        figures.paid,
        figures.handed_over,
        figures.complaints,
        figures.approved_total,
        figures.paid_total,
        Decimal(figures.recovered_area),
        figures.donations,
        Decimal(figures.donated_area),
        figures.donated_value,
        figures.average_paid,
    )


def records_under(path: str, filters: stats.DashboardFilters):
    def in_period(year: int) -> bool:
        return (filters.year_from is None or year >= filters.year_from) and (
            filters.year_to is None or year <= filters.year_to
        )

    chosen_projects = [
        p
        for p in Project.objects.select_related("territory")
        if p.territory.scope_path.startswith(path) and in_period(p.year)
    ]
    chosen_donations = [
        d
        for d in Donation.objects.select_related("territory")
        if d.territory.scope_path.startswith(path) and in_period(d.donated_on.year)
    ]
    return chosen_projects, chosen_donations


def expected_rows(unit_path: str, child_paths: list[str], filters) -> dict[str, tuple]:
    """{child path or "": figures} where "" is the "directly under" row."""
    projects_in, donations_in = records_under(unit_path, filters)
    groups: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))

    def key(territory) -> str:
        return next((c for c in child_paths if territory.scope_path.startswith(c)), "")

    for project in projects_in:
        groups[key(project.territory)][0].append(project)
    for donation in donations_in:
        groups[key(donation.territory)][1].append(donation)
    return {k: as_tuple(expected_figures(*v), statuses=False) for k, v in groups.items()}


def shown_rows(dashboard: stats.Dashboard) -> dict[str, tuple]:
    return {
        (row.territory.path if row.territory else ""): as_tuple(row.figures, statuses=False)
        for row in dashboard.rows
        if row.figures.projects or row.figures.donations
    }


# --- tests --------------------------------------------------------------------------------------


@pytest.fixture
def records(country):
    build_records(list(country.values()))
    assert totals.check() == []  # the stored totals the dashboard reads are true
    return country


@pytest.mark.parametrize(
    "filters",
    [
        stats.DashboardFilters(),
        stats.DashboardFilters(year_from=2022),
        stats.DashboardFilters(year_from=2021, year_to=2022),
        stats.DashboardFilters(year_to=2021),
    ],
)
def test_country_rows_equal_the_sums_of_the_records(records, filters):
    national = user_with_role("viewer", None)

    dashboard = stats.dashboard_for_user(national, filters, None)

    provinces = [records["p1"].path, records["p2"].path]
    # Every current province has its row (the users' organisations add a few empty ones).
    assert {records["p1"], records["p2"]} <= {row.territory for row in dashboard.rows}
    assert all(row.territory.level == Level.PROVINCE for row in dashboard.rows)
    assert shown_rows(dashboard) == expected_rows("2025/", provinces, filters)
    assert as_tuple(dashboard.totals) == as_tuple(
        expected_figures(*records_under("2025/", filters))
    )
    assert dashboard.totals.projects > 0
    assert dashboard.totals.paid_total > 0


def test_province_drill_down_rolls_historic_units_up(records):
    national = user_with_role("viewer", None)
    p1 = records["p1"]
    filters = stats.DashboardFilters()

    dashboard = stats.dashboard_for_user(national, filters, p1)

    communes = [records["c1a"].path, records["c1b"].path]
    assert [r.territory.path for r in dashboard.rows if r.territory] == communes
    assert shown_rows(dashboard) == expected_rows(p1.path, communes, filters)
    # The old ward counts under the commune it became; the split old city, like the province
    # itself, "directly under".
    direct = Project.objects.filter(territory__in=[records["old_city"], p1]).count()
    ward = Project.objects.filter(territory__in=[records["old_ward"], records["c1a"]]).count()
    rows = {r.territory: r.figures.projects for r in dashboard.rows}
    assert (rows.get(None, 0), rows[records["c1a"]]) == (direct, ward)
    assert direct
    assert Project.objects.filter(territory=records["old_ward"]).exists()
    assert all(r.can_drill is False for r in dashboard.rows)


def test_years_add_up_to_the_totals(records):
    national = user_with_role("viewer", None)

    dashboard = stats.dashboard_for_user(national, stats.DashboardFilters(), None)

    years = [year for year, _f in dashboard.years]
    assert years == list(range(years[0], years[-1] + 1))
    summed = stats.Figures()
    for _year, figures in dashboard.years:
        summed.add(figures)
    assert as_tuple(summed) == as_tuple(dashboard.totals)
    by_rows = stats.Figures()
    for row in dashboard.rows:
        by_rows.add(row.figures)
    assert as_tuple(by_rows, statuses=False) == as_tuple(dashboard.totals, statuses=False)
    for year, figures in dashboard.years:
        only = stats.DashboardFilters(year_from=year, year_to=year)
        assert as_tuple(figures) == as_tuple(expected_figures(*records_under("2025/", only)))


def test_out_of_scope_records_never_count(records):
    commune_viewer = user_with_role("viewer", records["c1a"])
    filters = stats.DashboardFilters()

    unit = stats.dashboard_unit_for_user(commune_viewer)
    dashboard = stats.dashboard_for_user(commune_viewer, filters, unit)

    assert unit == records["c1a"]
    assert [row.territory for row in dashboard.rows] == [records["c1a"]]
    expected = expected_figures(*records_under(records["c1a"].path, filters))
    assert as_tuple(dashboard.totals) == as_tuple(expected)
    everything = expected_figures(*records_under("2025/", filters))
    assert dashboard.totals.projects < everything.projects
    for other in (records["p1"], records["p2"], records["c1b"], records["old_city"]):
        with pytest.raises(Http404):
            stats.dashboard_unit_for_user(commune_viewer, other.pk)


def test_several_grants_show_one_row_each(records):
    user = user_with_role("viewer", records["c1b"])
    RoleGrantFactory(user=user, role="viewer", territory=records["p2"])
    filters = stats.DashboardFilters()

    dashboard = stats.dashboard_for_user(user, filters, stats.dashboard_unit_for_user(user))

    assert dashboard.unit is None
    assert {row.territory.path for row in dashboard.rows} == {
        records["c1b"].path,
        records["p2"].path,
    }
    for row in dashboard.rows:
        expected = expected_figures(*records_under(row.territory.path, filters))
        assert as_tuple(row.figures, statuses=False) == as_tuple(expected, statuses=False)


def test_the_number_of_queries_does_not_grow_with_the_data(country):
    national = user_with_role("viewer", None)
    filters = stats.DashboardFilters()
    places = list(country.values())
    build_records(places, seed=1, project_count=3)
    scope.grants_of(national)  # read once per request, before the figures
    with CaptureQueriesContext(connection) as few:
        stats.dashboard_for_user(national, filters, country["p1"])
    build_records(places, seed=2, project_count=12)

    with CaptureQueriesContext(connection) as many:
        stats.dashboard_for_user(national, filters, country["p1"])

    # Projects and donations each by unit and by year, then the child units.
    assert len(many) == len(few) == 5


def test_tam_ky_scale_figures_read_in_short_form():
    figures = stats.Figures(
        projects=128, households=3500, paid_total=450_000_000_000, donated_value=40 * 10**9
    )
    figures.donated_area = Decimal("93000")
    dashboard = stats.Dashboard(
        unit=None,
        filters=stats.DashboardFilters(year_from=2021, year_to=2023),
        rows=[],
        totals=figures,
        years=[],
    )

    summary = stats.dashboard_summary(dashboard)

    assert figures.average_paid == 128_571_429  # 450 tỷ / 3.500, half up, in whole đồng
    assert "128" in summary
    assert "3.500" in summary
    assert "93.000 m²" in summary
    assert "2021-2023" in summary


@pytest.mark.parametrize(
    ("params", "expected", "errors"),
    [
        ({}, stats.DashboardFilters(), 0),
        ({"year_from": "2021", "year_to": "2023"}, stats.DashboardFilters(2021, 2023), 0),
        ({"year_from": "2023", "year_to": "2021"}, stats.DashboardFilters(2021, 2023), 1),
        ({"year_from": "abc", "year_to": "1999"}, stats.DashboardFilters(), 2),
        ({"year_from": " 2022 "}, stats.DashboardFilters(2022, None), 0),
    ],
)
def test_filters_drop_bad_years_with_a_message(params, expected, errors):
    filters, messages = stats.DashboardFilters.from_params(params)

    assert filters == expected
    assert len(messages) == errors
