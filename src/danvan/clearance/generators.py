# ruff: noqa: RUF001
"""Synthetic land-clearance data for `danvan demo` and `danvan generate`.

Demo scale tells Tam Kỳ's story from the domain brief: 128 projects over 2021-2023 filed under
the old wards and communes of Tam Kỳ city (Quảng Nam), which roll up into today's Đà Nẵng wards,
with about 3.500 affected households, about 450 billion đồng paid, and more than 93.000 m² of
land donated (about 40 billion đồng) for roads and alleys the people built themselves. A task
force led by the standing deputy party secretary visits the households; a peak campaign runs
now in today's Phường Tam Kỳ on three projects of this year.

Province and national scale give every commune about 37 projects of about 40 households
(about 5.000.000 households for the country), each with one plot, one approved plan of one to
three lines and up to two payments that never exceed it.

Everything is drawn from seeded random streams, never from what the database holds. Rows are
written in bulk (COPY on PostgreSQL) with primary keys reserved up front, so children need no
read-back; a project whose code exists is skipped with everything attached to it, so running
again adds nothing. A household's totals are the sums of the lines drawn for it; project totals
are then computed by the database (one grouped UPDATE per batch, or the totals service in the
demo). Each province gets one summary audit row instead of one per record.
"""

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from danvan.accounts.models import User
from danvan.audit import services as audit
from danvan.clearance.models import (
    AGREED_STATES,
    OPEN_COMPLAINT_STATES,
    PAID_STATES,
    CaseStatus,
    Category,
    CompensationPlan,
    Complaint,
    ComplaintStatus,
    Donation,
    Household,
    HouseholdMember,
    InventoryItem,
    LandType,
    LegalStatus,
    Payment,
    PaymentMethod,
    PeakCampaign,
    Phase,
    PlanKind,
    PlanLine,
    PlanStatus,
    Plot,
    Project,
    ProjectKind,
    ProjectStatus,
    RecoveryDecision,
    TaskForce,
    TaskForceMember,
    Visit,
    VisitKind,
    VisitOutcome,
    WorksKind,
)
from danvan.clearance.services import totals
from danvan.clearance.services.money import line_amount
from danvan.core.demo.areas import demo_areas, legacy_tam_ky_communes
from danvan.core.demo.bulk import between as _between
from danvan.core.demo.bulk import copy_rows, reserve_ids
from danvan.core.demo.bulk import fake_phone as _phone
from danvan.core.demo.bulk import pick as _pick
from danvan.core.demo.bulk import search_text as _search
from danvan.core.demo.bulk import vn_int as _vn_int
from danvan.core.demo.names import (
    FAMILY_NAMES,
    GIVEN_NAMES_FEMALE,
    GIVEN_NAMES_MALE,
    MIDDLE_NAMES_FEMALE,
    MIDDLE_NAMES_MALE,
)
from danvan.core.demo.registry import GenerationRun, register
from danvan.organisations.models import Organisation
from danvan.territories.models import Territory, TerritoryMapping

ZERO = Decimal(0)

# --- plain specs, drawn before anything touches the database ----------------------------------


@dataclass(slots=True)
class PlanSpec:
    kind: str
    status: str
    decision_number: str
    approved_on: date | None
    lines: list[tuple[str, int, str]]  # (category, amount, note)
    note: str = ""

    @property
    def total(self) -> int:
        return sum(amount for _c, amount, _n in self.lines)


@dataclass(slots=True)
class VisitSpec:
    visited_on: date
    kind: str
    participants: str
    discussed: str
    outcome: str
    next_step: str
    follow_up_on: date | None
    officer_ids: tuple[int, ...] = ()


@dataclass(slots=True)
class HouseholdSpec:
    code: str
    head_name: str
    head_id_number: str
    phone: str
    address: str
    village: str
    commune_id: int | None
    status: str
    plots: list[
        tuple
    ]  # (map sheet, plot no., certificate, land type, legal status, total, recovered)
    plans: list[PlanSpec]
    payments: list[tuple]  # (paid on, voucher, method, amount, note)
    status_note: str = ""
    female: bool = False  # the head, for "Hộ ông" / "Hộ bà"
    officer_id: int | None = None
    resettlement: str = ""
    resettlement_on: date | None = None
    handed_over_on: date | None = None
    inventory: list[tuple] = field(default_factory=list)  # (category, text, qty, unit, price)
    members: list[tuple] = field(default_factory=list)  # (name, relation, id, phone, born)
    complaints: list[tuple] = field(default_factory=list)  # (on, content, status, answer, done)
    visits: list[VisitSpec] = field(default_factory=list)
    # (donor, address, area, value, works kind, works name, donated on, thanked on)
    donation: tuple | None = None

    @property
    def approved_total(self) -> int:
        total = 0
        for plan in self.plans:
            if plan.status == PlanStatus.APPROVED:
                for line in plan.lines:
                    total += line[1]
        return total

    @property
    def paid_total(self) -> int:
        total = 0
        for payment in self.payments:
            total += payment[3]
        return total

    @property
    def recovered_area(self) -> Decimal:
        return sum((p[6] for p in self.plots), ZERO)

    @property
    def open_complaints(self) -> int:
        return sum(1 for c in self.complaints if c[2] in OPEN_COMPLAINT_STATES)


@dataclass(slots=True)
class ProjectSpec:
    code: str
    name: str
    investor: str
    purpose: str
    kind: str
    territory_id: int
    year: int
    status: str
    starts_on: date
    handover_deadline: date | None
    households: list[HouseholdSpec]
    unit_ids: list[int]
    planned_area: Decimal = ZERO
    planned_households: int = 0
    budget: int = 0
    suspended_from: str = ""
    status_note: str = ""
    task_force_id: int | None = None
    decisions: list[tuple] = field(default_factory=list)  # (number, signed on, note)
    phases: list[tuple] = field(default_factory=list)  # (name, order, start, end, done, note)
    pk: int | None = None

    def settle_plan(self) -> None:
        """Planned area, households and budget follow from the households drawn."""
        area = sum((h.recovered_area for h in self.households), ZERO)
        # Roads, canals and public land inside the boundary add to the households' plots.
        self.planned_area = (area * Decimal("1.12")).quantize(Decimal(1))
        self.planned_households = len(self.households)
        planned = sum(h.approved_total or sum(p.total for p in h.plans) for h in self.households)
        self.budget = _round_to(planned * 11 // 10 + 50_000_000, 1_000_000)


# --- writing ------------------------------------------------------------------------------------

PROJECT_COLUMNS = (
    "id", "name", "code", "investor", "purpose", "kind", "territory_id", "year", "planned_area",
    "planned_households", "budget", "starts_on", "handover_deadline", "status", "suspended_from",
    "status_note", "task_force_id", "search_name", "households_count", "agreed_count",
    "paid_count", "handed_over_count", "complaint_count", "approved_total", "paid_total",
    "recovered_area", "version", "created_by_id", "created_at", "updated_at",
)  # fmt: skip
HOUSEHOLD_COLUMNS = (
    "id", "project_id", "code", "head_name", "head_id_number", "phone", "address", "village",
    "commune_id", "status", "status_note", "officer_id", "resettlement", "resettlement_on",
    "handed_over_on", "note", "search_name", "approved_total", "paid_total", "recovered_area",
    "open_complaints", "version", "created_at", "updated_at",
)  # fmt: skip
PLOT_COLUMNS = (
    "household_id", "map_sheet", "plot_number", "certificate_number", "land_type",
    "legal_status", "total_area", "recovered_area",
)  # fmt: skip
PLAN_COLUMNS = (
    "id", "household_id", "kind", "status", "decision_number", "approved_on", "note", "created_at",
)  # fmt: skip
PAYMENT_COLUMNS = (
    "household_id", "paid_on", "voucher_number", "method", "amount", "note", "recorded_by_id",
    "created_at",
)  # fmt: skip
VISIT_COLUMNS = (
    "id", "household_id", "visited_on", "kind", "participants", "discussed", "outcome",
    "next_step", "follow_up_on", "recorded_by_id", "created_at",
)  # fmt: skip
DONATION_COLUMNS = (
    "territory_id", "project_id", "household_id", "donor_name", "address", "area", "value",
    "works_kind", "works_name", "donated_on", "thanked_on", "search_name", "created_at",
)  # fmt: skip


class Writer:
    """Inserts the projects that are missing, with everything attached to them."""

    def __init__(self, run: GenerationRun):
        self.run = run
        self.counts: dict[str, int] = defaultdict(int)

    def existing(self, codes: list[str]) -> set[str]:
        have: set[str] = set()
        for chunk in self.run.chunked(codes, 5000):
            have.update(Project.objects.filter(code__in=chunk).values_list("code", flat=True))
        return have

    def missing(self, projects: list[ProjectSpec]) -> list[ProjectSpec]:
        have = self.existing([p.code for p in projects])
        return [p for p in projects if p.code not in have]

    def _copy(self, model, columns, rows, label: str | None = None) -> None:
        copy_rows(model, columns, rows, batch_size=self.run.batch_size)
        if label:
            self.counts[label] += len(rows)

    def write(self, projects: list[ProjectSpec], *, checked: bool = False) -> list[ProjectSpec]:
        """Insert the missing projects (all of them when the caller `checked` already);
        returns them with their primary keys set."""
        new = projects if checked else self.missing(projects)
        if not new:
            return []
        now = timezone.now()
        actor_id = getattr(self.run.actor, "pk", None)
        households = [h for p in new for h in p.households]
        next_project = reserve_ids(Project, len(new))
        next_household = reserve_ids(Household, len(households))
        next_plan = reserve_ids(CompensationPlan, sum(len(h.plans) for h in households))
        next_visit = reserve_ids(Visit, sum(len(h.visits) for h in households))

        project_rows, unit_rows, decision_rows, phase_rows = [], [], [], []
        household_rows, plot_rows, plan_rows, line_rows, payment_rows = [], [], [], [], []
        inventory_rows, member_rows, complaint_rows, visit_rows, officer_rows = [], [], [], [], []
        donation_rows = []
        for p in new:
            p.pk = pid = next_project
            next_project += 1
            project_rows.append(
                (
                    pid, p.name, p.code, p.investor, p.purpose, p.kind, p.territory_id, p.year,
                    p.planned_area, p.planned_households, p.budget, p.starts_on,
                    p.handover_deadline, p.status, p.suspended_from, p.status_note,
                    p.task_force_id, _search(p.code, p.name), 0, 0, 0, 0, 0, 0, 0, ZERO, 1,
                    actor_id, now, now,
                )
            )  # fmt: skip
            unit_rows += [(pid, unit_id) for unit_id in p.unit_ids]
            decision_rows += [(pid, number, on, note) for number, on, note in p.decisions]
            phase_rows += [(pid, *phase) for phase in p.phases]
            for h in p.households:
                hid = next_household
                next_household += 1
                household_rows.append(
                    (
                        hid, pid, h.code, h.head_name, h.head_id_number, h.phone, h.address,
                        h.village, h.commune_id, h.status, h.status_note, h.officer_id,
                        h.resettlement, h.resettlement_on, h.handed_over_on, "",
                        _search(h.code, h.head_name, h.village), h.approved_total, h.paid_total,
                        h.recovered_area, h.open_complaints, 1, now, now,
                    )
                )  # fmt: skip
                plot_rows += [(hid, *plot) for plot in h.plots]
                for plan in h.plans:
                    plan_rows.append(
                        (
                            next_plan, hid, plan.kind, plan.status, plan.decision_number,
                            plan.approved_on, plan.note, now,
                        )
                    )  # fmt: skip
                    line_rows += [(next_plan, c, amount, note) for c, amount, note in plan.lines]
                    next_plan += 1
                payment_rows += [(hid, *pay, actor_id, now) for pay in h.payments]
                if h.inventory:
                    inventory_rows += [
                        (hid, category, text, qty, unit, price, line_amount(qty, price))
                        for category, text, qty, unit, price in h.inventory
                    ]
                member_rows += [(hid, *member) for member in h.members]
                complaint_rows += [(hid, *complaint) for complaint in h.complaints]
                for visit in h.visits:
                    visit_rows.append(
                        (
                            next_visit, hid, visit.visited_on, visit.kind, visit.participants,
                            visit.discussed, visit.outcome, visit.next_step, visit.follow_up_on,
                            actor_id, now,
                        )
                    )  # fmt: skip
                    officer_rows += [(next_visit, officer) for officer in visit.officer_ids]
                    next_visit += 1
                if h.donation is not None:
                    donor, address, area, value, kind, works, on, thanked = h.donation
                    donation_rows.append(
                        (
                            p.territory_id, pid, hid, donor, address, area, value, kind, works,
                            on, thanked, _search(donor, works), now,
                        )
                    )  # fmt: skip

        self._copy(Project, PROJECT_COLUMNS, project_rows, "projects")
        self._copy(Project.units.through, ("project_id", "territory_id"), unit_rows)
        self._copy(RecoveryDecision, ("project_id", "number", "signed_on", "note"), decision_rows)
        self._copy(
            Phase,
            ("project_id", "name", "order", "starts_on", "ends_on", "done_on", "note"),
            phase_rows,
        )
        self._copy(Household, HOUSEHOLD_COLUMNS, household_rows, "households")
        self._copy(
            HouseholdMember,
            ("household_id", "full_name", "relation", "id_number", "phone", "birth_year"),
            member_rows,
            "members",
        )
        self._copy(Plot, PLOT_COLUMNS, plot_rows, "plots")
        self._copy(
            InventoryItem,
            ("household_id", "category", "description", "quantity", "unit", "unit_price", "amount"),
            inventory_rows,
            "inventory_items",
        )
        self._copy(CompensationPlan, PLAN_COLUMNS, plan_rows, "plans")
        self._copy(PlanLine, ("plan_id", "category", "amount", "note"), line_rows, "plan_lines")
        self._copy(Payment, PAYMENT_COLUMNS, payment_rows, "payments")
        self._copy(
            Complaint,
            ("household_id", "received_on", "content", "status", "resolution", "resolved_on"),
            complaint_rows,
            "complaints",
        )
        self._copy(Visit, VISIT_COLUMNS, visit_rows, "visits")
        self._copy(Visit.officers.through, ("visit_id", "user_id"), officer_rows)
        self._copy(Donation, DONATION_COLUMNS, donation_rows, "donations")
        self.counts["approved_vnd"] += sum(h.approved_total for h in households)
        self.counts["paid_vnd"] += sum(h.paid_total for h in households)
        return new

    def audit(self, territory: Territory, counts: dict[str, int], label: str) -> None:
        """One summary row per province and run: what was generated there."""
        if not counts.get("projects"):
            return
        audit.record(
            [
                audit.Change(
                    action=audit.Action.IMPORT,
                    object_type="clearance.project",
                    object_repr=(
                        f"{label}: {_vn_int(counts['projects'])} dự án, "
                        f"{_vn_int(counts.get('households', 0))} hộ (dữ liệu mẫu)"
                    )[:255],
                    territory_id=territory.pk,
                    changes={name: [None, value] for name, value in counts.items() if value},
                )
            ],
            actor=self.run.actor,
        )


def refresh_project_totals(first_id: int, last_id: int) -> None:
    """Every project total of the projects first_id..last_id, from their households, in one
    grouped UPDATE (the same sums as services.totals.project_sums)."""
    p = connection.ops.quote_name(Project._meta.db_table)
    h = connection.ops.quote_name(Household._meta.db_table)

    def listed(states) -> str:
        return ", ".join(f"'{s}'" for s in states)  # enum values, never user input

    sql = f"""
        UPDATE {p} SET
            households_count = a.n, agreed_count = a.agreed, paid_count = a.paid,
            handed_over_count = a.handed, complaint_count = a.complaints,
            approved_total = a.approved, paid_total = a.paid_vnd, recovered_area = a.area
        FROM (
            SELECT project_id, COUNT(*) AS n,
                SUM(CASE WHEN status IN ({listed(AGREED_STATES)}) THEN 1 ELSE 0 END) AS agreed,
                SUM(CASE WHEN status IN ({listed(PAID_STATES)}) THEN 1 ELSE 0 END) AS paid,
                SUM(CASE WHEN status = '{CaseStatus.HANDED_OVER}' THEN 1 ELSE 0 END) AS handed,
                SUM(CASE WHEN open_complaints > 0 THEN 1 ELSE 0 END) AS complaints,
                SUM(approved_total) AS approved, SUM(paid_total) AS paid_vnd,
                SUM(recovered_area) AS area
            FROM {h} WHERE project_id BETWEEN %s AND %s GROUP BY project_id
        ) AS a
        WHERE {p}.id = a.project_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [first_id, last_id])


# --- drawing people, places, dates and money -----------------------------------------------------


def _round_to(value: int, step: int) -> int:
    return (value + step // 2) // step * step


def _area(value: float) -> Decimal:
    """An area to the half square metre: halves add up exactly even where the database sums
    decimals as floating point (SQLite), so stored totals always equal their sums."""
    return Decimal(round(value * 2)) / 2


def _person(rng: random.Random, *, female: bool) -> str:
    middles, givens = (
        (MIDDLE_NAMES_FEMALE, GIVEN_NAMES_FEMALE)
        if female
        else (MIDDLE_NAMES_MALE, GIVEN_NAMES_MALE)
    )
    return f"{_pick(rng, FAMILY_NAMES)} {_pick(rng, middles)} {_pick(rng, givens)}"


def _cccd(rng: random.Random, province_code: int, born: int, *, female: bool) -> str:
    """A made-up citizen ID shaped like a real one: province, sex and century, year, serial."""
    century = 0 if born < 2000 else 2
    serial = int(rng.random() * 1_000_000)
    return f"{province_code:03d}{century + int(female)}{born % 100:02d}{serial:06d}"


def _is_ward(territory: Territory) -> bool:
    return territory.division_type.lower().startswith(("phường", "thị trấn"))


def _unit_label(territory: Territory) -> str:
    return territory.name[:1].lower() + territory.name[1:]


def _unit_short(territory: Territory) -> str:
    for prefix in ("Phường ", "Xã ", "Thị trấn ", "Đặc khu "):
        if territory.name.startswith(prefix):
            return territory.name[len(prefix) :]
    return territory.name


VILLAGES = (
    "Phú Ninh", "Vĩnh Bình", "Xuân Quý", "Đàn Hạ", "Đàn Trung", "Thạch Tân", "Tú Mỹ",
    "Ngọc Nam", "Hòa Đông", "Mỹ Thạch", "Trường Đồng", "Kim Đới", "Thuận Trà", "An Hà",
)  # fmt: skip


def _village(territory: Territory, rng: random.Random) -> str:
    if _is_ward(territory):
        if territory.province_code in {48, 49}:
            return f"khối phố {rng.randint(1, 12)}"
        if territory.province_code >= 70:
            return f"khu phố {rng.randint(1, 12)}"
        return f"tổ dân phố {rng.randint(1, 24)}"
    if territory.province_code >= 70:
        return f"ấp {rng.randint(1, 9)}"
    return f"thôn {rng.choice(VILLAGES)}"


TAM_KY_STREETS = (
    "Phan Chu Trinh", "Hùng Vương", "Trần Cao Vân", "Huỳnh Thúc Kháng", "Điện Biên Phủ",
    "Nguyễn Hoàng", "Bạch Đằng", "Tôn Đức Thắng", "Lê Thánh Tông", "Nguyễn Văn Trỗi",
    "Phan Bội Châu", "Trần Quý Cáp", "Duy Tân", "Lý Thường Kiệt", "Nguyễn Duy Hiệu",
    "Hoàng Diệu", "Trần Dư", "Nguyễn Chí Thanh", "Lê Lợi", "Võ Chí Công", "Thanh Niên",
    "Trưng Nữ Vương", "Nguyễn Thái Bình", "Tiểu La", "Phạm Văn Đồng",
)  # fmt: skip
RELATIONS = ("Vợ", "Chồng", "Con", "Con", "Con", "Mẹ", "Cha", "Con dâu", "Cháu")

# Land prices (đồng per m², thousands) for recovered land in the demo's years.
RESIDENTIAL_PRICE = (1_200, 4_600)
FARM_PRICE = (45, 75)
FARM_TYPES = (LandType.LUA, LandType.LUA, LandType.HNK, LandType.CLN, LandType.NTS)
LAND_WORDS = {
    LandType.ODT: "Đất ở tại đô thị",
    LandType.ONT: "Đất ở tại nông thôn",
    LandType.LUA: "Đất trồng lúa",
    LandType.HNK: "Đất trồng cây hằng năm khác",
    LandType.CLN: "Đất trồng cây lâu năm",
    LandType.NTS: "Đất nuôi trồng thủy sản",
}
HOUSES = (
    ("Nhà ở cấp 4, tường gạch, mái tôn", 2_350_000, 3_100_000),
    ("Nhà ở 1 tầng, mái bằng bê tông cốt thép", 3_600_000, 4_300_000),
    ("Nhà ở 2 tầng, khung bê tông cốt thép", 4_200_000, 4_900_000),
    ("Nhà kho, chuồng trại tường xây", 950_000, 1_400_000),
)
CROPS = (
    ("Cây dừa đang cho quả", "cây", 550_000, 750_000, (1, 6)),
    ("Cây xoài đường kính gốc trên 20 cm", "cây", 420_000, 600_000, (1, 4)),
    ("Cây keo lá tràm", "cây", 28_000, 45_000, (20, 260)),
    ("Cây chuối", "bụi", 60_000, 90_000, (2, 20)),
    ("Tre, luồng", "bụi", 180_000, 260_000, (1, 6)),
)


def _farm_crop(rng: random.Random, land_type: str, area: Decimal) -> tuple:
    if land_type == LandType.LUA:
        return (Category.CROPS, "Lúa vụ Đông Xuân", area, "m²", rng.randint(3_600, 4_600))
    if land_type == LandType.NTS:
        return (Category.CROPS, "Tôm, cá nuôi trong ao", area, "m²", rng.randint(9_000, 14_000))
    text, unit, low, high, count = rng.choice(CROPS)
    return (
        Category.CROPS,
        text,
        Decimal(rng.randint(*count)),
        unit,
        _round_to(rng.randint(low, high), 1000),
    )


@dataclass(slots=True)
class Money:
    """What a household is owed before the support multiplier is chosen."""

    plots: list[tuple]
    inventory: list[tuple]
    lines: dict[str, int]  # category -> amount, from the inventory and fixed supports
    support_base: int  # support for job change and livelihood is a multiple of this
    residential: bool


def _state_money(rng: random.Random, territory: Territory, *, residential: bool) -> Money:
    """Plots, inventory and the plan's fixed lines of one household losing land to a project."""
    sheet = rng.randint(3, 42)
    legal = rng.choices(
        (LegalStatus.CERTIFIED, LegalStatus.ELIGIBLE, LegalStatus.NOT_ELIGIBLE), (88, 9, 3)
    )[0]
    certificate = f"{rng.choice(('BX', 'CH', 'CS', 'DA'))} {rng.randrange(10**6):06d}"
    plots, inventory = [], []
    if residential:
        land_type = LandType.ODT if _is_ward(territory) else LandType.ONT
        total = _area(rng.uniform(80, 320))
        recovered = min(total, _area(rng.uniform(35, 160)))
        price = rng.randint(*RESIDENTIAL_PRICE) * 1000
        number = str(rng.randint(1, 480))
        plots.append(
            (str(sheet), number, certificate if legal == LegalStatus.CERTIFIED else "",
             land_type, legal, total, recovered)
        )  # fmt: skip
        if legal != LegalStatus.NOT_ELIGIBLE:
            inventory.append(
                (Category.LAND, f"{LAND_WORDS[land_type]}, thửa {number} tờ bản đồ {sheet}",
                 recovered, "m²", price)
            )  # fmt: skip
        text, low, high = rng.choice(HOUSES)
        inventory.append(
            (Category.STRUCTURES, text, _area(rng.uniform(35, 110)), "m²",
             _round_to(rng.randint(low, high), 1000))
        )  # fmt: skip
        inventory.append(
            (Category.STRUCTURES, "Sân lát gạch, bê tông", _area(rng.uniform(15, 70)), "m²",
             rng.randint(120, 190) * 1000)
        )  # fmt: skip
        if rng.random() < 0.6:
            inventory.append(
                (Category.STRUCTURES, "Tường rào xây gạch cao 1,5 m", _area(rng.uniform(8, 40)),
                 "m", rng.randint(380, 650) * 1000)
            )  # fmt: skip
        if rng.random() < 0.7:
            inventory.append(_farm_crop(rng, LandType.CLN, recovered))
        inventory.append(
            (Category.RELOCATION, "Chi phí di chuyển chỗ ở", Decimal(1), "hộ",
             rng.choice((5, 6, 8, 10)) * 1_000_000)
        )  # fmt: skip
        support_base = (
            (recovered * price).to_integral_value() // 8 if legal != LegalStatus.NOT_ELIGIBLE else 0
        )
    else:
        support_base = 0
        for _plot in range(1 if rng.random() < 0.7 else 2):
            land_type = rng.choice(FARM_TYPES)
            total = _area(rng.uniform(250, 2_400))
            recovered = min(total, _area(rng.uniform(120, 1_000)))
            number = str(rng.randint(1, 900))
            if any(p[1] == number and p[0] == str(sheet) for p in plots):
                continue
            price = rng.randint(*FARM_PRICE) * 1000
            plots.append(
                (str(sheet), number, certificate if legal == LegalStatus.CERTIFIED else "",
                 land_type, legal, total, recovered)
            )  # fmt: skip
            if legal != LegalStatus.NOT_ELIGIBLE:
                inventory.append(
                    (Category.LAND, f"{LAND_WORDS[land_type]}, thửa {number} tờ bản đồ {sheet}",
                     recovered, "m²", price)
                )  # fmt: skip
                support_base += int(recovered * price)
            inventory.append(_farm_crop(rng, land_type, recovered))
    lines: dict[str, int] = {}
    for category, _text, quantity, _unit, price in inventory:
        lines[category] = lines.get(category, 0) + line_amount(quantity, price)
    return Money(plots, inventory, lines, int(support_base), residential)


SUPPORT_NOTE = {
    True: "Hỗ trợ ổn định đời sống, thuê nhà tạm cư",
    False: "Hỗ trợ đào tạo, chuyển đổi nghề và tìm kiếm việc làm",
}


def _plan_lines(money: Money, k: float, rng: random.Random, *, bonus: bool) -> list[tuple]:
    lines = dict(money.lines)
    support = _round_to(int(money.support_base * k), 1000)
    if support:
        lines[Category.SUPPORT] = support
    if bonus and money.residential:
        lines[Category.BONUS] = rng.choice((3, 5, 5, 8, 10)) * 1_000_000
    notes = {Category.SUPPORT: SUPPORT_NOTE[money.residential]}
    return [(c, a, notes.get(c, "")) for c, a in lines.items() if a > 0]


# --- lifecycles -------------------------------------------------------------------------------

S = CaseStatus
CASE_MIX = {
    ProjectStatus.COMPLETED: ((S.HANDED_OVER, 1.0),),
    ProjectStatus.HANDED_OVER: ((S.HANDED_OVER, 0.96), (S.ENFORCED, 0.04)),
    ProjectStatus.PAYING: (
        (S.HANDED_OVER, 0.42), (S.PAID, 0.17), (S.AGREED, 0.17), (S.DISAGREED, 0.1),
        (S.FORCED_INVENTORY, 0.04), (S.ENFORCED, 0.04), (S.PERSUADING, 0.06),
    ),
    ProjectStatus.PLAN_APPROVED: (
        (S.AGREED, 0.6), (S.DISAGREED, 0.2), (S.PERSUADING, 0.12), (S.INVENTORY_DONE, 0.08),
    ),
    ProjectStatus.PLAN_POSTED: (
        (S.INVENTORY_DONE, 0.5), (S.AGREED, 0.2), (S.PERSUADING, 0.2), (S.DISAGREED, 0.1),
    ),
    ProjectStatus.PLAN_DRAFTED: (
        (S.INVENTORY_DONE, 0.6), (S.PERSUADING, 0.3), (S.FORCED_INVENTORY, 0.1),
    ),
    ProjectStatus.INVENTORY: (
        (S.INVENTORY_DONE, 0.45), (S.PERSUADING, 0.35), (S.NOT_CONTACTED, 0.15),
        (S.FORCED_INVENTORY, 0.05),
    ),
    ProjectStatus.NOTICE_ISSUED: ((S.NOT_CONTACTED, 0.5), (S.PERSUADING, 0.5)),
    ProjectStatus.PREPARING: ((S.NOT_CONTACTED, 1.0),),
}  # fmt: skip
APPROVED_STAGES = (
    ProjectStatus.PLAN_APPROVED,
    ProjectStatus.PAYING,
    ProjectStatus.HANDED_OVER,
    ProjectStatus.COMPLETED,
)
PAYING_STAGES = (ProjectStatus.PAYING, ProjectStatus.HANDED_OVER, ProjectStatus.COMPLETED)
DRAFT_STAGES = (ProjectStatus.PLAN_DRAFTED, ProjectStatus.PLAN_POSTED)
PAYABLE = frozenset((S.AGREED, *PAID_STATES, S.ENFORCED))
COUNTED_STATES = (S.INVENTORY_DONE, S.FORCED_INVENTORY, S.AGREED, S.DISAGREED, *PAID_STATES,
                  S.ENFORCED)  # fmt: skip


def _stage(project: ProjectSpec) -> str:
    """Where the project's work stands (a suspended project stands where it stopped)."""
    return project.suspended_from or project.status


_CASE_CUMULATIVE = {
    stage: [(s, sum(w for _s, w in mix[: i + 1])) for i, (s, _w) in enumerate(mix)]
    for stage, mix in CASE_MIX.items()
}


def _case_status(rng: random.Random, stage: str) -> str:
    draw = rng.random()
    steps = _CASE_CUMULATIVE[stage]
    for status, upto in steps:
        if draw < upto:
            return status
    return steps[-1][0]


@dataclass(slots=True)
class Timeline:
    """The dates of a project's steps; None for steps not reached."""

    starts_on: date
    notice_on: date
    inventory_on: date
    drafted_on: date
    approved_on: date
    paying_from: date
    handed_by: date

    @classmethod
    def draw(cls, rng: random.Random, year: int, today: date) -> "Timeline":
        starts = date(year, rng.randint(1, 9), rng.randint(1, 28))
        notice = starts + timedelta(days=rng.randint(5, 25))
        inventory = notice + timedelta(days=rng.randint(20, 60))
        drafted = inventory + timedelta(days=rng.randint(30, 90))
        approved = drafted + timedelta(days=rng.randint(40, 80))
        paying = approved + timedelta(days=rng.randint(7, 30))
        handed = paying + timedelta(days=rng.randint(45, 160))
        last = today - timedelta(days=1)
        return cls(*(min(d, last) for d in (starts, notice, inventory, drafted, approved, paying,
                                            handed)))  # fmt: skip


DECISION_WORDS = "Quyết định thu hồi đất"


def _decision_number(rng: random.Random, signer: str = "UBND") -> str:
    return f"{rng.randint(120, 9800)}/QĐ-{signer}"


def _payments(
    rng: random.Random, h: HouseholdSpec, t: Timeline, *, partial: bool, today: date
) -> list[tuple]:
    """The household's payments: never more than its approved plans, in one or two parts."""
    approved = h.approved_total
    if approved <= 0:
        return []
    end = min(h.handed_over_on or t.handed_by, today)
    method = PaymentMethod.TREASURY if h.status == S.ENFORCED else (
        PaymentMethod.CASH if rng.random() < 0.2 else PaymentMethod.TRANSFER
    )  # fmt: skip
    voucher = "UNC" if method != PaymentMethod.CASH else "PC"
    if partial:
        if rng.random() < 0.25:
            return []
        amount = _round_to(int(approved * rng.uniform(0.4, 0.8)), 1000)
        return [(_between(rng, t.paying_from, end), f"{voucher} {int(rng.random() * 100_000):05d}",
                 method, amount, "Tạm ứng đợt 1")]  # fmt: skip
    original = sum(
        p.total for p in h.plans if p.kind == PlanKind.ORIGINAL and p.status == PlanStatus.APPROVED
    )
    parts = [original]
    notes = ["Chi trả tiền bồi thường, hỗ trợ"]
    if rng.random() < 0.3 and original > 20_000_000 and method != PaymentMethod.TREASURY:
        first = _round_to(int(original * rng.uniform(0.5, 0.8)), 1000)
        parts = [first, original - first]
        notes = ["Chi trả đợt 1", "Chi trả phần còn lại"]
    if approved > original:
        parts.append(approved - original)  # the supplementary plan, paid on its own
        notes.append("Chi trả theo phương án bổ sung")
    days = sorted(_between(rng, t.paying_from, end) for _ in parts)
    return [
        (day, f"{voucher} {int(rng.random() * 100_000):05d}", method, amount, note)
        for day, amount, note in zip(days, parts, notes, strict=True)
    ]


# --- visits and complaints ---------------------------------------------------------------------

OPENING_TALKS = (
    "Tuyên truyền chủ trương thu hồi đất thực hiện dự án {project}; phát tờ rơi, giải thích "
    "quyền lợi của hộ theo Luật Đất đai.",
    "Thông báo kế hoạch điều tra, khảo sát, đo đạc, kiểm đếm; đề nghị hộ phối hợp để tổ công "
    "tác vào kiểm đếm.",
    "Thăm hỏi gia đình, lắng nghe tâm tư, nguyện vọng của hộ về nơi ở mới và sinh kế sau khi "
    "bị thu hồi đất.",
)
MIDDLE_TALKS = (
    "Đối chiếu kết quả kiểm đếm từng hạng mục nhà, vật kiến trúc và cây trồng; hộ đề nghị "
    "kiểm tra lại diện tích sân và tường rào.",
    "Giải thích đơn giá bồi thường đất và mức hỗ trợ chuyển đổi nghề theo quy định của "
    "UBND tỉnh; hộ cho rằng đơn giá đất còn thấp so với giá thị trường.",
    "Trao đổi phương án bố trí tái định cư; hộ mong muốn được bố trí lô đất gần nơi ở cũ.",
    "Cùng Trưởng {village} và Chi hội trưởng Chi hội Phụ nữ vận động gia đình, nêu gương "
    "các hộ đã nhận tiền và bàn giao mặt bằng.",
    "Mời hộ dự buổi đối thoại với Hội đồng bồi thường; giải đáp kiến nghị về diện tích đất "
    "vườn liền kề đất ở.",
    "Giải thích phương án bồi thường đã niêm yết công khai tại nhà văn hóa {village}; ghi "
    "nhận ý kiến của hộ.",
    "Làm việc với các con của chủ hộ đang ở xa qua điện thoại để thống nhất ý kiến trong gia đình.",
)
CLOSING_TALKS = (
    "Hướng dẫn thủ tục nhận tiền bồi thường, hỗ trợ tại Trung tâm Phát triển quỹ đất; thống "
    "nhất thời gian bàn giao mặt bằng.",
    "Hộ thống nhất với phương án được duyệt; hẹn ngày ký biên bản bàn giao mặt bằng.",
    "Hỗ trợ gia đình tháo dỡ, di chuyển tài sản; đoàn viên thanh niên giúp vận chuyển đồ đạc.",
)
HARD_TALKS = (
    "Hộ tiếp tục không đồng ý đơn giá bồi thường; tổ công tác giải thích trình tự kiểm đếm "
    "bắt buộc và cưỡng chế thu hồi đất nếu hộ không chấp hành.",
    "Đối thoại lần thứ hai tại UBND {unit}; hộ giữ nguyên ý kiến, đề nghị được bồi thường "
    "theo giá thị trường.",
)
ENFORCED_TALK = (
    "Vận động hộ nhận tiền bồi thường đã gửi tại Kho bạc Nhà nước và tự tháo dỡ, bàn giao mặt "
    "bằng trước ngày cưỡng chế."
)
ABSENT_TALK = "Đến nhà nhưng gia đình đi vắng; nhờ Trưởng {village} chuyển giấy mời làm việc."
DONATION_TALKS = (
    "Họp dân tại nhà văn hóa {village}, bàn phương án mở rộng đường theo phương châm "
    "“Nhà nước và Nhân dân cùng làm”.",
    "Vận động hộ hiến đất mở rộng đường; nêu gương các hộ đã ký cam kết hiến đất trong {village}.",
    "Thống nhất mốc giới, phần diện tích hiến và việc làm lại tường rào, cổng ngõ cho gia đình.",
)
NEXT_STEPS = {
    VisitOutcome.AGREED: "Lập biên bản, chuẩn bị hồ sơ chi trả và bàn giao mặt bằng",
    VisitOutcome.CONSIDERING: "Quay lại gặp hộ sau một tuần",
    VisitOutcome.PENDING: "Báo cáo Hội đồng bồi thường xem xét kiến nghị của hộ",
    VisitOutcome.REFUSED: "Tiếp tục vận động, mời hộ dự buổi đối thoại",
    VisitOutcome.ABSENT: "Liên hệ qua điện thoại, hẹn lại buổi làm việc",
}
PARTICIPANTS = (
    "Trưởng {village}",
    "Trưởng {village}, Chi hội trưởng Chi hội Phụ nữ",
    "Bí thư Chi bộ {village}, Trưởng ban công tác Mặt trận",
    "Cán bộ địa chính {unit}, Trưởng {village}",
    "Chi hội trưởng Chi hội Cựu chiến binh {village}",
)
FINAL_OUTCOME = {
    S.PERSUADING: (VisitOutcome.CONSIDERING, VisitOutcome.PENDING, VisitOutcome.ABSENT),
    S.INVENTORY_DONE: (VisitOutcome.CONSIDERING, VisitOutcome.PENDING),
    S.FORCED_INVENTORY: (VisitOutcome.REFUSED,),
    S.AGREED: (VisitOutcome.AGREED,),
    S.DISAGREED: (VisitOutcome.REFUSED, VisitOutcome.PENDING),
    S.PAID: (VisitOutcome.AGREED,),
    S.HANDED_OVER: (VisitOutcome.AGREED,),
    S.ENFORCED: (VisitOutcome.REFUSED,),
}
VISIT_COUNT = {
    S.NOT_CONTACTED: (0, 0), S.PERSUADING: (1, 3), S.INVENTORY_DONE: (1, 3),
    S.FORCED_INVENTORY: (4, 7), S.AGREED: (2, 4), S.DISAGREED: (4, 8), S.PAID: (2, 4),
    S.HANDED_OVER: (2, 5), S.ENFORCED: (5, 9),
}  # fmt: skip
COMPLAINTS = {
    # Households losing their home ...
    True: (
        "Đề nghị xem xét lại đơn giá bồi thường đất ở, cho rằng thấp hơn giá chuyển nhượng "
        "thực tế trên thị trường.",
        "Khiếu nại kết quả kiểm đếm thiếu diện tích sân bê tông và tường rào.",
        "Đề nghị được công nhận phần đất vườn liền kề là đất ở để tính bồi thường.",
        "Đề nghị được bố trí thêm một lô đất tái định cư cho hộ con đã tách khẩu.",
    ),
    # ... and those losing farmland.
    False: (
        "Đề nghị xem xét lại đơn giá bồi thường đất nông nghiệp, cho rằng thấp hơn giá "
        "chuyển nhượng thực tế trên thị trường.",
        "Khiếu nại kết quả đo đạc, cho rằng diện tích thửa đất bị thu hồi lớn hơn số liệu "
        "kiểm đếm.",
        "Không đồng ý với mức hỗ trợ chuyển đổi nghề; đề nghị áp dụng hệ số cao hơn.",
        "Đề nghị bồi thường thêm cây cối, hoa màu trồng sau ngày kiểm đếm.",
    ),
}
RESOLUTIONS = (
    "UBND thành phố ban hành quyết định giải quyết khiếu nại lần đầu, giữ nguyên phương án "
    "đã phê duyệt; hộ chấp hành.",
    "Kiểm đếm bổ sung, lập phương án bồi thường bổ sung cho phần tài sản còn thiếu.",
    "Đối thoại, giải thích chính sách; hộ rút đơn khiếu nại.",
)


def _visits(
    rng: random.Random,
    *,
    status: str,
    start: date,
    end: date,
    project_name: str,
    village: str,
    unit: str,
    officer_ids: tuple[int, ...],
    leader_ids: tuple[int, ...],
    donation: bool = False,
) -> list[VisitSpec]:
    low, high = VISIT_COUNT[status]
    count = rng.randint(low, high)
    if not count:
        return []
    days = sorted(_between(rng, start, end) for _ in range(count))
    final = rng.choice(FINAL_OUTCOME[status])
    visits = []
    for i, day in enumerate(days):
        last = i == count - 1
        if donation:
            text = DONATION_TALKS[min(i, len(DONATION_TALKS) - 1)]
        elif i == 0:
            text = rng.choice(OPENING_TALKS)
        elif last and final == VisitOutcome.AGREED:
            text = rng.choice(CLOSING_TALKS)
        elif last and status == S.ENFORCED:
            text = ENFORCED_TALK
        elif final == VisitOutcome.REFUSED and i >= count - 2:
            text = rng.choice(HARD_TALKS)
        else:
            text = rng.choice(MIDDLE_TALKS)
        outcome = (
            final
            if last
            else rng.choice((VisitOutcome.CONSIDERING, VisitOutcome.PENDING, VisitOutcome.ABSENT,
                             VisitOutcome.REFUSED))
        )  # fmt: skip
        if outcome == VisitOutcome.ABSENT and not donation:
            text = ABSENT_TALK
        hard = status in (S.DISAGREED, S.ENFORCED, S.FORCED_INVENTORY)
        officers = officer_ids + (leader_ids if hard and rng.random() < 0.4 else ())
        follow_up = None
        if outcome != VisitOutcome.AGREED:
            follow_up = day + timedelta(days=rng.randint(3, 14))
        visits.append(
            VisitSpec(
                visited_on=day,
                kind=VisitKind.MEETING
                if "đối thoại" in text.lower()
                else (VisitKind.CALL if "qua điện thoại" in text else VisitKind.VISIT),
                participants=rng.choice(PARTICIPANTS).format(village=village, unit=unit),
                discussed=text.format(project=project_name, village=village, unit=unit),
                outcome=outcome,
                next_step=NEXT_STEPS[outcome],
                follow_up_on=follow_up,
                officer_ids=officers,
            )
        )  # fmt: skip
    return visits


def _members(rng: random.Random, province_code: int, head_born: int, female: bool) -> list[tuple]:
    members = []
    for relation in rng.sample(RELATIONS, rng.randint(0, 3)):
        if relation in ("Vợ", "Mẹ", "Con dâu"):
            member_female = True
        elif relation in ("Chồng", "Cha"):
            member_female = False
        else:
            member_female = rng.random() < 0.5
        if (relation == "Vợ" and female) or (relation == "Chồng" and not female):
            continue
        if relation in ("Mẹ", "Cha"):
            born = head_born - rng.randint(20, 32)
        elif relation in ("Vợ", "Chồng"):
            born = head_born + rng.randint(-4, 6)
        elif relation == "Cháu":
            born = head_born + rng.randint(42, 55)
        else:
            born = head_born + rng.randint(20, 34)
        born = min(born, 2020)
        adult = born <= 2008
        members.append(
            (
                _person(rng, female=member_female),
                relation,
                _cccd(rng, province_code, born, female=member_female) if adult else "",
                _phone(rng) if adult and rng.random() < 0.6 else "",
                born,
            )
        )
    return members


# --- demo scale: Tam Kỳ ----------------------------------------------------------------------

TAM_KY_PROJECTS = {2021: 41, 2022: 44, 2023: 43}
TAM_KY_PEOPLE_FUNDED = {2021: 10, 2022: 11, 2023: 11}
TAM_KY_STATE_HOUSEHOLDS = 2_790
TAM_KY_DONOR_HOUSEHOLDS = 712
TAM_KY_PAID = 450_300_000_000
TAM_KY_DONATED_AREA = Decimal("93640")
TAM_KY_DONATED_VALUE = 40_260_000_000
TAM_KY_PROVINCE_CODE = 49  # old Quảng Nam: the ID numbers of people born there
CAMPAIGN_HOUSEHOLDS = (62, 54, 44)

STATE_PROJECT_STATUS = {
    2021: ((ProjectStatus.COMPLETED, 0.8), (ProjectStatus.HANDED_OVER, 0.2)),
    2022: ((ProjectStatus.COMPLETED, 0.45), (ProjectStatus.HANDED_OVER, 0.25),
           (ProjectStatus.PAYING, 0.3)),
    2023: ((ProjectStatus.PAYING, 0.4), (ProjectStatus.PLAN_APPROVED, 0.12),
           (ProjectStatus.PLAN_POSTED, 0.1), (ProjectStatus.PLAN_DRAFTED, 0.08),
           (ProjectStatus.INVENTORY, 0.12), (ProjectStatus.NOTICE_ISSUED, 0.06),
           (ProjectStatus.HANDED_OVER, 0.07), (ProjectStatus.SUSPENDED, 0.05)),
}  # fmt: skip

STATE_WORKS = (
    ("Nâng cấp, mở rộng đường {street}",
     "Mở rộng mặt đường, xây dựng vỉa hè, cây xanh và hệ thống thoát nước dọc tuyến."),
    ("Đường {street} nối dài",
     "Kéo dài tuyến đường, kết nối khu dân cư mới với trung tâm đô thị."),
    ("Khu dân cư phía {side} đường {street}",
     "Đầu tư hạ tầng khu dân cư mới, tạo quỹ đất ở và đất tái định cư."),
    ("Khu tái định cư {short}",
     "Bố trí đất tái định cư cho các hộ bị thu hồi đất ở trên địa bàn."),
    ("Kè chống sạt lở bờ sông Bàn Thạch đoạn qua {unit}",
     "Xây dựng kè bảo vệ bờ sông, chống sạt lở, bảo vệ khu dân cư hai bên sông."),
    ("Hệ thống thoát nước lưu vực {short}",
     "Xây dựng cống, mương thoát nước, chống ngập úng khu dân cư."),
    ("Mở rộng Trường Mầm non {short}",
     "Mở rộng khuôn viên, xây thêm phòng học đạt chuẩn quốc gia."),
    ("Đường dây và trạm biến áp 110 kV {short}",
     "Xây dựng đường dây, trạm biến áp bảo đảm cấp điện cho khu vực."),
    ("Khu đô thị mới {short} – {street}",
     "Đầu tư xây dựng khu đô thị mới đồng bộ hạ tầng kỹ thuật và xã hội."),
    ("Công viên cây xanh dọc đường {street}",
     "Tạo không gian công cộng, cây xanh cho người dân."),
    ("Chợ {short} (xây mới)", "Xây mới chợ và bãi đỗ xe, bố trí lại các hộ kinh doanh."),
    ("Cụm công nghiệp {short} (mở rộng)",
     "Mở rộng cụm công nghiệp, thu hút đầu tư, tạo việc làm cho lao động địa phương."),
)  # fmt: skip
COAST_WORKS = (
    ("Đường ven biển Việt Nam đoạn qua {unit}",
     "Xây dựng tuyến đường ven biển, kết nối các khu du lịch và khu dân cư ven biển."),
)  # fmt: skip
STATE_INVESTORS = (
    "Ban Quản lý dự án đầu tư xây dựng thành phố Tam Kỳ",
    "Trung tâm Phát triển quỹ đất thành phố Tam Kỳ",
    "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh Quảng Nam",
    "Công ty Cổ phần Đầu tư Phát triển đô thị Tam Kỳ (nhà đầu tư)",
    "Công ty Điện lực Quảng Nam",
)
PEOPLE_WORKS = {
    WorksKind.ROAD: ("Bê tông hóa đường giao thông nông thôn {village}, {unit}",
                     "Mở rộng đường liên thôn {village}, {unit}"),
    WorksKind.ALLEY: ("Mở rộng kiệt {n} {street}, {unit}",
                      "Chỉnh trang, bê tông hóa kiệt {street} ({village})"),
    WorksKind.SCHOOL: ("Mở rộng sân Trường Tiểu học {short}",),
    WorksKind.CANAL: ("Kiên cố hóa kênh mương nội đồng {village}, {unit}",),
    WorksKind.PUBLIC: ("Sân thể thao và nhà văn hóa {village}, {unit}",),
}  # fmt: skip
PEOPLE_PURPOSE = (
    "Công trình theo phương châm “Nhà nước và Nhân dân cùng làm”: Nhân dân hiến đất, góp "
    "công; ngân sách hỗ trợ xi măng và làm lại tường rào, cổng ngõ cho các hộ."
)
# Donated land's estimated value, thousand đồng per m² (alleys in town are worth more).
DONATION_PRICE = {
    WorksKind.ROAD: (250, 480),
    WorksKind.ALLEY: (480, 820),
    WorksKind.SCHOOL: (300, 520),
    WorksKind.CANAL: (200, 320),
    WorksKind.PUBLIC: (280, 460),
}
TASK_FORCE_NAME = "Tổ công tác dân vận giải phóng mặt bằng thành phố Tam Kỳ"
TASK_FORCE_MEMBERS = (
    ("Trưởng Ban Dân vận Thành ủy, Tổ phó Thường trực", False),
    ("Phó Chủ tịch UBND thành phố, Tổ phó", False),
    ("Chủ tịch Ủy ban MTTQ Việt Nam thành phố", False),
    ("Giám đốc Trung tâm Phát triển quỹ đất thành phố", False),
    ("Trưởng phòng Tài nguyên và Môi trường thành phố", False),
    ("Chủ tịch Hội Nông dân thành phố", False),
    ("Chủ tịch Hội Cựu chiến binh thành phố", True),
)
WARD_TASK_FORCE_NAME = "Tổ dân vận phường Tam Kỳ – đợt cao điểm giải phóng mặt bằng"
WARD_TASK_FORCE_MEMBERS = (
    ("Chủ tịch UBND phường", False),
    ("Chủ tịch Ủy ban MTTQ Việt Nam phường", False),
    ("Công chức địa chính – xây dựng phường", False),
    ("Bí thư Đoàn Thanh niên phường", True),
    ("Chủ tịch Hội Liên hiệp Phụ nữ phường", True),
)
CAMPAIGN_PROJECTS = (
    ("Khu dân cư phía Đông đường Điện Biên Phủ (giai đoạn 2)",
     "Hoàn thiện hạ tầng khu dân cư, bố trí tái định cư tại chỗ.", True),
    ("Nâng cấp, mở rộng đường Trần Cao Vân đoạn qua phường Tam Kỳ",
     "Mở rộng mặt đường lên 27 m, hạ ngầm đường dây điện và thoát nước.", True),
    ("Kè chống sạt lở bờ sông Bàn Thạch đoạn qua phường Tam Kỳ",
     "Xây dựng kè, đường dạo ven sông, chống sạt lở mùa mưa bão.", False),
)  # fmt: skip
CAMPAIGN_NAME = "Đợt cao điểm giải phóng mặt bằng cuối năm {year} – phường Tam Kỳ"
LEADER_USERNAME = "lanhdao.tamky"
OFFICER_USERNAME = "canbo.tamky"


def _scaled_sizes(weights: list[float], total: int, minimum: int) -> list[int]:
    """Split `total` over the weights (largest remainders), at least `minimum` each."""
    raw = [w * total / sum(weights) for w in weights]
    sizes = [max(minimum, int(r)) for r in raw]
    short = total - sum(sizes)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in order[: max(short, 0)]:
        sizes[i] += 1
    return sizes


class TamKy:
    """Tam Kỳ's clearance work, 2021-2023, and this year's peak campaign."""

    def __init__(self, run: GenerationRun):
        self.run = run
        self.rng = run.rng("clearance:demo:tam-ky")
        self.today = timezone.localdate()
        areas = demo_areas()
        self.da_nang = areas.da_nang
        self.wards = {w.code: w for w in areas.tam_ky}
        self.ward = self.wards.get(20341) or areas.tam_ky[0]
        self.legacy = list(legacy_tam_ky_communes())
        self.users = {
            u.username: u
            for u in User.objects.filter(username__in=[LEADER_USERNAME, OFFICER_USERNAME])
        }
        self.names: set[str] = set()
        # The running peak campaign: started about six weeks ago, ends in five.
        self.campaign_period = (self.today - timedelta(days=40), self.today + timedelta(days=36))
        self.counts: dict[str, int] = defaultdict(int)

    def user_id(self, username: str) -> int | None:
        user = self.users.get(username)
        return user.pk if user else None

    def officers_for(self, territory: Territory) -> tuple[int, ...]:
        """The ward officer goes to the households of Phường Tam Kỳ and its old wards."""
        officer = self.user_id(OFFICER_USERNAME)
        if officer and territory.scope_path.startswith(self.ward.path):
            return (officer,)
        return ()

    # task forces and the campaign

    def task_force(self, name: str, territory: Territory, members, leader: str, note: str) -> int:
        found = TaskForce.objects.filter(territory=territory, name=name).first()
        if found is not None:
            return found.pk
        rng = self.run.rng(f"clearance:demo:task-force:{name}")
        organisation = Organisation.objects.filter(
            territory=self.ward, kind__code="task_force"
        ).first()
        task_force = TaskForce.objects.create(
            name=name, territory=territory, organisation=organisation, note=note
        )
        leader_user = self.users.get(leader)
        rows = [
            TaskForceMember(
                task_force=task_force,
                user=leader_user,
                full_name=leader_user.full_name if leader_user else _person(rng, female=False),
                position=(leader_user.position if leader_user else "") or "Tổ trưởng",
                is_leader=True,
            )
        ]
        rows += [
            TaskForceMember(
                task_force=task_force,
                full_name=_person(rng, female=female),
                position=position,
            )
            for position, female in members
        ]
        other = self.users.get(OFFICER_USERNAME if leader == LEADER_USERNAME else LEADER_USERNAME)
        if other is not None:
            rows.append(
                TaskForceMember(
                    task_force=task_force,
                    user=other,
                    full_name=other.full_name,
                    position=other.position,
                )
            )
        TaskForceMember.objects.bulk_create(rows)
        self.counts["task_forces"] += 1
        self.counts["task_force_members"] += len(rows)
        return task_force.pk

    def campaign(self, projects: list[ProjectSpec]) -> None:
        start, end = self.campaign_period
        name = CAMPAIGN_NAME.format(year=self.today.year)
        if PeakCampaign.objects.filter(territory=self.ward, name=name).exists():
            return
        ids = list(
            Project.objects.filter(code__in=[p.code for p in projects]).values_list("pk", flat=True)
        )
        households = [h for p in projects for h in p.households]
        waiting = [h for h in households if h.handed_over_on is None or h.handed_over_on >= start]
        target = max(1, round(len(waiting) * 0.8))
        area = sum((h.recovered_area for h in waiting), ZERO) * target / max(len(waiting), 1)
        campaign = PeakCampaign.objects.create(
            name=name,
            territory=self.ward,
            starts_on=start,
            ends_on=end,
            target_households=target,
            target_area=Decimal(round(area)),
            note=(
                "Tập trung lực lượng, “đi từng ngõ, gõ từng nhà”, giải quyết dứt điểm kiến "
                "nghị của các hộ; phấn đấu bàn giao mặt bằng trước Tết Nguyên đán."
            ),
        )
        campaign.projects.set(ids)
        self.counts["campaigns"] += 1

    # projects of 2021-2023

    def name_for(
        self, rng: random.Random, templates, territory: Territory, **extra
    ) -> tuple[str, str]:
        for _attempt in range(30):
            template, purpose = rng.choice(templates)
            name = template.format(
                street=rng.choice(TAM_KY_STREETS),
                side=rng.choice(("Đông", "Tây", "Nam", "Bắc")),
                short=_unit_short(territory),
                unit=_unit_label(territory),
                **extra,
            )
            if name not in self.names:
                self.names.add(name)
                return name, purpose
        name = f"{name} (giai đoạn {len(self.names) % 3 + 2})"
        self.names.add(name)
        return name, purpose

    def household(
        self,
        rng: random.Random,
        *,
        number: int,
        territory: Territory,
        status: str,
    ) -> HouseholdSpec:
        female = rng.random() < 0.3
        born = rng.randint(1942, 1990)
        village = _village(territory, rng)
        head = _person(rng, female=female)
        # The street or group below the village; pages show it with the village.
        if _is_ward(territory):
            address = f"Số {rng.randint(2, 260)} {rng.choice(TAM_KY_STREETS)}"
        else:
            address = f"Tổ {rng.randint(1, 9)}"
        return HouseholdSpec(
            code=f"H{number:03d}",
            head_name=head,
            head_id_number=_cccd(rng, TAM_KY_PROVINCE_CODE, born, female=female),
            phone=_phone(rng) if rng.random() < 0.9 else "",
            address=address,
            village=village,
            commune_id=territory.pk,
            status=status,
            plots=[],
            plans=[],
            payments=[],
            female=female,
            members=_members(rng, TAM_KY_PROVINCE_CODE, born, female),
        )

    def state_project(
        self, rng: random.Random, year: int, number: int, size: int, task_force_id: int
    ) -> tuple[ProjectSpec, list[tuple[HouseholdSpec, Money, Timeline]]]:
        territory = rng.choice(self.legacy)
        coast = territory.name in {"Xã Tam Thanh", "Xã Tam Phú"}
        works = STATE_WORKS + (COAST_WORKS if coast else ())
        name, purpose = self.name_for(rng, works, territory)
        status = rng.choices(*zip(*STATE_PROJECT_STATUS[year], strict=True))[0]
        suspended_from = ""
        note = ""
        if status == ProjectStatus.SUSPENDED:
            suspended_from = ProjectStatus.PLAN_POSTED
            note = "Tạm dừng để điều chỉnh quy hoạch chi tiết theo ý kiến của UBND tỉnh."
        t = Timeline.draw(rng, year, self.today)
        project = ProjectSpec(
            code=f"TK-{year}-{number:03d}",
            name=name,
            investor=rng.choice(STATE_INVESTORS),
            purpose=purpose,
            kind=ProjectKind.STATE_RECOVERY,
            territory_id=territory.pk,
            year=year,
            status=status,
            suspended_from=suspended_from,
            status_note=note,
            starts_on=t.starts_on,
            handover_deadline=t.starts_on + timedelta(days=rng.randint(360, 600)),
            households=[],
            unit_ids=[territory.pk],
            task_force_id=task_force_id,
        )
        stage = _stage(project)
        if stage in APPROVED_STAGES:
            project.decisions.append(
                (_decision_number(rng), t.approved_on, f"{DECISION_WORDS} (đợt 1)")
            )
            if size > 60:
                project.decisions.append(
                    (_decision_number(rng), t.approved_on + timedelta(days=rng.randint(20, 60)),
                     f"{DECISION_WORDS} (đợt 2)")
                )  # fmt: skip
        if size > 60:
            middle = t.starts_on + (t.handed_by - t.starts_on) / 2
            project.phases += [
                ("Giai đoạn 1: đoạn đầu tuyến", 1, t.starts_on, middle,
                 middle if stage in PAYING_STAGES[1:] else None, ""),
                ("Giai đoạn 2: phần còn lại", 2, middle, t.handed_by,
                 t.handed_by if stage == ProjectStatus.COMPLETED else None, ""),
            ]  # fmt: skip
        drawn = []
        residential_share = 0.16 if _is_ward(territory) else 0.08
        for i in range(size):
            case = _case_status(rng, stage)
            h = self.household(rng, number=i + 1, territory=territory, status=case)
            money = _state_money(rng, territory, residential=rng.random() < residential_share)
            h.plots = money.plots
            if stage != ProjectStatus.NOTICE_ISSUED and (
                stage != ProjectStatus.INVENTORY or case in COUNTED_STATES
            ):
                h.inventory = money.inventory
            h.officer_id = (self.officers_for(territory) or (None,))[0]
            if case == S.DISAGREED:
                h.status_note = "Hộ chưa đồng ý đơn giá bồi thường."
            elif case == S.ENFORCED:
                h.status_note = "Cưỡng chế thu hồi đất theo quyết định của UBND thành phố."
            if case == S.FORCED_INVENTORY:
                h.status_note = "Kiểm đếm bắt buộc theo quyết định của UBND thành phố."
            drawn.append((h, money, t))
            project.households.append(h)
        return project, drawn

    def finish_state(self, project: ProjectSpec, drawn, k: float, rng: random.Random) -> None:
        """Plans, payments, handovers, visits and complaints once the multiplier is known."""
        stage = _stage(project)
        leader = self.user_id(LEADER_USERNAME)
        unit_territory = next(c for c in self.legacy if c.pk == project.territory_id)
        for h, money, t in drawn:
            if stage in APPROVED_STAGES or stage in DRAFT_STAGES:
                approved = stage in APPROVED_STAGES
                early = h.status in PAID_STATES and rng.random() < 0.5
                h.plans.append(
                    PlanSpec(
                        kind=PlanKind.ORIGINAL,
                        status=PlanStatus.APPROVED if approved else PlanStatus.DRAFT,
                        decision_number=_decision_number(rng) if approved else "",
                        approved_on=t.approved_on if approved else None,
                        lines=_plan_lines(money, k, rng, bonus=early),
                    )
                )
                if approved and rng.random() < 0.03 and h.status in PAID_STATES:
                    h.plans.append(
                        PlanSpec(
                            kind=PlanKind.SUPPLEMENTARY,
                            status=PlanStatus.APPROVED,
                            decision_number=_decision_number(rng),
                            approved_on=t.approved_on + timedelta(days=rng.randint(20, 50)),
                            lines=[(Category.STRUCTURES,
                                    rng.randint(3_000, 40_000) * 1000,
                                    "Bổ sung vật kiến trúc kiểm đếm sót")],
                            note="Phương án bồi thường bổ sung",
                        )
                    )  # fmt: skip
                if money.residential and approved and rng.random() < 0.35:
                    h.resettlement = (
                        f"Lô {rng.choice('ABCD')}{rng.randint(1, 9)}-{rng.randint(1, 60)}, "
                        f"Khu tái định cư {_unit_short(unit_territory)}"
                    )
                    h.resettlement_on = t.approved_on + timedelta(days=rng.randint(15, 60))
            if h.status == S.HANDED_OVER:
                h.handed_over_on = _between(rng, t.paying_from, t.handed_by)
            if stage in PAYING_STAGES and h.status in (S.AGREED, *PAID_STATES, S.ENFORCED):
                h.payments = _payments(rng, h, t, partial=h.status == S.AGREED, today=self.today)
            end = h.handed_over_on or (t.handed_by if stage in PAYING_STAGES else self.today)
            h.visits = _visits(
                rng,
                status=h.status,
                start=t.notice_on,
                end=max(end, t.notice_on),
                project_name=project.name,
                village=h.village,
                unit=_unit_label(unit_territory),
                officer_ids=self.officers_for(unit_territory),
                leader_ids=(leader,) if leader else (),
            )
            self.complaints(rng, h, t, project.year, residential=money.residential)
        project.settle_plan()

    def complaints(
        self, rng: random.Random, h: HouseholdSpec, t: Timeline, year: int, *, residential: bool
    ) -> None:
        chance = {S.DISAGREED: 0.35, S.ENFORCED: 0.8, S.FORCED_INVENTORY: 0.3}.get(h.status, 0.01)
        if h.status in (S.NOT_CONTACTED, S.PERSUADING) or rng.random() >= chance:
            return
        received = _between(rng, t.drafted_on, min(t.handed_by, self.today))
        settled = year < 2023 or h.status in (S.HANDED_OVER, S.PAID, S.AGREED)
        if settled:
            status = rng.choice((ComplaintStatus.RESOLVED, ComplaintStatus.RESOLVED,
                                 ComplaintStatus.WITHDRAWN))  # fmt: skip
            done = min(received + timedelta(days=rng.randint(20, 90)), self.today)
            h.complaints.append(
                (
                    received,
                    rng.choice(COMPLAINTS[residential]),
                    status,
                    rng.choice(RESOLUTIONS),
                    done,
                )
            )
        else:
            status = rng.choice((ComplaintStatus.RECEIVED, ComplaintStatus.HANDLING))
            h.complaints.append((received, rng.choice(COMPLAINTS[residential]), status, "", None))

    def people_project(
        self, rng: random.Random, year: int, number: int, size: int, task_force_id: int
    ) -> ProjectSpec:
        territory = rng.choice(self.legacy)
        ward = _is_ward(territory)
        # Mostly village roads in the communes and alleys (kiệt) in the wards.
        kinds = (
            {WorksKind.ALLEY: 5, WorksKind.ROAD: 3, WorksKind.SCHOOL: 1, WorksKind.PUBLIC: 1}
            if ward
            else {WorksKind.ROAD: 8, WorksKind.CANAL: 1, WorksKind.PUBLIC: 1}
        )
        works_kind = rng.choices(list(kinds), list(kinds.values()))[0]
        village = _village(territory, rng)
        templates = [(t, PEOPLE_PURPOSE) for t in PEOPLE_WORKS[works_kind]]
        name, purpose = self.name_for(
            rng, templates, territory, village=village, n=rng.randint(2, 180)
        )
        in_progress = year == 2023 and rng.random() < 0.35
        status = ProjectStatus.PAYING if in_progress else ProjectStatus.COMPLETED
        t = Timeline.draw(rng, year, self.today)
        project = ProjectSpec(
            code=f"TK-{year}-{number:03d}",
            name=name,
            investor=f"UBND {_unit_label(territory)}",
            purpose=purpose,
            kind=ProjectKind.PEOPLE_FUNDED,
            territory_id=territory.pk,
            year=year,
            status=status,
            starts_on=t.starts_on,
            handover_deadline=t.starts_on + timedelta(days=rng.randint(150, 300)),
            households=[],
            unit_ids=[territory.pk],
            task_force_id=task_force_id,
        )
        for i in range(size):
            case = rng.choices((S.HANDED_OVER, S.AGREED, S.PERSUADING), (6, 2, 2))[0] if (
                in_progress
            ) else S.HANDED_OVER  # fmt: skip
            h = self.household(rng, number=i + 1, territory=territory, status=case)
            h.village = village if rng.random() < 0.8 else h.village
            h.officer_id = (self.officers_for(territory) or (None,))[0]
            land_type = (LandType.ODT if ward else LandType.ONT) if rng.random() < 0.6 else (
                LandType.CLN
            )  # fmt: skip
            total = _area(rng.uniform(180, 900))
            h.plots = [
                (str(rng.randint(3, 42)), str(rng.randint(1, 900)),
                 f"{rng.choice(('BX', 'CH', 'CS'))} {rng.randrange(10**6):06d}", land_type,
                 LegalStatus.CERTIFIED, total, ZERO)
            ]  # fmt: skip
            if case != S.PERSUADING:
                # A wall or gate rebuilt with help from the budget; the land itself is given.
                if rng.random() < 0.65:
                    length = _area(rng.uniform(6, 30))
                    price = rng.randint(350, 600) * 1000
                    h.inventory = [(Category.STRUCTURES, "Tường rào, cổng ngõ phải tháo dỡ",
                                    length, "m", price)]  # fmt: skip
                    support = _round_to(int(line_amount(length, price) * rng.uniform(0.5, 1)), 1000)
                    h.plans.append(
                        PlanSpec(
                            kind=PlanKind.ORIGINAL,
                            status=PlanStatus.APPROVED,
                            decision_number=_decision_number(rng),
                            approved_on=t.approved_on,
                            lines=[(Category.SUPPORT, support,
                                    "Hỗ trợ tháo dỡ, làm lại tường rào, cổng ngõ")],
                        )
                    )  # fmt: skip
                # Given in the project's year: the road is built with what was given.
                donated_on = _between(rng, t.notice_on, min(t.approved_on, date(year, 12, 31)))
                h.donation = [works_kind, name, donated_on]  # completed below
                if case == S.HANDED_OVER:
                    h.handed_over_on = _between(rng, donated_on, t.handed_by)
                    if h.plans:
                        h.payments = [
                            (_between(rng, t.approved_on, h.handed_over_on),
                             f"PC {rng.randrange(10**5):05d}", PaymentMethod.CASH,
                             h.plans[0].total, "Chi hỗ trợ làm lại tường rào, cổng ngõ")
                        ]  # fmt: skip
            h.visits = _visits(
                rng,
                status=case,
                start=t.notice_on,
                end=h.handed_over_on or min(t.handed_by, self.today),
                project_name=name,
                village=h.village,
                unit=_unit_label(territory),
                officer_ids=self.officers_for(territory),
                leader_ids=(),
                donation=True,
            )
            project.households.append(h)
        return project

    def donations(self, projects: list[ProjectSpec], rng: random.Random) -> None:
        """Donated areas and values, scaled to the city's reported totals."""
        donors = [(p, h) for p in projects for h in p.households if h.donation is not None]
        unit_names = {c.pk: _unit_label(c) for c in self.legacy}
        weights = [rng.uniform(40, 230) for _ in donors]
        scale = float(TAM_KY_DONATED_AREA) / sum(weights)
        areas = [_area(w * scale) for w in weights]
        prices = [rng.randint(*DONATION_PRICE[h.donation[0]]) for _p, h in donors]
        raw_value = sum(float(a) * p * 1000 for a, p in zip(areas, prices, strict=True))
        factor = TAM_KY_DONATED_VALUE / raw_value
        for (_p, h), area, price in zip(donors, areas, prices, strict=True):
            works_kind, works, donated_on = h.donation
            value = _round_to(int(float(area) * price * 1000 * factor), 1000)
            thanked = donated_on + timedelta(days=rng.randint(10, 45))
            h.donation = (
                f"Hộ {'bà' if h.female else 'ông'} {h.head_name}",
                f"{h.address}, {h.village}, {unit_names[h.commune_id]}",
                area,
                value,
                works_kind,
                works,
                donated_on,
                thanked if thanked <= self.today and rng.random() < 0.93 else None,
            )
            # The donated strip is the part of the plot the works take.
            plot = list(h.plots[0])
            plot[5] = max(plot[5], area + _area(rng.uniform(60, 300)))
            plot[6] = area
            h.plots = [tuple(plot)]
        for p in projects:
            p.settle_plan()

    def build(self) -> tuple[list[ProjectSpec], int]:
        rng = self.rng
        legacy_unit = next(c for c in self.legacy if c.code == self.ward.code)
        task_force_id = self.task_force(
            TASK_FORCE_NAME,
            legacy_unit,
            TASK_FORCE_MEMBERS,
            LEADER_USERNAME,
            "Thành lập theo quyết định của Ban Thường vụ Thành ủy Tam Kỳ, do đồng chí Phó Bí thư "
            "Thường trực Thành ủy làm Tổ trưởng; mỗi thành viên phụ trách một dự án trọng điểm.",
        )
        plan = []  # (year, number, people-funded)
        for year, count in TAM_KY_PROJECTS.items():
            funded = set(rng.sample(range(count), TAM_KY_PEOPLE_FUNDED[year]))
            plan += [(year, i + 1, i in funded) for i in range(count)]
        state = [x for x in plan if not x[2]]
        people = [x for x in plan if x[2]]
        state_sizes = _scaled_sizes(
            [rng.uniform(8, 40) if rng.random() > 0.08 else rng.uniform(80, 170) for _ in state],
            TAM_KY_STATE_HOUSEHOLDS,
            6,
        )
        people_sizes = _scaled_sizes(
            [rng.uniform(10, 35) for _ in people], TAM_KY_DONOR_HOUSEHOLDS, 5
        )
        sizes = dict(zip(state + people, state_sizes + people_sizes, strict=True))
        projects: list[ProjectSpec] = []
        drawn_by_project = []
        for key in plan:
            year, number, funded = key
            if funded:
                projects.append(self.people_project(rng, year, number, sizes[key], task_force_id))
            else:
                project, drawn = self.state_project(rng, year, number, sizes[key], task_force_id)
                projects.append(project)
                drawn_by_project.append((project, drawn))
        self.donations([p for p in projects if p.kind == ProjectKind.PEOPLE_FUNDED], rng)
        k = self.multiplier(drawn_by_project, projects)
        for project, drawn in drawn_by_project:
            self.finish_state(project, drawn, k, rng)
        return projects, task_force_id

    def multiplier(self, drawn_by_project, projects) -> float:
        """The support multiplier that brings the paid total to the city's figure.

        Support for job change is a multiple of the farmland compensation (the province sets
        it between about 1.5 and 5); everything else follows from the inventory. Paid shares
        are estimated from each household's status: fully paid, about 60% paid on account, or
        nothing yet.
        """
        fixed = sum(h.paid_total for p in projects for h in p.households)
        base = weighted = 0.0
        for project, drawn in drawn_by_project:
            if _stage(project) not in PAYING_STAGES:
                continue
            for h, money, _t in drawn:
                share = {S.AGREED: 0.75 * 0.6, S.PAID: 1, S.HANDED_OVER: 1, S.ENFORCED: 1}.get(
                    h.status, 0
                )
                base += share * sum(money.lines.values())
                weighted += share * money.support_base
        k = (TAM_KY_PAID - fixed - base) / weighted if weighted else 0.0
        return min(max(k, 0.5), 6.0)

    def campaign_projects(self, task_force_id: int) -> list[ProjectSpec]:
        """This year's projects in today's Phường Tam Kỳ, in the middle of the peak campaign."""
        rng = self.run.rng("clearance:demo:campaign")
        today = self.today
        start, end = self.campaign_period
        officer = (self.user_id(OFFICER_USERNAME),) if self.users.get(OFFICER_USERNAME) else ()
        leader = (self.user_id(LEADER_USERNAME),) if self.users.get(LEADER_USERNAME) else ()
        projects = []
        for i, ((name, purpose, residential), size) in enumerate(
            zip(CAMPAIGN_PROJECTS, CAMPAIGN_HOUSEHOLDS, strict=True)
        ):
            t = Timeline(
                starts_on=date(today.year, 1, 1) + timedelta(days=rng.randint(10, 60)),
                notice_on=date(today.year, 3, 1) + timedelta(days=rng.randint(0, 20)),
                inventory_on=date(today.year, 4, 15) + timedelta(days=rng.randint(0, 20)),
                drafted_on=date(today.year, 6, 15) + timedelta(days=rng.randint(0, 20)),
                approved_on=today - timedelta(days=rng.randint(75, 95)),
                paying_from=today - timedelta(days=rng.randint(60, 70)),
                handed_by=today,
            )
            t = Timeline(*(min(d, today) for d in (
                t.starts_on, t.notice_on, t.inventory_on, t.drafted_on, t.approved_on,
                t.paying_from, t.handed_by)))  # fmt: skip
            project = ProjectSpec(
                code=f"TK-{today.year}-{i + 1:03d}",
                name=name,
                investor=STATE_INVESTORS[0].replace("thành phố Tam Kỳ", "thành phố Đà Nẵng"),
                purpose=purpose,
                kind=ProjectKind.STATE_RECOVERY,
                territory_id=self.ward.pk,
                year=today.year,
                status=ProjectStatus.PAYING,
                starts_on=t.starts_on,
                handover_deadline=end,
                households=[],
                unit_ids=[self.ward.pk],
                task_force_id=task_force_id,
                decisions=[(_decision_number(rng), t.approved_on, DECISION_WORDS)],
            )
            statuses = (
                [S.HANDED_OVER] * round(size * 0.42) + [S.PAID] * round(size * 0.12)
                + [S.AGREED] * round(size * 0.18) + [S.DISAGREED] * round(size * 0.13)
                + [S.FORCED_INVENTORY] * 2
            )  # fmt: skip
            statuses += [S.PERSUADING] * (size - len(statuses))
            rng.shuffle(statuses)
            for number, case in enumerate(statuses[:size], start=1):
                h = self.household(rng, number=number, territory=self.ward, status=case)
                money = _state_money(rng, self.ward, residential=residential and rng.random() < 0.4)
                h.plots, h.inventory, h.officer_id = money.plots, money.inventory, officer[0] if (
                    officer
                ) else None  # fmt: skip
                h.plans.append(
                    PlanSpec(
                        kind=PlanKind.ORIGINAL,
                        status=PlanStatus.APPROVED,
                        decision_number=_decision_number(rng),
                        approved_on=t.approved_on,
                        lines=_plan_lines(money, 2.5, rng, bonus=case in PAID_STATES),
                    )
                )
                if case == S.HANDED_OVER:
                    # Most handovers come with the campaign, more of them in recent days.
                    if rng.random() < 0.2:
                        h.handed_over_on = _between(rng, t.paying_from, start - timedelta(days=1))
                    else:
                        span = (today - start).days
                        h.handed_over_on = start + timedelta(days=int(span * rng.random() ** 0.7))
                if case in (S.AGREED, *PAID_STATES):
                    h.payments = _payments(rng, h, t, partial=case == S.AGREED, today=today)
                h.visits = _visits(
                    rng,
                    status=case,
                    start=t.notice_on,
                    end=h.handed_over_on or today,
                    project_name=name,
                    village=h.village,
                    unit=_unit_label(self.ward),
                    officer_ids=officer,
                    leader_ids=leader,
                )
                if case == S.DISAGREED:
                    h.status_note = "Hộ chưa đồng ý đơn giá bồi thường."
                    if rng.random() < 0.4:
                        h.complaints.append(
                            (_between(rng, t.approved_on, today), rng.choice(COMPLAINTS[money.residential]),
                             ComplaintStatus.HANDLING, "", None)
                        )  # fmt: skip
                project.households.append(h)
            project.settle_plan()
            projects.append(project)
        return projects


def _demo(run: GenerationRun) -> dict[str, int]:
    writer = Writer(run)
    story = TamKy(run)
    with transaction.atomic():
        projects, _task_force = story.build()
        ward_task_force = story.task_force(
            WARD_TASK_FORCE_NAME,
            story.ward,
            WARD_TASK_FORCE_MEMBERS,
            OFFICER_USERNAME,
            "Phân công mỗi thành viên phụ trách một nhóm hộ trong đợt cao điểm.",
        )
        campaign = story.campaign_projects(ward_task_force)
        new = writer.write(projects + campaign)
        story.campaign(campaign)
        if new:
            # Households were written with the sums of the very lines written for them; the
            # projects' counts and sums come from the totals service.
            totals.refresh_projects([p.pk for p in new])
        counts = {**writer.counts, **story.counts}
        writer.audit(story.da_nang, counts, "Tam Kỳ")
    run.say(f"  Tam Kỳ: {len(projects) + len(campaign)} projects ({len(new)} new)")
    return counts


# --- province and national scale ------------------------------------------------------------------

FIRST_YEAR = 2021
LAST_LEGACY_RECORD_YEAR = 2024
LEGACY_SHARE = 0.6
PROJECTS_PER_COMMUNE = (30, 45)  # about 37 a commune: about 125.000 for the 3.321 communes
HOUSEHOLDS_PER_PROJECT = (10, 70)  # about 40 a project: about 5.000.000 in all
BULK_PROJECT_STATUS = {
    2021: ((ProjectStatus.COMPLETED, 0.7), (ProjectStatus.HANDED_OVER, 0.3)),
    2022: ((ProjectStatus.COMPLETED, 0.6), (ProjectStatus.HANDED_OVER, 0.3),
           (ProjectStatus.PAYING, 0.1)),
    2023: ((ProjectStatus.COMPLETED, 0.3), (ProjectStatus.HANDED_OVER, 0.2),
           (ProjectStatus.PAYING, 0.5)),
    2024: ((ProjectStatus.HANDED_OVER, 0.2), (ProjectStatus.PAYING, 0.8)),
    2025: ((ProjectStatus.PAYING, 0.7), (ProjectStatus.PLAN_APPROVED, 0.3)),
}  # fmt: skip
BULK_THIS_YEAR = ((ProjectStatus.PAYING, 0.4), (ProjectStatus.PLAN_APPROVED, 0.6))
BULK_WORKS = (
    "Nâng cấp, mở rộng đường {place}",
    "Khu dân cư {place}",
    "Khu tái định cư {place}",
    "Hệ thống thoát nước {place}",
    "Kè chống sạt lở {place}",
    "Trường Mầm non {place} (mở rộng)",
    "Đường giao thông liên xã qua {place}",
    "Cụm công nghiệp {place}",
    "Trạm biến áp 110 kV {place}",
)
BULK_CATEGORIES = ((Category.STRUCTURES, "Nhà, vật kiến trúc"), (Category.SUPPORT, ""),
                   (Category.CROPS, "Cây trồng"))  # fmt: skip


def _predecessors(communes: list[Territory]) -> dict[int, list[Territory]]:
    links = (
        TerritoryMapping.objects.filter(current_commune__in=communes)
        .select_related("legacy_commune")
        .order_by("current_commune_id", "legacy_commune__code")
    )
    found: dict[int, list[Territory]] = defaultdict(list)
    for link in links:
        found[link.current_commune_id].append(link.legacy_commune)
    return found


class Bulk:
    """Draws one commune's projects: lean households with one plot, plan and a few payments."""

    def __init__(self, run: GenerationRun, today: date):
        self.run = run
        self.today = today
        self.years = list(range(FIRST_YEAR, today.year + 1))

    def status(self, rng: random.Random, year: int) -> str:
        mix = BULK_PROJECT_STATUS.get(year, BULK_THIS_YEAR) if year < self.today.year else (
            BULK_THIS_YEAR
        )  # fmt: skip
        return rng.choices([s for s, _w in mix], [w for _s, w in mix])[0]

    def codes(self, commune: Territory) -> list[tuple[str, int]]:
        """(code, year) of the commune's projects: drawn apart from their contents, so a second
        run finds what exists without drawing millions of households again."""
        rng = self.run.rng(f"clearance:{commune.code}")
        return [
            (f"GP-{commune.code:05d}-{year}-{number:02d}", year)
            for number, year in enumerate(
                (rng.choice(self.years) for _ in range(rng.randint(*PROJECTS_PER_COMMUNE))),
                start=1,
            )
        ]

    def project(
        self, commune: Territory, old: list[Territory], code: str, year: int
    ) -> ProjectSpec:
        rng = self.run.rng(f"clearance:{code}")
        today = self.today
        ward = _is_ward(commune)
        territory = commune
        if year <= LAST_LEGACY_RECORD_YEAR and old and rng.random() < LEGACY_SHARE:
            territory = old[rng.randrange(len(old))]
        status = self.status(rng, year)
        t = Timeline.draw(rng, year, today)
        place = _village(territory, rng)
        name = rng.choice(BULK_WORKS).format(place=f"{place}, {_unit_label(territory)}")
        project = ProjectSpec(
            code=code,
            name=name[:255],
            investor="Ban Quản lý dự án đầu tư xây dựng khu vực",
            purpose="",
            kind=ProjectKind.STATE_RECOVERY,
            territory_id=territory.pk,
            year=year,
            status=status,
            starts_on=t.starts_on,
            handover_deadline=t.starts_on + timedelta(days=rng.randint(360, 720)),
            households=[],
            unit_ids=[territory.pk],
        )
        decision = _decision_number(rng)
        project.decisions.append((decision, t.approved_on, DECISION_WORDS))
        province_code = territory.province_code
        commune_id = territory.pk
        village_count = rng.randint(1, 4)
        villages = [_village(territory, rng) for _ in range(village_count)]
        paying = status in PAYING_STAGES
        rnd = rng.random
        for i in range(1, rng.randint(*HOUSEHOLDS_PER_PROJECT) + 1):
            case = _case_status(rng, status)
            female = rnd() < 0.3
            born = 1945 + int(rnd() * 51)
            village = villages[int(rnd() * village_count)]
            residential = rnd() < (0.3 if ward else 0.12)
            if residential:
                land_type = LandType.ODT if ward else LandType.ONT
                recovered = _area(30 + rnd() * 170)
                land = line_amount(recovered, (1_000 + int(rnd() * 19_000)) * 1000)
            else:
                land_type = FARM_TYPES[int(rnd() * 5)]
                recovered = _area(100 + rnd() * 1_900)
                land = line_amount(recovered, (40 + int(rnd() * 110)) * 1000)
            lines = [(Category.LAND, land, "")]
            for category, note in BULK_CATEGORIES[: int(rnd() * 3)]:
                share = 1.2 if category == Category.STRUCTURES and residential else 0.8
                amount = _round_to(int(land * share * rnd()) + 1000, 1000)
                lines.append((category, amount, note))
            plan = PlanSpec(PlanKind.ORIGINAL, PlanStatus.APPROVED, decision, t.approved_on, lines)
            h = HouseholdSpec(
                code=f"H{i:03d}",
                head_name=_person(rng, female=female),
                head_id_number=_cccd(rng, province_code, born, female=female),
                phone=_phone(rng),
                address=f"Tổ {1 + int(rnd() * 12)}",
                village=village,
                commune_id=commune_id,
                status=case,
                plots=[
                    (
                        str(1 + int(rnd() * 60)),
                        str(1 + int(rnd() * 999)),
                        "",
                        land_type,
                        LegalStatus.CERTIFIED,
                        recovered + _area(rnd() * 300),
                        recovered,
                    )
                ],
                plans=[plan],
                payments=[],
            )
            if case == S.HANDED_OVER:
                h.handed_over_on = _between(rng, t.paying_from, t.handed_by)
            if paying and case in PAYABLE:
                h.payments = _payments(rng, h, t, partial=case == S.AGREED, today=today)
            project.households.append(h)
        project.settle_plan()
        return project


def _bulk(run: GenerationRun) -> dict[str, int]:
    writer = Writer(run)
    bulk = Bulk(run, timezone.localdate())
    communes_of: dict[int, list[Territory]] = defaultdict(list)
    for commune in run.communes:
        communes_of[commune.province_code].append(commune)
    for province in run.provinces:
        communes = communes_of.get(province.code, [])
        if not communes:
            continue
        old = _predecessors(communes)
        before = dict(writer.counts)
        started = time.perf_counter()
        drawn = 0
        with transaction.atomic():
            for chunk in run.chunked(communes, 25):
                wanted = [(c, code, year) for c in chunk for code, year in bulk.codes(c)]
                have = writer.existing([code for _c, code, _y in wanted])
                drawn += len(wanted)
                projects = [
                    bulk.project(c, old.get(c.pk, []), code, year)
                    for c, code, year in wanted
                    if code not in have
                ]
                new = writer.write(projects, checked=True)
                if new:
                    refresh_project_totals(new[0].pk, new[-1].pk)
            delta = {k: v - before.get(k, 0) for k, v in writer.counts.items()}
            writer.audit(province, delta, province.name)
        seconds = time.perf_counter() - started
        run.say(
            f"  {province.name}: {_vn_int(drawn)} projects "
            f"({_vn_int(delta.get('projects', 0))} new, "
            f"{_vn_int(delta.get('households', 0))} households, {seconds:.0f} s)"
        )
    return dict(writer.counts)


REPORTED = ("projects", "households", "plans", "payments", "donations", "visits")


@register("clearance", order=300)
def generate_clearance(run: GenerationRun) -> dict[str, int]:
    """Land-clearance projects with their households, money, visits and donations."""
    counts = _demo(run) if run.scale == "demo" else _bulk(run)
    reported = {name: counts.get(name, 0) for name in REPORTED}
    reported.update({k: v for k, v in counts.items() if k not in reported})
    return reported
