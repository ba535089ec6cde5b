"""Importing household lists and inventory sheets of clearance projects from messy spreadsheets."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance import imports
from danvan.clearance.models import (
    Category,
    CompensationPlan,
    Household,
    InventoryItem,
    LandType,
    PlanKind,
    PlanStatus,
    Plot,
    Project,
)
from danvan.clearance.services import money, totals
from danvan.clearance.tests.factories import HouseholdFactory, ProjectFactory
from danvan.core.imports import services
from danvan.core.imports.parsers import ParseError
from danvan.core.models import ImportStatus
from danvan.core.tests.import_helpers import territory_tree

pytestmark = pytest.mark.django_db

TITLE = [
    "ỦY BAN NHÂN DÂN PHƯỜNG TAM KỲ",
    "HỘI ĐỒNG BỒI THƯỜNG, HỖ TRỢ VÀ TÁI ĐỊNH CƯ",
    "DANH SÁCH CÁC HỘ BỊ ẢNH HƯỞNG - DỰ ÁN ĐƯỜNG ĐIỆN BIÊN PHỦ NỐI DÀI",
]
# Headers as people type them: accents, capitals, line breaks, units in brackets, a serial column.
HEADERS = [
    "STT", "MÃ DỰ ÁN", "Mã hộ", "Họ và tên chủ hộ", "Số CCCD", "Số điện thoại", "Địa chỉ",
    "Thôn/Tổ dân phố", "Tờ bản đồ số", "Thửa đất số", "Loại đất", "Diện tích thửa\n(m2)",
    "DIỆN TÍCH THU HỒI (m²)", "Bồi thường về đất (đồng)", "Nhà, vật kiến trúc", "Cây cối, hoa màu",
    "Hỗ trợ", "Thưởng bàn giao sớm", "Tổng cộng",
]  # fmt: skip


def household_row(code="H001", **overrides) -> list:
    values = {
        "stt": 1, "project": "DA-TK-01", "code": code, "head": "Nguyễn Văn An", "cccd": "",
        "phone": "", "address": "", "village": "Khối phố 5", "sheet": "", "plot": "", "type": "",
        "total_area": "", "recovered": "", "land": "", "structures": "", "crops": "",
        "support": "", "bonus": "", "sum": "",
    }  # fmt: skip
    values.update(overrides)
    return list(values.values())


def workbook_bytes(rows: list[list], *, title: bool = True) -> bytes:
    """A sheet like the ones task forces send: merged title rows, a blank row, then the table."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # A fixed creation time gives the same bytes for the same rows.
    book.set_properties({"created": datetime(2025, 7, 1, tzinfo=UTC)})
    sheet = book.add_worksheet("Danh sách")
    bold = book.add_format({"bold": True, "align": "center"})
    start = 0
    if title:
        for index, text in enumerate(TITLE):
            sheet.merge_range(index, 0, index, 12, text, bold)
        start = len(TITLE) + 1
    for offset, row in enumerate(rows):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(start + offset, col, value)
            else:
                sheet.write_number(start + offset, col, value)
    book.close()
    return buffer.getvalue()


def upload(rows, name="ho-bi-anh-huong.xlsx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(rows, **kwargs))


def check(rows, actor, capture, schema="clearance-households", **kwargs):
    with capture(execute=True):
        batch = services.import_upload(
            schema_key=schema, upload=upload(rows, **kwargs), actor=actor
        )
    batch.refresh_from_db()
    return batch


def commit(batch, actor, capture):
    with capture(execute=True):
        services.import_commit_request(batch=batch, actor=actor)
    batch.refresh_from_db()
    return batch


def check_and_commit(rows, actor, capture, **kwargs):
    batch = check(rows, actor, capture, **kwargs)
    assert batch.status == ImportStatus.VALIDATED, batch.errors or batch.message
    return commit(batch, actor, capture)


@pytest.fixture
def units():
    return territory_tree()


@pytest.fixture
def project(units):
    return ProjectFactory(
        code="DA-TK-01", name="Đường Điện Biên Phủ nối dài", territory=units["tam_ky"]
    )


@pytest.fixture
def officer(units, project):
    return user_with_role("officer", units["da_nang"])


def messy_rows() -> list[list]:
    return [
        HEADERS,
        household_row(
            "H001",
            stt=1,
            project="da-tk-01",
            head="  Nguyễn   Văn An ",
            cccd=49203004567,
            phone=905123456,
            address="Tổ 3, khối phố 5",
            sheet=12,
            plot=245,
            type="odt",
            total_area="180,5 m2",
            recovered="120,5 m2",
            land="1,2 tỷ",
            structures="450 triệu",
            crops="1.234.567",
            support=30000000,
            bonus="5 triệu",
            sum="1.686.234.567",
        ),
        # The same household's second plot: its own cells repeated or left empty.
        household_row(
            "H001",
            stt=2,
            head="",
            village="",
            sheet="12",
            plot="246",
            type="Đất trồng cây lâu năm",
            total_area=300,
            recovered="0,03 ha",
        ),
        household_row(
            "H002",
            stt=3,
            head="Trần Thị Bình",
            cccd="001 203 004 568",
            phone="+84 912 345 678",
            village="Thôn Phú Ninh",
            sheet="13",
            plot="7",
            type="LUA",
            recovered="1.250,75",
            land="625.375.000",
        ),
        household_row("H003", stt=4, head="Lê Văn Cường"),  # no plot, no amounts yet
    ]


def test_messy_sheet_imports_households_plots_and_draft_plans(
    officer, project, django_capture_on_commit_callbacks
):
    batch = check_and_commit(messy_rows(), officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert batch.header_row == len(TITLE) + 2
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (3, 0, 0)
    an = Household.objects.get(project=project, code="H001")
    assert an.head_name == "Nguyễn Văn An"
    assert an.head_id_number == "049203004567"  # the number cell lost its leading zero
    assert an.phone == "0905123456"
    assert an.village == "Khối phố 5"
    plots = {p.plot_number: p for p in an.plots.all()}
    assert set(plots) == {"245", "246"}
    assert (plots["245"].map_sheet, plots["245"].land_type) == ("12", LandType.ODT)
    assert plots["245"].total_area == Decimal("180.5")
    assert plots["245"].recovered_area == Decimal("120.5")
    assert plots["246"].land_type == LandType.CLN
    assert (plots["246"].total_area, plots["246"].recovered_area) == (300, 300)
    assert an.recovered_area == Decimal("420.5")
    plan = an.plans.get()
    assert (plan.kind, plan.status) == (PlanKind.ORIGINAL, PlanStatus.DRAFT)
    assert dict(plan.lines.values_list("category", "amount")) == {
        Category.LAND: 1_200_000_000,
        Category.STRUCTURES: 450_000_000,
        Category.CROPS: 1_234_567,
        Category.SUPPORT: 30_000_000,
        Category.BONUS: 5_000_000,
    }
    assert an.approved_total == 0  # a draft plan approves nothing yet
    binh = Household.objects.get(code="H002")
    assert binh.head_id_number == "001203004568"
    assert binh.phone == "0912345678"
    only_plot = binh.plots.get()
    assert only_plot.total_area == only_plot.recovered_area == Decimal("1250.75")
    assert Household.objects.get(code="H003").plans.count() == 0
    project.refresh_from_db()
    assert project.households_count == 3
    assert project.recovered_area == Decimal("1671.25")
    assert totals.check([project.pk]) == []


def test_audit_rows_of_an_import_never_hold_personal_numbers(
    officer, project, django_capture_on_commit_callbacks
):
    batch = check_and_commit(messy_rows(), officer, django_capture_on_commit_callbacks)

    # A new household's plots and plan are born with it: one row tells all three.
    events = AuditEvent.objects.filter(source=f"import:{batch.pk}")
    assert events.count() == 3
    created = events.get(object_type="clearance.household", object_repr__startswith="H001")
    assert created.action == "create"
    assert created.changes["head_id_number"] == [None, "***"]
    assert created.changes["phone"] == [None, "***"]
    for event in events:
        assert "049203004567" not in str(event.changes)
        assert "0905123456" not in str(event.changes)
    plan = CompensationPlan.objects.get(household__code="H001")
    assert created.changes["plan"] == [None, plan.pk]
    assert created.changes["amount_land"] == [None, 1_200_000_000]
    assert created.changes["plan_total"] == [None, 1_686_234_567]
    assert created.changes["plots"] == [
        None,
        ["12/245 ODT 120.5/180.5 m²", "12/246 CLN 300/300 m²"],
    ]


def test_preview_masks_personal_numbers(officer, project, django_capture_on_commit_callbacks):
    batch = check(messy_rows(), officer, django_capture_on_commit_callbacks)

    preview = batch.preview["rows"]
    assert len(preview) == 4
    flat = " ".join(" ".join(row) for row in preview)
    assert "049203004567" not in flat
    assert "0492******67" in flat
    assert "1.200.000.000" in flat


def test_one_bad_row_commits_nothing_and_names_the_cell(
    officer, project, django_capture_on_commit_callbacks
):
    rows = messy_rows()
    rows.append(
        household_row(
            "H004", stt=5, cccd="12345", land="rất nhiều", recovered="200", total_area="100"
        )
    )

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.INVALID
    assert (batch.row_count, batch.valid_count, batch.error_row_count) == (5, 4, 1)
    found = {e["column"]: e["message"] for e in batch.errors}
    assert set(found) == {"Citizen ID (CCCD)", "Land"}
    assert "12 digits" in found["Citizen ID (CCCD)"]
    assert "rất nhiều" in found["Land"]
    with pytest.raises(services.DomainError):
        services.import_commit_request(batch=batch, actor=officer)
    assert not Household.objects.exists()
    assert not Plot.objects.exists()
    assert not CompensationPlan.objects.exists()


def test_cross_checks_of_a_row(officer, project, django_capture_on_commit_callbacks):
    rows = [
        HEADERS,
        household_row("H010", sheet="5", plot="1", total_area="100", recovered="120"),
        household_row("H011", land="100.000.000", support="5.000.000", sum="100.000.000"),
        household_row("H012", sheet="5"),
        household_row("H013", sum="1.000.000"),
    ]

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    errors = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    first = len(TITLE) + 3
    assert "cannot exceed the plot's total area" in errors[(first, "Recovered area (m²)")]
    assert "add up to 105.000.000" in errors[(first + 1, "Total amount")]
    assert "map sheet and its plot number" in errors[(first + 2, "Plot no.")]
    assert "amounts per category" in errors[(first + 3, "Total amount")]


def test_rows_of_one_household_must_agree(officer, project, django_capture_on_commit_callbacks):
    rows = [
        HEADERS,
        household_row("H001", sheet="1", plot="1", recovered="50", land="10 triệu"),
        household_row("H001", head="Nguyễn Văn Ân", sheet="1", plot="2", recovered="60"),
        household_row("H001", sheet="1", plot="3", recovered="70", crops="2 triệu"),
        household_row("H001", sheet="1", plot="1", recovered="50"),
    ]

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    first = len(TITLE) + 3
    errors = {e["row"]: e["message"] for e in batch.errors}
    assert set(errors) == {first + 1, first + 2, first + 3}
    assert f"different value on row {first}" in errors[first + 1]
    assert f"already on row {first}" in errors[first + 2]
    assert "repeats an earlier row" in errors[first + 3]


def test_reimport_does_not_duplicate_and_updates_what_changed(
    officer, project, django_capture_on_commit_callbacks
):
    check_and_commit(messy_rows(), officer, django_capture_on_commit_callbacks)
    versions = dict(Household.objects.values_list("code", "version"))
    events = AuditEvent.objects.count()

    again = check_and_commit(messy_rows(), officer, django_capture_on_commit_callbacks)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert Household.objects.count() == 3
    assert Plot.objects.count() == 3
    assert CompensationPlan.objects.count() == 2
    assert dict(Household.objects.values_list("code", "version")) == versions
    assert AuditEvent.objects.count() == events

    rows = messy_rows()
    rows[1][HEADERS.index("Số điện thoại")] = "0935 111 222"
    rows[1][HEADERS.index("Cây cối, hoa màu")] = "2.000.000"
    rows[1][HEADERS.index("Tổng cộng")] = ""
    rows[3][HEADERS.index("DIỆN TÍCH THU HỒI (m²)")] = "1.000"
    changed = check_and_commit(rows, officer, django_capture_on_commit_callbacks)

    assert (changed.created_count, changed.updated_count, changed.unchanged_count) == (0, 2, 1)
    an = Household.objects.get(code="H001")
    assert an.phone == "0935111222"
    assert an.version == versions["H001"] + 1
    assert an.plans.get().lines.get(category=Category.CROPS).amount == 2_000_000
    binh = Household.objects.get(code="H002")
    assert binh.version == versions["H002"]  # only its plot changed
    assert binh.recovered_area == Decimal("1000")
    plan_update = AuditEvent.objects.get(object_type="clearance.compensationplan", action="update")
    assert plan_update.changes["amount_crops"] == [1_234_567, 2_000_000]
    household_update = AuditEvent.objects.get(object_type="clearance.household", action="update")
    assert household_update.changes == {"phone": ["***", "***"]}
    assert totals.check([project.pk]) == []


def test_an_approved_plan_is_not_changed_by_an_import(
    officer, project, units, django_capture_on_commit_callbacks
):
    check_and_commit(messy_rows(), officer, django_capture_on_commit_callbacks)
    leader = user_with_role("leader", units["da_nang"])
    money.plans_approve(
        CompensationPlan.objects.filter(household__code="H001"),
        decision_number="45/QĐ-UBND",
        approved_on=date(2025, 6, 1),
        actor=leader,
    )

    same = check_and_commit(messy_rows(), officer, django_capture_on_commit_callbacks)
    rows = messy_rows()
    rows[1][HEADERS.index("Hỗ trợ")] = "40.000.000"
    rows[1][HEADERS.index("Tổng cộng")] = ""
    refused = check(rows, officer, django_capture_on_commit_callbacks)

    assert same.status == ImportStatus.COMMITTED
    assert refused.status == ImportStatus.INVALID
    assert "already approved" in refused.errors[0]["message"]
    plan = CompensationPlan.objects.get(household__code="H001")
    assert plan.lines.get(category=Category.SUPPORT).amount == 30_000_000
    assert Household.objects.get(code="H001").approved_total == 1_686_234_567


def test_project_out_of_scope_is_refused_like_an_unknown_one(
    units, project, django_capture_on_commit_callbacks
):
    ProjectFactory(code="DA-QN-07", territory=units["dong_trieu"])
    officer = user_with_role("officer", units["da_nang"])
    rows = [
        HEADERS,
        household_row("H001"),
        household_row("H002", project="DA-QN-07"),
        household_row("H003", project="DA-KHONG-CO"),
    ]

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.INVALID
    errors = {e["row"]: (e["column"], e["message"]) for e in batch.errors}
    first = len(TITLE) + 3
    assert errors == {
        first + 1: ("Project code", "No project with code “DA-QN-07” within your scope."),
        first + 2: ("Project code", "No project with code “DA-KHONG-CO” within your scope."),
    }
    assert not Household.objects.exists()


def test_a_viewer_cannot_import(units, project, django_capture_on_commit_callbacks):
    viewer = user_with_role("viewer", units["da_nang"])

    with pytest.raises(services.PermissionDenied):
        check([HEADERS, household_row()], viewer, django_capture_on_commit_callbacks)


def test_a_failure_while_writing_leaves_nothing_behind(
    officer, project, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "CHUNK", 2)
    rows = [
        HEADERS,
        *[
            household_row(f"H{i:03d}", land="5 triệu", sheet="1", plot=str(i), recovered="10")
            for i in range(5)
        ],
    ]
    batch = check(rows, officer, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.VALIDATED, batch.errors
    calls = {"n": 0}
    real_record = imports.audit.record

    def flaky_record(changes, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_record(changes, **kwargs)

    monkeypatch.setattr(imports.audit, "record", flaky_record)

    batch = commit(batch, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.FAILED
    assert not Household.objects.exists()
    assert not Plot.objects.exists()
    assert not CompensationPlan.objects.exists()
    assert Project.objects.get().households_count == 0


def test_households_spread_over_chunks_are_written_once(
    officer, project, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "CHUNK", 2)
    rows = [
        HEADERS,
        household_row("H001", sheet="1", plot="1", recovered="10", land="1 triệu"),
        household_row("H002", sheet="1", plot="2", recovered="20"),
        household_row("H001", sheet="1", plot="3", recovered="30"),
        household_row("H001", sheet="1", plot="4", recovered="40"),
    ]

    batch = check_and_commit(rows, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert Household.objects.count() == 2
    assert Household.objects.get(code="H001").recovered_area == Decimal("80")
    assert Plot.objects.count() == 4
    assert totals.check([project.pk]) == []


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("odt", "ODT"), ("Đất ở tại nông thôn", "ONT"), ("LUC", "LUA"), ("cây lâu năm", "CLN")],
)
def test_land_types_by_code_or_words(cell, expected):
    assert imports.land_type(cell) == expected


def test_bare_residential_land_asks_for_urban_or_rural():
    with pytest.raises(ParseError, match="ODT"):
        imports.land_type("Đất ở")


def test_template_lists_the_columns(client, officer):
    client.force_login(officer)

    response = client.get(reverse("core:import-template", args=["clearance-households"]))

    assert response.status_code == 200
    from python_calamine import CalamineWorkbook

    header = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    labels = header.to_python()[0]
    assert "Project code (*)" in labels
    assert "Citizen ID (CCCD)" in labels


# --- Inventory sheets -----------------------------------------------------------------------------

INVENTORY_HEADERS = [
    "TT", "Mã dự án", "Mã hộ", "Hạng mục", "Tên tài sản, vật kiến trúc", "Khối lượng", "ĐVT",
    "Đơn giá (đồng)", "Thành tiền",
]  # fmt: skip


@pytest.fixture
def listed(project):
    return {code: HouseholdFactory(project=project, code=code) for code in ("H001", "H002")}


def inventory_rows():
    return [
        INVENTORY_HEADERS,
        [1, "DA-TK-01", "H001", "Nhà, công trình", "Nhà cấp 4 mái tôn", "120,5 m2", "", "3.500.000",
         "421.750.000"],
        [2, "DA-TK-01", "H001", "cây trồng", "Cây dừa trên 5 năm", "12 cây", "", 650000, ""],
        [3, "DA-TK-01", "H002", "Đất", "Đất ở đô thị", "2,15", "m²", 10, ""],
    ]  # fmt: skip


def test_inventory_sheet_creates_items_with_exact_amounts(
    officer, listed, django_capture_on_commit_callbacks
):
    batch = check_and_commit(
        inventory_rows(), officer, django_capture_on_commit_callbacks, schema="clearance-inventory"
    )

    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert batch.created_count == 3
    house = InventoryItem.objects.get(description="Nhà cấp 4 mái tôn")
    assert (house.category, house.quantity, house.unit) == (
        Category.STRUCTURES,
        Decimal("120.5"),
        "m²",
    )
    assert house.amount == 421_750_000
    coconut = InventoryItem.objects.get(description="Cây dừa trên 5 năm")
    assert (coconut.category, coconut.unit, coconut.amount) == (Category.CROPS, "cây", 7_800_000)
    # 2,15 x 10 = 21,5: half a đồng rounds up, no float anywhere.
    assert InventoryItem.objects.get(household=listed["H002"]).amount == 22
    created = AuditEvent.objects.filter(object_type="clearance.inventoryitem", action="create")
    assert created.count() == 3


def test_inventory_reimport_updates_instead_of_duplicating(
    officer, listed, django_capture_on_commit_callbacks
):
    check_and_commit(
        inventory_rows(), officer, django_capture_on_commit_callbacks, schema="clearance-inventory"
    )
    rows = inventory_rows()
    rows[2][7] = 700000
    rows[2][4] = "CÂY DỪA  TRÊN 5 NĂM"

    again = check_and_commit(
        rows, officer, django_capture_on_commit_callbacks, schema="clearance-inventory"
    )

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 1, 2)
    assert InventoryItem.objects.count() == 3
    assert InventoryItem.objects.get(category=Category.CROPS).amount == 8_400_000


def test_inventory_rows_need_a_listed_household_and_a_right_amount(
    officer, listed, django_capture_on_commit_callbacks
):
    rows = inventory_rows()
    rows[1][8] = "400.000.000"
    rows.append([4, "DA-TK-01", "H999", "Đất", "Đất vườn", "10", "m²", 1000, ""])
    rows.append([5, "DA-TK-01", "H002", "Tiền mặt", "Khác", "1", "", 1000, ""])

    batch = check(rows, officer, django_capture_on_commit_callbacks, schema="clearance-inventory")

    assert batch.status == ImportStatus.INVALID
    messages = {e["column"]: e["message"] for e in batch.errors}
    assert "421.750.000" in messages["Amount (VND)"]
    assert "has no household H999" in messages["Household code"]
    assert "Tiền mặt" in messages["Category"]
    assert not InventoryItem.objects.exists()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("120,5 m2", (Decimal("120.5"), "m²")),
        ("120,5m2", (Decimal("120.5"), "m²")),
        ("12 cây", (Decimal("12"), "cây")),
        ("1.234,5", (Decimal("1234.5"), "")),
        (7.5, (Decimal("7.5"), "")),
    ],
)
def test_a_quantity_may_carry_its_unit(cell, expected):
    assert imports.quantity_with_unit(cell) == expected


@pytest.mark.parametrize("cell", ["0", "nhiều", "1,234 m2"])
def test_a_quantity_must_be_a_positive_number_with_two_decimals(cell):
    with pytest.raises(ParseError):
        imports.quantity_with_unit(cell)
