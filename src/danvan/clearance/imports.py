"""Importing household lists and inventory sheets of land-clearance projects, through the shared
import pipeline (upload, check, preview, all-or-nothing import).

Household list ("clearance-households"): one row per household, or one row per plot when a
household holds several plots (the household's own cells are then repeated or left empty). A
household is identified by its project and household code: importing the same file again updates
the households instead of adding copies, and a plot is identified by its map sheet and plot
number. Amounts per category, when given, make the household's draft compensation plan; once
the plan is approved an import may no longer change its amounts. An empty cell leaves the
stored value alone.

Inventory sheet ("clearance-inventory"): one row per counted item of a household already
listed; an item is identified by its household, category and description, and its amount is
always quantity x unit price.

Rows are written in chunks with bulk inserts and one audit call per chunk; the stored totals of
the households touched are recomputed from their lines per chunk, and those of the projects once
at the end.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, connections, router
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.audit import services as audit
from danvan.clearance.models import (
    CaseStatus,
    Category,
    CompensationPlan,
    Household,
    InventoryItem,
    LandType,
    LegalStatus,
    PlanKind,
    PlanLine,
    PlanStatus,
    Plot,
    Project,
)
from danvan.clearance.services import totals
from danvan.clearance.services.money import MAX_AMOUNT, line_amount
from danvan.core import scope
from danvan.core.imports import parsers
from danvan.core.imports.bulk import fast_normalize as normalize
from danvan.core.imports.bulk import insert_returning_ids
from danvan.core.imports.lookups import TerritoryLookup, Unit
from danvan.core.imports.parsers import ParseError
from danvan.core.imports.schema import (
    Column,
    CommitCounts,
    ImportSchema,
    ParsedRow,
    RowErrors,
    display_value,
)
from danvan.core.personal import mask_id_number, mask_phone
from danvan.core.templatetags.vn import format_money

CHUNK = 2000
AMBIGUOUS = -1
TWO_PLACES = Decimal("0.01")
# The largest area the model's columns hold (14 digits, 2 decimals).
MAX_AREA = Decimal(10) ** 12
CATEGORIES = [c.value for c in Category]
AMOUNT_PREFIX = "amount_"
# Household cells a row sets, in the order of the sheet (attnames).
HOUSEHOLD_FIELDS = (
    "code", "head_name", "head_id_number", "phone", "address", "village", "commune_id",
)  # fmt: skip
PERSONAL_FIELDS = {"head_id_number", "phone"}
PLOT_FIELDS = ("certificate_number", "land_type", "total_area", "recovered_area")
# Plain values of the defaults new rows take (an enum member's .value is a slow attribute).
NEW_STATUS = CaseStatus.NOT_CONTACTED.value
DEFAULT_LAND = LandType.ODT.value
CERTIFIED = LegalStatus.CERTIFIED.value
ORIGINAL = PlanKind.ORIGINAL.value
DRAFT = PlanStatus.DRAFT.value


# --- Parsers ----------------------------------------------------------------------------------


def _short_text(limit: int):
    return parsers.text_max(limit)


def area_2dp(value: Any) -> Decimal:
    """An area in m² ('120,5 m2', '0,5 ha', numeric cells) with at most two decimals."""
    if value.__class__ is int and 0 <= value < MAX_AREA:
        return Decimal(value)  # the common case, without the text parsing
    number = parsers.area(value)
    if number != number.quantize(TWO_PLACES):
        raise ParseError(_("At most two decimal places."))
    if number >= MAX_AREA:
        raise ParseError(_("This number is too large."))
    return number


def amount(value: Any) -> int:
    """Whole đồng: '1.234.567', '1,2 tỷ', '450 triệu', numeric cells; never above the limit."""
    kind = value.__class__
    # Number cells are most cells of a money column: settle them without the text parsing.
    if kind is int and 0 <= value <= MAX_AMOUNT:
        return value
    if kind is float and value.is_integer() and 0 <= value <= MAX_AMOUNT:
        return int(value)
    result = parsers.money(value)
    if result > MAX_AMOUNT:
        raise ParseError(_("This amount is too large."))
    return result


def _words(pairs: dict[str, Iterable[str]]) -> dict[str, str]:
    """Accent-free spellings -> code."""
    return {normalize(word): code for code, words in pairs.items() for word in words}


# Spellings of land types seen in cadastral lists besides the codes themselves. "Đất ở" alone is
# ambiguous (urban or rural) and is refused with a hint.
LAND_TYPE_WORDS = _words({
    LandType.ODT: ("ODT", "OĐT", "đất ở đô thị", "đất ở tại đô thị"),
    LandType.ONT: ("ONT", "đất ở nông thôn", "đất ở tại nông thôn"),
    LandType.LUA: ("LUA", "LUC", "LUK", "đất lúa", "đất trồng lúa", "đất chuyên trồng lúa"),
    LandType.HNK: ("HNK", "BHK", "NHK", "đất trồng cây hằng năm", "đất trồng cây hàng năm",
                   "cây hằng năm", "cây hàng năm", "đất trồng cây hằng năm khác"),
    LandType.CLN: ("CLN", "đất trồng cây lâu năm", "cây lâu năm", "đất vườn"),
    LandType.NTS: ("NTS", "đất nuôi trồng thủy sản", "đất nuôi trồng thuỷ sản", "nuôi trồng thủy sản"),
    LandType.RSX: ("RSX", "đất rừng sản xuất", "rừng sản xuất"),
    LandType.OTHER: ("KHAC", "khác", "đất khác"),
})  # fmt: skip

CATEGORY_WORDS = _words({
    Category.LAND: ("land", "đất", "bồi thường về đất", "bồi thường đất"),
    Category.STRUCTURES: ("structures", "nhà", "nhà cửa", "công trình", "nhà, công trình",
                          "vật kiến trúc", "nhà cửa, vật kiến trúc", "nhà, vật kiến trúc"),
    Category.CROPS: ("crops", "cây trồng", "cây cối", "hoa màu", "cây cối, hoa màu", "vật nuôi",
                     "cây trồng, vật nuôi"),
    Category.RELOCATION: ("relocation", "di chuyển", "chi phí di chuyển", "hỗ trợ di chuyển"),
    Category.SUPPORT: ("support", "hỗ trợ", "các khoản hỗ trợ"),
    Category.BONUS: ("bonus", "thưởng", "thưởng bàn giao sớm", "thưởng tiến độ"),
    Category.RESETTLEMENT: ("resettlement", "tái định cư", "tđc", "hỗ trợ tái định cư"),
})  # fmt: skip


def _code_or_label(words: dict[str, str], choices, message: str):
    by_label = parsers.choice(choices)

    def parse(value: Any) -> str:
        found = words.get(normalize(parsers.text(value)))
        if found is not None:
            return found
        try:
            return by_label(value)
        except ParseError:
            raise ParseError(message % {"value": parsers.text(value)}) from None

    return parse


def land_type(value: Any) -> str:
    word = normalize(parsers.text(value))
    if word in {"dat o", "o"}:
        raise ParseError(_("Write ODT for urban residential land or ONT for rural."))
    return _land_type(value)


_land_type = _code_or_label(
    LAND_TYPE_WORDS,
    LandType.choices,
    gettext_lazy("“%(value)s” is not a land type (write a code: ODT, ONT, LUA, HNK, CLN, NTS…)."),
)
category = _code_or_label(
    CATEGORY_WORDS,
    Category.choices,
    gettext_lazy(
        "“%(value)s” is not a category (land, structures, crops, relocation, support, bonus "
        "or resettlement)."
    ),
)


def _label(choices, code) -> str:
    return str(choices(code).label)


# --- Lookups shared by both sheets ------------------------------------------------------------


class ProjectRef(NamedTuple):
    id: int
    code: str
    territory_id: int


class ProjectLookupMixin:
    """Projects named by code in a column, only those the user may import into."""

    actor: Any
    action: str

    def _init_projects(self) -> None:
        self._projects: dict[Any, ProjectRef | str] = {}

    def parse_project(self, value: Any) -> ProjectRef:
        # The same few codes repeat on every row: remember each spelling once, errors too.
        found = self._projects.get(value)
        if found is None:
            code = parsers.text(value)
            visible = scope.filter(self.actor, self.action, Project.objects.all())
            fields = ("id", "code", "territory_id")
            # The exact code uses the unique index; a code typed in another case falls back to
            # a scan, once per spelling.
            row = visible.filter(code=code).values_list(*fields).first() or (
                visible.filter(code__iexact=code).values_list(*fields).first()
            )
            # An unknown code and a project outside the user's scope read the same, so the
            # message tells nothing about projects the user may not see.
            found = (
                ProjectRef(*row)
                if row
                else _("No project with code “%(code)s” within your scope.") % {"code": code}
            )
            if len(self._projects) < 10000:
                self._projects[value] = found
        if isinstance(found, str):
            raise ParseError(found)
        return found


def _household_index(project_id: int) -> dict[str, int]:
    return dict(Household.objects.filter(project_id=project_id).values_list("code", "id"))


# --- Households ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _FileHousehold:
    """What the file said about a household on its first row, to check its later rows."""

    row: int
    values: tuple
    amounts_row: int


def _amount_column(category: Category, aliases: tuple[str, ...], example: str) -> Column:
    return Column(
        AMOUNT_PREFIX + category.value,
        category.label,
        amount,
        aliases=aliases,
        example=example,
        display=format_money,
    )


HOUSEHOLD_COLUMNS = [
    Column("project", gettext_lazy("Project code"), "parse_project", required=True,
           aliases=("Mã dự án", "Mã DA", "Mã số dự án", "Dự án", "Mã công trình", "Project"),
           example="DA-2024-015", display=lambda p: p.code),
    Column("code", gettext_lazy("Household code"), _short_text(40), required=True,
           aliases=("Mã hộ", "Mã số hộ", "Mã hộ dân", "Mã hồ sơ", "Số hồ sơ", "Household"),
           example="H001"),
    Column("head_name", gettext_lazy("Head of household"), _short_text(120),
           aliases=("Chủ hộ", "Họ tên chủ hộ", "Họ và tên chủ hộ", "Tên chủ hộ",
                    "Chủ sử dụng đất", "Họ và tên", "Họ tên"),
           example="Nguyễn Văn An"),
    Column("head_id_number", gettext_lazy("Citizen ID (CCCD)"), parsers.cccd,
           aliases=("Số CCCD", "CCCD", "Số căn cước", "Căn cước công dân", "Số căn cước công dân",
                    "Số định danh cá nhân", "Số định danh", "CMND/CCCD", "Số CMND/CCCD"),
           example="049203004567"),
    Column("phone", gettext_lazy("Phone"), parsers.phone,
           aliases=("Điện thoại", "Số điện thoại", "SĐT", "ĐT"), example="0905123456"),
    Column("address", gettext_lazy("Address"), _short_text(255),
           aliases=("Địa chỉ", "Địa chỉ thường trú", "Nơi ở", "Nơi thường trú"),
           example="Tổ 3, khối phố 5"),
    Column("village", gettext_lazy("Village / residential group"), _short_text(120),
           aliases=("Thôn", "Tổ dân phố", "Thôn/Tổ dân phố", "Thôn, tổ dân phố", "Thôn/TDP",
                    "Khối phố", "Thôn/Khối phố"),
           example="Khối phố 5"),
    Column("commune", gettext_lazy("Commune/Ward"), "parse_commune",
           aliases=("Xã/Phường", "Xã/Phường/Đặc khu", "Phường/Xã", "Xã", "Phường"),
           example="Phường Tam Kỳ", display=lambda u: u.name),
    Column("map_sheet", gettext_lazy("Map sheet no."), _short_text(20),
           aliases=("Tờ bản đồ số", "Tờ bản đồ", "Số tờ bản đồ", "Số tờ", "Tờ BĐ", "Tờ"),
           example="12"),
    Column("plot_number", gettext_lazy("Plot no."), _short_text(20),
           aliases=("Thửa đất số", "Số thửa", "Số thửa đất", "Thửa số", "Thửa đất", "Thửa"),
           example="245"),
    Column("certificate_number", gettext_lazy("Certificate no."), _short_text(40),
           aliases=("Số GCN", "Số giấy chứng nhận", "Số GCNQSDĐ", "Giấy chứng nhận"),
           example="CS 01234"),
    Column("land_type", gettext_lazy("Land type"), land_type,
           aliases=("Loại đất", "Mã loại đất", "Mục đích sử dụng", "Mục đích sử dụng đất"),
           example="ODT"),
    Column("total_area", gettext_lazy("Total area (m²)"), area_2dp,
           aliases=("Diện tích", "Diện tích thửa", "Diện tích thửa đất", "Tổng diện tích",
                    "DT thửa", "Diện tích (m2)"),
           example="180,5"),
    Column("recovered_area", gettext_lazy("Recovered area (m²)"), area_2dp,
           aliases=("Diện tích thu hồi", "DT thu hồi", "Diện tích bị thu hồi", "Thu hồi"),
           example="120,5 m2"),
    _amount_column(Category.LAND, ("Bồi thường về đất", "Bồi thường đất", "Tiền đất", "Đất"),
                   "1,2 tỷ"),
    _amount_column(Category.STRUCTURES, ("Nhà, công trình", "Nhà cửa, vật kiến trúc",
                   "Nhà, vật kiến trúc", "Vật kiến trúc", "Công trình", "Nhà cửa"), "450 triệu"),
    _amount_column(Category.CROPS, ("Cây trồng, vật nuôi", "Cây cối, hoa màu", "Cây trồng",
                   "Hoa màu", "Cây cối"), "12.500.000"),
    _amount_column(Category.RELOCATION, ("Chi phí di chuyển", "Di chuyển", "Hỗ trợ di chuyển"),
                   "5.000.000"),
    _amount_column(Category.SUPPORT, ("Hỗ trợ", "Các khoản hỗ trợ", "Tiền hỗ trợ"), "30.000.000"),
    _amount_column(Category.BONUS, ("Thưởng bàn giao sớm", "Thưởng", "Thưởng tiến độ",
                   "Thưởng bàn giao mặt bằng sớm"), "5.000.000"),
    _amount_column(Category.RESETTLEMENT, ("Tái định cư", "TĐC", "Hỗ trợ tái định cư"), ""),
    Column("total", gettext_lazy("Total amount"), amount,
           aliases=("Tổng cộng", "Tổng số tiền", "Tổng tiền", "Tổng", "Cộng", "Thành tiền"),
           example="1.702.500.000", display=format_money),
]  # fmt: skip


class HouseholdImport(ProjectLookupMixin, ImportSchema):
    key = "clearance-households"
    label = gettext_lazy("Households affected by land clearance")
    action = "clearance.import"
    template_filename = "mau-nhap-ho-bi-anh-huong.xlsx"
    help_text = gettext_lazy(
        "A household is identified by its project code and household code: importing the same "
        "row again updates the household instead of adding a copy. A household with several "
        "plots takes one row per plot (map sheet and plot number). Amounts per category make the "
        "household's draft compensation plan; once the plan is approved they can no longer be "
        "changed by an import. Empty cells leave stored values unchanged. Money may be written "
        "1.234.567, 1,2 tỷ or 450 triệu; areas 120,5 or 120,5 m2; a total column, if present, "
        "must equal the sum of the amounts."
    )
    columns = HOUSEHOLD_COLUMNS

    def __init__(self, actor) -> None:
        super().__init__(actor)
        self._init_projects()
        self.units = TerritoryLookup(actor, "clearance.view")
        self._communes: dict[Any, Unit | str] = {}
        self._codes: dict[int, dict[str, int]] = {}  # project -> household code -> pk
        self._plans: dict[int, dict[int, tuple[str, dict[str, int]]]] = {}
        self._file: dict[int, _FileHousehold] = {}

    def reset(self) -> None:
        super().reset()
        self._file = {}

    # --- parsers -------------------------------------------------------------------------

    def parse_commune(self, value: Any) -> Unit:
        found = self._communes.get(value)
        if found is None:
            try:
                found = self.units.unit(value)
            except ParseError as exc:
                found = exc.message
            if len(self._communes) < 20000:
                self._communes[value] = found
        if isinstance(found, str):
            raise ParseError(found)
        return found

    # --- lookups -------------------------------------------------------------------------

    def _existing_pk(self, project_id: int, code: str) -> int | None:
        codes = self._codes.get(project_id)
        if codes is None:
            if len(self._codes) > 200:
                self._codes.clear()
            codes = self._codes[project_id] = _household_index(project_id)
        return codes.get(code)

    def _original_plan(self, project_id: int, household_id: int) -> tuple[str, dict[str, int]]:
        """(status, amounts per category) of the household's original plan, or ("", {})."""
        plans = self._plans.get(project_id)
        if plans is None:
            if len(self._plans) > 50:
                self._plans.clear()
            plans = {}
            for pk, status in CompensationPlan.objects.filter(
                household__project_id=project_id, kind=PlanKind.ORIGINAL
            ).values_list("household_id", "status"):
                plans[pk] = (status, {})
            for pk, line_category, line_amount_ in PlanLine.objects.filter(
                plan__household__project_id=project_id, plan__kind=PlanKind.ORIGINAL
            ).values_list("plan__household_id", "category", "amount"):
                plans[pk][1][line_category] = line_amount_
            self._plans[project_id] = plans
        return plans.get(household_id, ("", {}))

    # --- rows ----------------------------------------------------------------------------

    def validate_row(self, row: ParsedRow, errors: RowErrors) -> None:
        values = row.values
        project: ProjectRef = values["project"]
        code = values["code"]
        self._check_plot(values, errors)
        amounts = {
            c: values[AMOUNT_PREFIX + c]
            for c in CATEGORIES
            if values[AMOUNT_PREFIX + c] is not None
        }
        values["_amounts"] = amounts
        if values["total"] is not None:
            if not amounts:
                errors.add("total", _("Give the amounts per category, not only the total."))
            elif sum(amounts.values()) != values["total"]:
                errors.add(
                    "total",
                    _("The total is %(total)s but the amounts add up to %(sum)s.")
                    % {
                        "total": format_money(values["total"]),
                        "sum": format_money(sum(amounts.values())),
                    },
                )
        commune = values["commune"]
        values["commune_id"] = commune.id if commune is not None else None
        pk = self._existing_pk(project.id, code)
        if (
            pk is None
            and values["head_name"] is None
            and hash((project.id, code)) not in self._file
        ):
            # Later rows of the household (its other plots) may leave the name out.
            errors.add("head_name", _("Enter the head of household's name for a new household."))
        self._check_repeats(row, errors)
        if errors or not amounts or pk is None:
            return
        status, stored = self._original_plan(project.id, pk)
        if status == PlanStatus.APPROVED and any(
            stored.get(c, 0) != value for c, value in amounts.items()
        ):
            errors.add(
                "",
                _(
                    "The compensation plan of household %(code)s is already approved; its "
                    "amounts cannot be changed by an import (add a supplementary plan)."
                )
                % {"code": code},
            )

    def _check_plot(self, values: dict[str, Any], errors: RowErrors) -> None:
        sheet, number = values["map_sheet"], values["plot_number"]
        total, recovered = values["total_area"], values["recovered_area"]
        has_plot = any(values[k] is not None for k in ("map_sheet", "plot_number", *PLOT_FIELDS))
        values["_plot"] = has_plot
        if not has_plot:
            return
        if sheet is None or number is None:
            errors.add(
                "plot_number" if sheet is not None else "map_sheet",
                _("A plot needs both its map sheet and its plot number."),
            )
            return
        # One area alone means the whole plot is taken (or the rest was never measured).
        if total is None and recovered is None:
            errors.add("recovered_area", _("Give the plot's total or recovered area."))
            return
        total = values["total_area"] = total if total is not None else recovered
        recovered = values["recovered_area"] = recovered if recovered is not None else total
        if total <= 0:
            errors.add("total_area", _("Enter an area greater than zero."))
        elif recovered > total:
            errors.add(
                "recovered_area", _("The recovered area cannot exceed the plot's total area.")
            )

    def _check_repeats(self, row: ParsedRow, errors: RowErrors) -> None:
        """A household on several rows (one per plot) must say the same thing on each."""
        values = row.values
        key = hash((values["project"].id, values["code"]))
        given = tuple(values[f] for f in HOUSEHOLD_FIELDS[1:])
        seen = self._file.get(key)
        if seen is None:
            self._file[key] = _FileHousehold(
                row.number, given, row.number if values["_amounts"] else 0
            )
            return
        for field, new, old in zip(HOUSEHOLD_FIELDS[1:], given, seen.values, strict=True):
            if new is not None and old is not None and new != old:
                errors.add(
                    field.removesuffix("_id"),
                    _("Household %(code)s has a different value on row %(row)s.")
                    % {"code": values["code"], "row": seen.row},
                )
        if not errors:
            # Later rows may fill in what the first row left empty.
            seen.values = tuple(
                old if old is not None else new for new, old in zip(given, seen.values, strict=True)
            )
        if values["_amounts"]:
            if seen.amounts_row:
                errors.add(
                    "",
                    _(
                        "The amounts of household %(code)s are already on row %(row)s; write "
                        "each household's amounts on one row."
                    )
                    % {"code": values["code"], "row": seen.amounts_row},
                )
            else:
                seen.amounts_row = row.number

    def natural_key(self, row: ParsedRow):
        values = row.values
        if values["_plot"]:
            return (
                values["project"].id,
                values["code"],
                values["map_sheet"],
                values["plot_number"],
            )
        return (values["project"].id, values["code"])

    def describe_key(self, row: ParsedRow) -> str:
        values = row.values
        text = _("household %(code)s of project %(project)s") % {
            "code": values["code"],
            "project": values["project"].code,
        }
        if values["_plot"]:
            text += ", " + _("plot %(plot)s of map sheet %(sheet)s") % {
                "plot": values["plot_number"],
                "sheet": values["map_sheet"],
            }
        return text

    def preview_row(self, row: ParsedRow) -> list[str]:
        cells = super().preview_row(row)
        # Personal numbers stay masked in the preview, as everywhere else.
        keys = [c.key for c in self.columns]
        values = row.values
        cells[keys.index("head_id_number")] = mask_id_number(values["head_id_number"])
        cells[keys.index("phone")] = mask_phone(values["phone"])
        if values["land_type"]:
            cells[keys.index("land_type")] = values["land_type"]
        return cells

    # --- writing -------------------------------------------------------------------------

    def commit(self, rows, *, batch) -> CommitCounts:
        writer = _HouseholdWriter(
            self.actor, _("Imported from %(file)s") % {"file": batch.original_name}
        )
        chunk: list[ParsedRow] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                writer.flush(chunk)
                chunk = []
        writer.flush(chunk)
        totals.refresh_projects(sorted(writer.project_ids))
        writer.counts.extra = {
            "plots_created": writer.plots_created,
            "plots_updated": writer.plots_updated,
            "plans_created": writer.plans_created,
            "plans_updated": writer.plans_updated,
        }
        return writer.counts


class _Group:
    """The rows of one household within a chunk, merged."""

    __slots__ = ("amounts", "fields", "plots", "project_id", "territory_id")

    def __init__(self, row: ParsedRow) -> None:
        values = row.values
        self.project_id = values["project"].id
        self.territory_id = values["project"].territory_id
        self.fields = {f: values[f] for f in HOUSEHOLD_FIELDS}
        self.plots: dict[tuple[str, str], dict[str, Any]] = {}
        self.amounts: dict[str, int] = {}
        self.add(row)

    def add(self, row: ParsedRow) -> None:
        values = row.values
        for f in HOUSEHOLD_FIELDS:
            if self.fields[f] is None:
                self.fields[f] = values[f]
        if values["_plot"]:
            self.plots[(values["map_sheet"], values["plot_number"])] = {
                f: values[f] for f in PLOT_FIELDS
            }
        if values["_amounts"]:
            self.amounts = values["_amounts"]


def _personal_diff(old: str, new: str) -> list[str]:
    """Audit rows say that an ID or phone number changed, never the numbers themselves."""
    return ["***" if old else "", "***" if new else ""]


class _HouseholdWriter:
    """Writes the households of one chunk at a time, with their plots and draft plans.

    A household new to the project gets one audit row naming its cells, plots and plan amounts
    (its plots and plan are born with it); changes to what already existed get a row per object
    with the old and new values.
    """

    def __init__(self, actor, reason: str) -> None:
        self.actor = actor
        self.reason = reason
        self.counts = CommitCounts()
        self.project_ids: set[int] = set()
        self.plots_created = self.plots_updated = 0
        self.plans_created = self.plans_updated = 0

    def flush(self, chunk: list[ParsedRow]) -> None:
        if not chunk:
            return
        now = timezone.now()
        # Converted once for the raw inserts of new rows, instead of once per value.
        db_now = connection.ops.adapt_datetimefield_value(now)
        groups: dict[tuple[int, str], _Group] = {}
        for row in chunk:
            key = (row.values["project"].id, row.values["code"])
            if key in groups:
                groups[key].add(row)
            else:
                groups[key] = _Group(row)
        self.project_ids.update(g.project_id for g in groups.values())
        existing: dict[tuple[int, str], Household] = {}
        codes_by_project: dict[int, list[str]] = {}
        for project_id, code in groups:
            codes_by_project.setdefault(project_id, []).append(code)
        for project_id, codes in codes_by_project.items():
            for household in Household.objects.filter(project_id=project_id, code__in=codes):
                existing[(project_id, household.code)] = household
        # Existing households that this chunk changes (their own cells, plots or plan).
        self.changed: set[tuple[int, str]] = set()
        changes: list[audit.Change] = []
        new_keys = [key for key in groups if key not in existing]
        if new_keys:
            self._create_households(groups, new_keys, changes, db_now)
        if existing:
            self._update_households(groups, existing, changes, now)
        if changes:
            audit.record(changes, actor=self.actor)
        self.counts.updated += len(self.changed)
        self.counts.unchanged += len(existing) - len(self.changed)

    # new households ---------------------------------------------------------------------

    def _create_households(self, groups, keys, changes, now) -> None:
        rows = []
        for key in keys:
            group = groups[key]
            data = [("" if v is None else v) for v in group.fields.values()]
            data[-1] = group.fields["commune_id"]
            area = sum((p["recovered_area"] for p in group.plots.values()), Decimal(0))
            rows.append([
                group.project_id, *data, NEW_STATUS, "", "", "",
                _search_name(group.fields), 0, 0, area, 0, 1, now, now,
            ])  # fmt: skip
        ids = insert_returning_ids(
            Household,
            [
                "project_id", *HOUSEHOLD_FIELDS, "status", "status_note", "resettlement", "note",
                "search_name", "approved_total", "paid_total", "recovered_area",
                "open_complaints", "version", "created_at", "updated_at",
            ],
            rows,
        )  # fmt: skip
        plot_rows = []
        plans = []
        for pk, key in zip(ids, keys, strict=True):
            group = groups[key]
            for (sheet, number), plot in group.plots.items():
                plot_rows.append([
                    pk, sheet, number, plot["certificate_number"] or "",
                    plot["land_type"] or DEFAULT_LAND, CERTIFIED,
                    plot["total_area"], plot["recovered_area"],
                ])  # fmt: skip
            clean = {c: a for c, a in group.amounts.items() if a}
            if clean:
                plans.append((pk, clean))
        insert_many(Plot, PLOT_COLUMNS, plot_rows)
        plan_ids = _insert_plans(plans, now)
        plan_of = {
            household_id: plan_id
            for (household_id, _c), plan_id in zip(plans, plan_ids, strict=True)
        }
        for pk, key in zip(ids, keys, strict=True):
            group = groups[key]
            created: dict[str, Any] = {
                f: ([None, "***"] if f in PERSONAL_FIELDS else [None, v])
                for f, v in group.fields.items()
                if v is not None
            }
            if group.plots:
                created["plots"] = [None, [_plot_text(k, p) for k, p in group.plots.items()]]
            if pk in plan_of:
                clean = {c: a for c, a in group.amounts.items() if a}
                created["plan"] = [None, plan_of[pk]]
                created.update({f"amount_{c}": [None, a] for c, a in clean.items()})
                created["plan_total"] = [None, sum(clean.values())]
            changes.append(
                audit.Change(
                    action=audit.Action.CREATE, object_type="clearance.household",
                    object_id=str(pk), object_repr=f"{key[1]} - {group.fields['head_name']}"[:255],
                    territory_id=group.territory_id, changes=created, reason=self.reason,
                )
            )  # fmt: skip
        self.counts.created += len(keys)
        self.plots_created += len(plot_rows)
        self.plans_created += len(plans)

    # existing households ----------------------------------------------------------------

    def _update_households(self, groups, existing, changes, now) -> None:
        to_update: list[Household] = []
        for key, current in existing.items():
            group = groups[key]
            diff: dict[str, list[Any]] = {}
            for name, new in group.fields.items():
                if new is None:
                    continue  # an empty cell keeps what is stored
                old = getattr(current, name)
                if old != new:
                    diff[name] = _personal_diff(old, new) if name in PERSONAL_FIELDS else [old, new]
                    setattr(current, name, new)
            if not diff:
                continue
            self.changed.add(key)
            current.search_name = _search_name(
                {"code": current.code, "head_name": current.head_name, "village": current.village}
            )
            current.version += 1
            current.updated_at = now
            to_update.append(current)
            changes.append(
                audit.Change(
                    action=audit.Action.UPDATE,
                    obj=current,
                    territory_id=group.territory_id,
                    changes=diff,
                    reason=self.reason,
                )
            )
        if to_update:
            Household.objects.bulk_update(
                to_update,
                [*HOUSEHOLD_FIELDS, "search_name", "version", "updated_at"],
                batch_size=500,
            )
        touched = self._update_plots(groups, existing, changes)
        self._update_plans(groups, existing, changes, now)
        if touched:
            self._refresh_areas(touched)

    def _update_plots(self, groups, existing, changes) -> set[int]:
        """Create or update the plots of existing households; returns those whose area may
        change."""
        with_plots = {k: h for k, h in existing.items() if groups[k].plots}
        if not with_plots:
            return set()
        stored: dict[tuple[int, str, str], Plot] = {}
        for plot in Plot.objects.filter(household_id__in=[h.pk for h in with_plots.values()]):
            stored[(plot.household_id, plot.map_sheet, plot.plot_number)] = plot
        new_rows: list[list[Any]] = []
        new_meta: list[tuple[tuple[int, str], tuple[str, str], dict]] = []
        to_update: list[Plot] = []
        touched: set[int] = set()
        for key, household in with_plots.items():
            group = groups[key]
            for (sheet, number), data in group.plots.items():
                plot = stored.get((household.pk, sheet, number))
                if plot is None:
                    new_rows.append([
                        household.pk, sheet, number, data["certificate_number"] or "",
                        data["land_type"] or LandType.ODT.value, LegalStatus.CERTIFIED.value,
                        data["total_area"], data["recovered_area"],
                    ])  # fmt: skip
                    new_meta.append((key, (sheet, number), data))
                    touched.add(household.pk)
                    self.changed.add(key)
                    continue
                diff = {}
                for name, new in data.items():
                    old = getattr(plot, name)
                    if new is not None and old != new:
                        diff[name] = [old, new]
                        setattr(plot, name, new)
                if diff:
                    to_update.append(plot)
                    touched.add(household.pk)
                    self.changed.add(key)
                    changes.append(
                        audit.Change(
                            action=audit.Action.UPDATE, obj=plot, object_repr=f"{key[1]}: {plot}",
                            territory_id=group.territory_id, changes=diff, reason=self.reason,
                        )
                    )  # fmt: skip
        for pk, (key, plot_key, data) in zip(_insert_plots(new_rows), new_meta, strict=True):
            changes.append(
                audit.Change(
                    action=audit.Action.CREATE, object_type="clearance.plot", object_id=str(pk),
                    object_repr=f"{key[1]}: {plot_key[0]}/{plot_key[1]}",
                    territory_id=groups[key].territory_id, reason=self.reason,
                    changes={"household": [None, with_plots[key].pk],
                             "plot": [None, _plot_text(plot_key, data)]},
                )
            )  # fmt: skip
        if to_update:
            Plot.objects.bulk_update(to_update, list(PLOT_FIELDS), batch_size=500)
        self.plots_created += len(new_rows)
        self.plots_updated += len(to_update)
        return touched

    def _refresh_areas(self, household_ids: set[int]) -> None:
        """The stored totals of households that already existed, recomputed from their lines."""
        sums = totals.household_sums(household_ids)
        fields = list(next(iter(sums.values())))
        stale = []
        for household in Household.objects.filter(pk__in=household_ids).only("pk", *fields):
            computed = sums[household.pk]
            if any(getattr(household, name) != computed[name] for name in fields):
                for name in fields:
                    setattr(household, name, computed[name])
                stale.append(household)
        Household.objects.bulk_update(stale, fields, batch_size=500)

    def _update_plans(self, groups, existing, changes, now) -> None:
        with_amounts = {k: h for k, h in existing.items() if groups[k].amounts}
        if not with_amounts:
            return
        plans: dict[int, CompensationPlan] = {}
        lines: dict[int, dict[str, PlanLine]] = {}
        for plan in CompensationPlan.objects.filter(
            household_id__in=[h.pk for h in with_amounts.values()], kind=PlanKind.ORIGINAL
        ):
            plans[plan.household_id] = plan
            lines[plan.pk] = {}
        for line in PlanLine.objects.filter(plan_id__in=list(lines)):
            lines[line.plan_id][line.category] = line
        new_plans: list[tuple[int, dict[str, int]]] = []
        new_keys: list[tuple[int, str]] = []
        line_rows: list[list[Any]] = []
        lines_to_update: list[PlanLine] = []
        lines_to_delete: list[int] = []
        plans_to_delete: list[int] = []
        for key, household in with_amounts.items():
            group = groups[key]
            plan = plans.get(household.pk)
            if plan is None:
                clean = {c: a for c, a in group.amounts.items() if a}
                if clean:
                    new_plans.append((household.pk, clean))
                    new_keys.append(key)
                    self.changed.add(key)
                continue
            if plan.status != PlanStatus.DRAFT:
                continue  # checked equal to the approved plan while validating
            current = lines[plan.pk]
            diff = {}
            for cat, value in group.amounts.items():
                line = current.get(cat)
                old = line.amount if line else 0
                if old == value:
                    continue
                diff[f"amount_{cat}"] = [old or None, value or None]
                if line is None:
                    line_rows.append([plan.pk, cat, value, ""])
                elif value:
                    line.amount = value
                    lines_to_update.append(line)
                else:
                    lines_to_delete.append(line.pk)
            if not diff:
                continue
            old_total = sum(line.amount for line in current.values())
            new_total = old_total + sum((n or 0) - (o or 0) for o, n in diff.values())
            diff["total"] = [old_total, new_total]
            if new_total == 0:
                plans_to_delete.append(plan.pk)
            changes.append(
                audit.Change(
                    action=audit.Action.DELETE if new_total == 0 else audit.Action.UPDATE,
                    obj=plan,
                    object_repr=f"{key[1]}: {plan}"[:255],
                    territory_id=group.territory_id,
                    changes=diff,
                    reason=self.reason,
                )
            )
            self.changed.add(key)
            self.plans_updated += 1
        if lines_to_delete:
            PlanLine.objects.filter(pk__in=lines_to_delete).delete()
        if lines_to_update:
            PlanLine.objects.bulk_update(lines_to_update, ["amount"], batch_size=500)
        if plans_to_delete:
            CompensationPlan.objects.filter(pk__in=plans_to_delete).delete()
        insert_many(PlanLine, ["plan_id", "category", "amount", "note"], line_rows)
        db_now = connection.ops.adapt_datetimefield_value(now)
        for plan_id, key, (household_id, clean) in zip(
            _insert_plans(new_plans, db_now), new_keys, new_plans, strict=True
        ):
            changes.append(
                audit.Change(
                    action=audit.Action.CREATE, object_type="clearance.compensationplan",
                    object_id=str(plan_id), object_repr=f"{key[1]}: {PlanKind.ORIGINAL.label}",
                    territory_id=groups[key].territory_id, reason=self.reason,
                    changes={
                        "household": [None, household_id],
                        "kind": [None, PlanKind.ORIGINAL.value],
                        **{f"amount_{c}": [None, a] for c, a in clean.items()},
                        "total": [None, sum(clean.values())],
                    },
                )
            )  # fmt: skip
        self.plans_created += len(new_plans)


def _plot_text(key: tuple[str, str], plot: dict[str, Any]) -> str:
    """'12/245 ODT 120.5/180.5 m²': map sheet/plot, land type, recovered/total area."""
    return (
        f"{key[0]}/{key[1]} {plot['land_type'] or LandType.ODT.value} "
        f"{plot['recovered_area']:f}/{plot['total_area']:f} m²"
    )


PLOT_COLUMNS = [
    "household_id", "map_sheet", "plot_number", "certificate_number", "land_type",
    "legal_status", "total_area", "recovered_area",
]  # fmt: skip


def _insert_plots(rows: list[list[Any]]) -> list[int]:
    return insert_returning_ids(Plot, PLOT_COLUMNS, rows)


def insert_many(model, fields: list[str], rows: list[list[Any]]) -> None:
    """Rows whose new ids nobody needs (plan lines, the plots of new households), with values
    already in database form: COPY on PostgreSQL, one executemany elsewhere. Cheaper than
    `insert_returning_ids`, which adapts every value and builds multi-row statements."""
    if not rows:
        return
    alias = router.db_for_write(model)
    db = connections[alias]
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        # Table and column names are quoted constants; the values go as parameters.
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608


def _insert_plans(plans: list[tuple[int, dict[str, int]]], now) -> list[int]:
    """Draft original plans (household id, amount per category) with their lines."""
    if not plans:
        return []
    plan_ids = insert_returning_ids(
        CompensationPlan,
        ["household_id", "kind", "status", "decision_number", "note", "created_at"],
        [[household_id, ORIGINAL, DRAFT, "", "", now] for household_id, _clean in plans],
    )
    insert_many(
        PlanLine,
        ["plan_id", "category", "amount", "note"],
        [
            [plan_id, category, value, ""]
            for plan_id, (_household, clean) in zip(plan_ids, plans, strict=True)
            for category, value in clean.items()
        ],
    )
    return plan_ids


def _search_name(data: dict[str, Any]) -> str:
    parts = (normalize(data["code"]), normalize(data["head_name"]), normalize(data["village"]))
    return " ".join(p for p in parts if p)[:300]


# --- Inventory ----------------------------------------------------------------------------------


_QUANTITY_TEXT = re.compile(r"^([\d.,]+)\s*(\D.*)?$")


def quantity_with_unit(value: Any) -> tuple[Decimal, str]:
    """'120,5 m2' -> (120.5, 'm²'); '3 cây' -> (3, 'cây'); numeric cells have no unit."""
    unit = ""
    if isinstance(value, str):
        match = _QUANTITY_TEXT.match(parsers.text(value))
        if match and match.group(2):
            value, unit = match.group(1), match.group(2)
    number = parsers.non_negative_decimal(value)
    if number <= 0:
        raise ParseError(_("Enter a quantity greater than zero."))
    if number != number.quantize(TWO_PLACES):
        raise ParseError(_("At most two decimal places."))
    if number >= MAX_AREA:
        raise ParseError(_("This number is too large."))
    unit = {"m2": "m²", "m 2": "m²", "m3": "m³"}.get(unit.lower(), unit)
    if len(unit) > 20:
        raise ParseError(_("The unit is at most 20 characters."))
    return number, unit


INVENTORY_COLUMNS = [
    Column("project", gettext_lazy("Project code"), "parse_project", required=True,
           aliases=("Mã dự án", "Mã DA", "Mã số dự án", "Dự án", "Mã công trình", "Project"),
           example="DA-2024-015", display=lambda p: p.code),
    Column("household", gettext_lazy("Household code"), _short_text(40), required=True,
           aliases=("Mã hộ", "Mã số hộ", "Mã hộ dân", "Mã hồ sơ", "Số hồ sơ", "Household"),
           example="H001"),
    Column("category", gettext_lazy("Category"), category, required=True,
           aliases=("Loại", "Hạng mục", "Nhóm", "Loại tài sản", "Khoản mục"), example="Cây trồng",
           display=lambda c: _label(Category, c)),
    Column("description", gettext_lazy("Description"), _short_text(255), required=True,
           aliases=("Tên tài sản", "Tên tài sản, vật kiến trúc", "Nội dung", "Diễn giải",
                    "Tên", "Mô tả", "Tài sản"),
           example="Cây dừa trên 5 năm tuổi"),
    Column("quantity", gettext_lazy("Quantity"), quantity_with_unit, required=True,
           aliases=("Số lượng", "Khối lượng", "Số lượng/Diện tích", "Diện tích", "SL", "KL"),
           example="12", display=lambda q: display_value(q[0])),
    Column("unit", gettext_lazy("Unit"), _short_text(20),
           aliases=("Đơn vị tính", "Đơn vị", "ĐVT", "Đvt"), example="cây"),
    Column("unit_price", gettext_lazy("Unit price (VND)"), amount, required=True,
           aliases=("Đơn giá", "Đơn giá (đồng)", "Giá", "Đơn giá bồi thường"), example="650.000",
           display=format_money),
    Column("amount", gettext_lazy("Amount (VND)"), amount,
           aliases=("Thành tiền", "Số tiền", "Tiền", "Giá trị"), example="7.800.000",
           display=format_money),
]  # fmt: skip


class InventoryImport(ProjectLookupMixin, ImportSchema):
    key = "clearance-inventory"
    label = gettext_lazy("Inventory sheets of land clearance")
    action = "clearance.import"
    template_filename = "mau-nhap-bien-ban-kiem-dem.xlsx"
    help_text = gettext_lazy(
        "One row per counted item of a household already listed in its project. An item is "
        "identified by its household, category and description: importing the same row again "
        "updates its quantity and unit price instead of adding a copy. The amount is always the "
        "quantity times the unit price; an amount column, if present, must agree. A quantity may "
        "carry its unit (120,5 m2; 3 cây)."
    )
    columns = INVENTORY_COLUMNS

    def __init__(self, actor) -> None:
        super().__init__(actor)
        self._init_projects()
        self._codes: dict[int, dict[str, int]] = {}
        # Per project: (household, category, description) -> item pk, or AMBIGUOUS.
        self._items: dict[int, dict[tuple[int, str, str], int]] = {}

    def _household_pk(self, project_id: int, code: str) -> int | None:
        codes = self._codes.get(project_id)
        if codes is None:
            if len(self._codes) > 200:
                self._codes.clear()
            codes = self._codes[project_id] = _household_index(project_id)
        return codes.get(code)

    def _items_of(self, project_id: int) -> dict[tuple[int, str, str], int]:
        items = self._items.get(project_id)
        if items is None:
            if len(self._items) > 50:
                self._items.clear()
            items = {}
            for pk, household_id, cat, description in InventoryItem.objects.filter(
                household__project_id=project_id
            ).values_list("id", "household_id", "category", "description"):
                key = (household_id, cat, normalize(description))
                items[key] = AMBIGUOUS if key in items else pk
            self._items[project_id] = items
        return items

    def validate_row(self, row: ParsedRow, errors: RowErrors) -> None:
        values = row.values
        project: ProjectRef = values["project"]
        household_id = self._household_pk(project.id, values["household"])
        if household_id is None:
            errors.add(
                "household",
                _("Project %(project)s has no household %(code)s; import the household list first.")
                % {"project": project.code, "code": values["household"]},
            )
            return
        quantity, unit = values["quantity"]
        values["_household"] = household_id
        values["_quantity"] = quantity
        values["_unit"] = values["unit"] or unit or "m²"
        values["_amount"] = computed = line_amount(quantity, values["unit_price"])
        if computed > MAX_AMOUNT:
            errors.add("unit_price", _("This amount is too large."))
        elif values["amount"] is not None and values["amount"] != computed:
            errors.add(
                "amount",
                _("The amount should be quantity x unit price = %(amount)s.")
                % {"amount": format_money(computed)},
            )
        values["_key"] = key = (household_id, values["category"], normalize(values["description"]))
        if self._items_of(project.id).get(key) == AMBIGUOUS:
            errors.add(
                "description",
                _(
                    "Several items of this household have this description; change them on the "
                    "household's page."
                ),
            )

    def natural_key(self, row: ParsedRow):
        return row.values["_key"]

    def describe_key(self, row: ParsedRow) -> str:
        values = row.values
        return f"{values['household']} — {_label(Category, values['category'])} — {values['description']}"

    def commit(self, rows, *, batch) -> CommitCounts:
        counts = CommitCounts()
        reason = _("Imported from %(file)s") % {"file": batch.original_name}
        chunk: list[ParsedRow] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                self._flush(chunk, counts, reason)
                chunk = []
        self._flush(chunk, counts, reason)
        return counts

    def _flush(self, chunk: list[ParsedRow], counts: CommitCounts, reason: str) -> None:
        if not chunk:
            return
        household_ids = {row.values["_household"] for row in chunk}
        stored: dict[tuple[int, str, str], InventoryItem] = {}
        for item in InventoryItem.objects.filter(household_id__in=household_ids):
            stored.setdefault((item.household_id, item.category, normalize(item.description)), item)
        new_rows: list[list[Any]] = []
        new_meta: list[ParsedRow] = []
        to_update: list[InventoryItem] = []
        changes: list[audit.Change] = []
        for row in chunk:
            values = row.values
            item = stored.get(values["_key"])
            data = {
                "quantity": values["_quantity"],
                "unit": values["_unit"],
                "unit_price": values["unit_price"],
                "amount": values["_amount"],
            }
            if item is None:
                new_rows.append([
                    values["_household"], values["category"], values["description"],
                    *data.values(),
                ])  # fmt: skip
                new_meta.append(row)
                continue
            diff = {}
            for name, new in data.items():
                old = getattr(item, name)
                if old != new:
                    diff[name] = [str(old), str(new)] if name == "quantity" else [old, new]
                    setattr(item, name, new)
            if not diff:
                counts.unchanged += 1
                continue
            to_update.append(item)
            changes.append(
                audit.Change(
                    action=audit.Action.UPDATE, obj=item,
                    object_repr=f"{values['household']}: {item.description}"[:255],
                    territory_id=values["project"].territory_id, changes=diff, reason=reason,
                )
            )  # fmt: skip
        if new_rows:
            ids = insert_returning_ids(
                InventoryItem,
                ["household_id", "category", "description", "quantity", "unit", "unit_price",
                 "amount"],
                new_rows,
            )  # fmt: skip
            for pk, row, data in zip(ids, new_meta, new_rows, strict=True):
                values = row.values
                changes.append(
                    audit.Change(
                        action=audit.Action.CREATE, object_type="clearance.inventoryitem",
                        object_id=str(pk),
                        object_repr=f"{values['household']}: {values['description']}"[:255],
                        territory_id=values["project"].territory_id, reason=reason,
                        changes={
                            "household": [None, data[0]],
                            "category": [None, data[1]],
                            "quantity": [None, str(data[3])],
                            "unit_price": [None, data[5]],
                            "amount": [None, data[6]],
                        },
                    )
                )  # fmt: skip
            counts.created += len(new_rows)
        if to_update:
            InventoryItem.objects.bulk_update(
                to_update, ["quantity", "unit", "unit_price", "amount"], batch_size=500
            )
            counts.updated += len(to_update)
        if changes:
            audit.record(changes, actor=self.actor)


__all__ = ["HouseholdImport", "InventoryImport"]
