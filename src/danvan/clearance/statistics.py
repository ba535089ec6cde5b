"""Figures of the land-clearance dashboard: per unit and period, with drill-down by child unit.

Everything is read from the totals each project keeps on its row (households, agreed, paid,
handed over, approved and paid VND, recovered area, households with open complaints), never by
summing household, plan or payment lines: a national dashboard then reads ~125,000 project
rows instead of ~5 million households. Donations have no such totals and are summed from their
own rows (one per donor, far fewer).

The figures are four grouped queries (projects and donations each by child unit, then by year),
plus the unit and its children, whatever the size of the data. Each groups by one or two short
keys so that PostgreSQL aggregates in a hash table: grouping by unit x year x status at once
made it sort all 125,000 projects (spilling to disk) and took three times as long. The child
unit a record counts in is computed in the database from `territory.scope_path`, as the model
statistics do, so records filed under historic units roll up into today's units and those filed
at the unit itself (or under a historic unit split between several units) land in a "directly
under" row. Projects by status come with the years, so they are known for the total and for
each year, not for each unit.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from danvan.clearance.models import Donation, Project, ProjectStatus
from danvan.core import drilldown, scope
from danvan.core.templatetags.vn import format_area, format_money_short, format_number
from danvan.territories.models import Level as TerritoryLevel
from danvan.territories.models import Territory

VIEW = "clearance.view"
# Today's tree starts here; the country is the unit above the provinces.
FIRST_YEAR, LAST_YEAR = 2000, 2100
ZERO_AREA = Decimal("0")


# --- filters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    """The period: project years from-to (inclusive); None leaves that end open."""

    year_from: int | None = None
    year_to: int | None = None

    @classmethod
    def from_params(cls, params) -> tuple["DashboardFilters", list[str]]:
        """Filters from query parameters, and a message for each value that had to be dropped
        or corrected (the page shows them; the figures use what is left)."""
        errors: list[str] = []
        years: dict[str, int | None] = {}
        for name in ("year_from", "year_to"):
            text = str(params.get(name) or "").strip()[:10]
            if not text:
                years[name] = None
            elif text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
                years[name] = int(text)
            else:
                years[name] = None
                errors.append(
                    _("A year is a number from %(first)s to %(last)s; “%(value)s” was ignored.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR, "value": text}
                )
        low, high = years["year_from"], years["year_to"]
        if low is not None and high is not None and low > high:
            low, high = high, low
            errors.append(_("The first year came after the last one; they were swapped."))
        return cls(year_from=low, year_to=high), errors

    def as_params(self) -> dict:
        params = {}
        if self.year_from is not None:
            params["year_from"] = self.year_from
        if self.year_to is not None:
            params["year_to"] = self.year_to
        return params

    @property
    def label(self) -> str:
        if self.year_from and self.year_to:
            if self.year_from == self.year_to:
                return _("in %(year)s") % {"year": self.year_from}
            return _("%(first)s-%(last)s") % {"first": self.year_from, "last": self.year_to}
        if self.year_from:
            return _("from %(year)s") % {"year": self.year_from}
        if self.year_to:
            return _("up to %(year)s") % {"year": self.year_to}
        return _("all years")


# --- figures ------------------------------------------------------------------------------------

# Project columns summed by the dashboard, and the name each sum has in `Figures`.
PROJECT_SUMS = {
    "households": "households_count",
    "agreed": "agreed_count",
    "paid": "paid_count",
    "handed_over": "handed_over_count",
    "complaints": "complaint_count",
    "approved_total": "approved_total",
    "paid_total": "paid_total",
    "recovered_area": "recovered_area",
}


@dataclass
class Figures:
    """The dashboard's numbers for one unit, one year or the total. Money in whole VND."""

    projects: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    households: int = 0  # affected
    agreed: int = 0
    paid: int = 0  # households paid in full (or later steps)
    handed_over: int = 0
    complaints: int = 0  # households with an open complaint
    approved_total: int = 0
    paid_total: int = 0
    recovered_area: Decimal = ZERO_AREA
    donations: int = 0
    donated_area: Decimal = ZERO_AREA
    donated_value: int = 0

    def add_projects(self, n: int, sums: dict, status: str | None = None) -> None:
        self.projects += n
        if status is not None:
            self.by_status[status] = self.by_status.get(status, 0) + n
        for name in PROJECT_SUMS:
            setattr(self, name, getattr(self, name) + (sums[name] or 0))

    def add_donations(self, n: int, area, value) -> None:
        self.donations += n
        self.donated_area += area or ZERO_AREA
        self.donated_value += value or 0

    def add(self, other: "Figures") -> None:
        for status, n in other.by_status.items():
            self.by_status[status] = self.by_status.get(status, 0) + n
        for name in ("projects", *PROJECT_SUMS, "donations", "donated_area", "donated_value"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def average_paid(self) -> int:
        """VND paid per affected household, rounded half up to the đồng (no floats)."""
        if not self.households:
            return 0
        return (2 * self.paid_total + self.households) // (2 * self.households)

    @property
    def outstanding(self) -> int:
        return self.approved_total - self.paid_total

    def share(self, part: int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))

    @property
    def agreed_percent(self) -> Decimal | None:
        return self.share(self.agreed, self.households)

    @property
    def paid_percent(self) -> Decimal | None:
        return self.share(self.paid, self.households)

    @property
    def handed_over_percent(self) -> Decimal | None:
        return self.share(self.handed_over, self.households)

    @property
    def money_percent(self) -> Decimal | None:
        return self.share(self.paid_total, self.approved_total)

    @property
    def statuses(self) -> list[tuple[str, str, int]]:
        """(status, label, projects) for the statuses present, in lifecycle order."""
        return [
            (value, str(label), self.by_status[value])
            for value, label in ProjectStatus.choices
            if self.by_status.get(value)
        ]


@dataclass
class DashboardRow:
    label: str
    territory: Territory | None  # None: the "directly under" row
    figures: Figures
    can_drill: bool = False


@dataclass
class Dashboard:
    unit: Territory | None  # None: the user's whole scope
    filters: DashboardFilters
    rows: list[DashboardRow]
    totals: Figures
    years: list[tuple[int, Figures]]  # every year from the first to the last with figures


# --- the unit shown -----------------------------------------------------------------------------


def dashboard_unit_for_user(user, territory_id: int | None = None) -> Territory | None:
    return drilldown.unit_for_user(user, VIEW, territory_id)


def unit_breadcrumb(user, unit: Territory | None) -> list[Territory]:
    return drilldown.unit_breadcrumb(user, VIEW, unit)


# --- counting -----------------------------------------------------------------------------------


def dashboard_projects(user, filters: DashboardFilters, unit: Territory | None) -> QuerySet:
    """The projects the dashboard counts: in scope, under the unit, within the period."""
    projects = scope.filter(user, VIEW, Project.objects.all())
    if unit is not None:
        projects = projects.filter(territory__scope_path__under=unit.path)
    if filters.year_from is not None:
        projects = projects.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        projects = projects.filter(year__lte=filters.year_to)
    # Default orderings would end up in GROUP BY.
    return projects.order_by()


def dashboard_donations(user, filters: DashboardFilters, unit: Territory | None) -> QuerySet:
    """The donations the dashboard counts: in scope, under the unit, given within the period."""
    donations = scope.filter(user, VIEW, Donation.objects.all())
    if unit is not None:
        donations = donations.filter(territory__scope_path__under=unit.path)
    # Django turns these into date bounds, so the (unit, date) index can serve them.
    if filters.year_from is not None:
        donations = donations.filter(donated_on__year__gte=filters.year_from)
    if filters.year_to is not None:
        donations = donations.filter(donated_on__year__lte=filters.year_to)
    return donations.order_by()


def dashboard_for_user(user, filters: DashboardFilters, unit: Territory | None) -> Dashboard:
    """All the dashboard's figures: per child unit, per year and in total, within scope."""
    key = drilldown.child_key(user, VIEW, unit)
    projects = dashboard_projects(user, filters, unit)
    project_sums = {name: Sum(column) for name, column in PROJECT_SUMS.items()}
    donations = dashboard_donations(user, filters, unit)
    donation_sums = {"n": Count("pk"), "area": Sum("area"), "value": Sum("value")}

    by_key: dict[str, Figures] = defaultdict(Figures)
    for group in (
        projects.annotate(unit_key=key).values("unit_key").annotate(n=Count("pk"), **project_sums)
    ):
        by_key[group["unit_key"]].add_projects(group["n"], group)
    for group in donations.annotate(unit_key=key).values("unit_key").annotate(**donation_sums):
        by_key[group["unit_key"]].add_donations(group["n"], group["area"], group["value"])

    by_year: dict[int, Figures] = defaultdict(Figures)
    for group in projects.values("year", "status").annotate(n=Count("pk"), **project_sums):
        by_year[group["year"]].add_projects(group["n"], group, group["status"])
    for group in (
        donations.annotate(given_in=ExtractYear("donated_on"))
        .values("given_in")
        .annotate(**donation_sums)
    ):
        by_year[group["given_in"]].add_donations(group["n"], group["area"], group["value"])

    rows = []
    children = drilldown.child_units(user, VIEW, unit)
    for child in children:
        rows.append(
            DashboardRow(
                label=child.name,
                territory=child,
                figures=by_key.pop(child.path, None) or Figures(),
                can_drill=child.level != TerritoryLevel.COMMUNE,
            )
        )
    # What is left was filed at the unit itself, or under a historic unit whose area went to
    # several units below it (its scope_path stops at this unit).
    leftover = Figures()
    for figures in by_key.values():
        leftover.add(figures)
    if unit is not None and not children:
        # A commune: its own figures are the only row.
        rows.append(DashboardRow(label=unit.name, territory=unit, figures=leftover))
    elif leftover.projects or leftover.donations:
        name = unit.name if unit is not None else _("the country")
        label = _("Directly under %(unit)s") % {"unit": name}
        rows.append(DashboardRow(label=label, territory=None, figures=leftover))

    # The same records grouped by year: their sum is the total, with the projects by status.
    totals = Figures()
    for figures in by_year.values():
        totals.add(figures)
    years = []
    if by_year:
        first, last = min(by_year), max(by_year)
        years = [(year, by_year.get(year) or Figures()) for year in range(first, last + 1)]
    return Dashboard(unit=unit, filters=filters, rows=rows, totals=totals, years=years)


# --- words --------------------------------------------------------------------------------------


def dashboard_summary(dashboard: Dashboard) -> str:
    """One sentence, e.g. "2021-2023: 128 projects, 3.500 affected households, 450 tỷ đồng paid;
    93.000 m² of land donated, worth 40 tỷ đồng."."""
    totals = dashboard.totals
    return _(
        "%(period)s: %(projects)s projects, %(households)s affected households, %(paid)s paid; "
        "%(area)s of land donated, worth %(value)s."
    ) % {
        "period": dashboard.filters.label.capitalize(),
        "projects": format_number(totals.projects),
        "households": format_number(totals.households),
        "paid": format_money_short(totals.paid_total),
        "area": format_area(totals.donated_area),
        "value": format_money_short(totals.donated_value),
    }
