import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.imports import services
from danvan.core.imports.lookups import TerritoryLookup
from danvan.core.imports.parsers import ParseError
from danvan.core.models import ImportBatch, ImportStatus
from danvan.core.tests.import_helpers import territory_tree, upload
from danvan.initiatives import imports
from danvan.initiatives.models import Indicator, IndicatorKind, Initiative, Status, Subject, Tag
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "Tên mô hình", "Tóm tắt", "Vấn đề giải quyết", "Cách vận động", "Loại", "Tập thể/Cá nhân",
    "Lĩnh vực", "Đơn vị hành chính", "Tổ chức / đơn vị đăng ký", "Người đại diện", "Chức vụ",
    "Ngày bắt đầu", "Năm đăng ký", "Từ khóa", "Số hộ tham gia", "Kinh phí vận động",
]  # fmt: skip


def model_row(name="Mô hình đường hoa khu phố", **overrides) -> list:
    values = {
        "name": name, "summary": "Nhân dân góp công trồng và chăm sóc đường hoa.", "problem": "",
        "mobilisation": "", "kind": "Mô hình", "subject": "Tập thể", "field": "Kinh tế",
        "unit": "Phường Đông Triều", "organisation": "Hội Nông dân phường Đông Triều",
        "person": "", "position": "", "started": "", "year": 2025, "tags": "", "households": "",
        "money": "",
    }  # fmt: skip
    values.update(overrides)
    return list(values.values())


@pytest.fixture
def units():
    tree = territory_tree()
    OrganisationFactory(territory=tree["dong_trieu"], name="Hội Nông dân phường Đông Triều")
    OrganisationFactory(territory=tree["hai_ha"], name="Hội Phụ nữ xã Hải Hà")
    OrganisationFactory(territory=tree["tam_ky"], name="Hội Nông dân phường Tam Kỳ")
    return tree


@pytest.fixture
def officer(units):
    return user_with_role("officer", units["quang_ninh"])


def check(rows, actor, capture, name="mo-hinh.xlsx") -> ImportBatch:
    with capture(execute=True):
        batch = services.import_upload(
            schema_key="initiatives", upload=upload(rows, name=name), actor=actor
        )
    batch.refresh_from_db()
    return batch


def commit(batch, actor, capture) -> ImportBatch:
    with capture(execute=True):
        services.import_commit_request(batch=batch, actor=actor)
    batch.refresh_from_db()
    return batch


def check_and_commit(rows, actor, capture) -> ImportBatch:
    batch = check(rows, actor, capture)
    assert batch.status == ImportStatus.VALIDATED, batch.errors or batch.message
    return commit(batch, actor, capture)


def indicator(initiative, code):
    return Indicator.objects.get(initiative=initiative, kind__code=code).value


def sample_rows():
    return [
        HEADERS,
        model_row(
            summary="Dòng một.\n  Dòng   hai.",
            tags="Giao thông, hiến đất",
            households="120 hộ",
            money="1,2 tỷ",
        ),
        model_row(
            "Điển hình hiến đất mở đường",
            kind="dien hinh",
            subject="Cá nhân",
            person="Nguyễn Thị Lan",
            position="Chi hội trưởng",
            field="van hoa xa hoi",
            unit=7190,
            organisation="hoi phu nu xa hai ha",
            started=date(2024, 3, 15),
            tags="Hiến Đất",
            money="450 triệu",
        ),
        model_row(
            "Tổ tự quản an ninh trật tự",
            field="quoc_phong_an_ninh",
            unit="Xã Hải Hà, Tỉnh Quảng Ninh",
            organisation="Hội Phụ nữ xã Hải Hà",
            year="2024",
            money=1234567,
        ),
    ]


def test_valid_file_imports_every_row_as_drafts_with_indicators_and_tags(
    officer, units, django_capture_on_commit_callbacks
):
    batch = check_and_commit(sample_rows(), officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert batch.created_count == 3
    assert set(Initiative.objects.values_list("status", flat=True)) == {Status.DRAFT}
    road = Initiative.objects.get(name="Mô hình đường hoa khu phố")
    assert road.territory == units["dong_trieu"]
    assert road.organisation.name == "Hội Nông dân phường Đông Triều"
    assert road.summary == "Dòng một.\nDòng hai."
    assert road.field.code == "kinh_te"
    assert road.registered_years == [2025]
    assert road.search_name == "mo hinh duong hoa khu pho"
    assert road.created_by == officer
    assert sorted(road.tags.values_list("name", flat=True)) == ["Giao thông", "hiến đất"]
    assert indicator(road, "households") == 120
    assert indicator(road, "money_mobilised") == 1_200_000_000
    person = Initiative.objects.get(name="Điển hình hiến đất mở đường")
    assert (person.kind, person.subject) == ("dien_hinh", Subject.INDIVIDUAL)
    assert (person.person_name, person.person_position) == ("Nguyễn Thị Lan", "Chi hội trưởng")
    assert person.territory == units["hai_ha"]
    assert person.started_on == date(2024, 3, 15)
    assert person.field.code == "van_hoa_xa_hoi"
    # "Hiến Đất" is the same keyword as "hiến đất": one tag, shared.
    assert list(person.tags.values_list("name", flat=True)) == ["hiến đất"]
    assert Tag.objects.count() == 2
    assert indicator(person, "money_mobilised") == 450_000_000
    security = Initiative.objects.get(name="Tổ tự quản an ninh trật tự")
    assert (security.territory, security.year) == (units["hai_ha"], 2024)
    assert indicator(security, "money_mobilised") == 1_234_567
    events = AuditEvent.objects.filter(object_type="initiatives.initiative", action="create")
    assert events.count() == 3
    created = events.get(object_id=str(road.pk))
    assert created.source == f"import:{batch.pk}"
    assert created.changes["indicators"] == [
        None,
        {"households": "120", "money_mobilised": "1200000000"},
    ]


def test_one_bad_row_imports_nothing_and_names_each_bad_cell(
    officer, django_capture_on_commit_callbacks
):
    rows = [
        HEADERS,
        model_row(),
        model_row("Mô hình hai", kind="Sáng kiến", field="Nông nghiệp", year="năm nay", money="nhiều tiền"),
        model_row("Mô hình ba", subject="Cá nhân", organisation="Hội Không Có", started="01/01/2999"),
        model_row("Mô hình bốn", summary=""),
    ]  # fmt: skip

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.INVALID
    assert (batch.row_count, batch.valid_count, batch.error_row_count) == (4, 1, 3)
    found = {(e["row"], e["column"]) for e in batch.errors}
    assert found == {
        (3, "Model or exemplar"), (3, "Field"), (3, "Registration year"), (3, "Kinh phí vận động"),
        (4, "Representative"), (4, "Registering organisation"), (4, "Start date"),
        (5, "Summary"),
    }  # fmt: skip
    messages = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "Mô hình, Điển hình" in messages[(3, "Model or exemplar")]
    assert "nhiều tiền" in messages[(3, "Kinh phí vận động")]
    with pytest.raises(services.DomainError):
        services.import_commit_request(batch=batch, actor=officer)
    assert not Initiative.objects.exists()


def test_a_row_repeated_in_the_file_is_an_error(officer, django_capture_on_commit_callbacks):
    rows = [
        HEADERS,
        model_row(),
        model_row("MÔ HÌNH ĐƯỜNG HOA KHU PHỐ", summary="Khác"),  # same unit, year, name
        model_row(year=2024),  # another year: a different registration
    ]

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "")]
    assert "repeats an earlier row" in batch.errors[0]["message"]


def test_unit_outside_scope_is_refused_without_saying_it_exists(
    units, django_capture_on_commit_callbacks
):
    commune_officer = user_with_role("officer", units["dong_trieu"])
    rows = [
        HEADERS,
        model_row(),
        model_row("Mô hình Hải Hà", unit="Xã Hải Hà", organisation="Hội Phụ nữ xã Hải Hà"),
        model_row("Mô hình Tam Kỳ", unit=20341, organisation="Hội Nông dân phường Tam Kỳ"),
        model_row("Mô hình ma", unit="Xã Không Có"),
    ]

    batch = check(rows, commune_officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.INVALID
    errors = {e["row"]: (e["column"], e["message"]) for e in batch.errors}
    assert set(errors) == {3, 4, 5}
    assert errors[3] == (
        "Administrative unit",
        "No administrative unit “Xã Hải Hà” within your scope.",
    )
    assert errors[4] == ("Administrative unit", "No administrative unit “20341” within your scope.")
    assert errors[5] == ("Administrative unit", "No administrative unit “Xã Không Có” within your scope.")  # fmt: skip


def test_import_right_without_change_right_is_refused(units, django_capture_on_commit_callbacks):
    from danvan.core import scope

    # A rule that lets officers import but not register, as a province might configure it.
    change_roles = scope.rule("initiatives.change").roles
    scope.register({"initiatives.change": {"territory_admin"}})
    try:
        officer = user_with_role("officer", units["quang_ninh"])
        batch = check([HEADERS, model_row()], officer, django_capture_on_commit_callbacks)
    finally:
        scope.register(
            {"initiatives.change": change_roles}, domain=scope.rule("initiatives.change").domain
        )

    assert batch.status == ImportStatus.INVALID
    assert batch.errors[0]["column"] == "Administrative unit"
    assert "cannot register models" in batch.errors[0]["message"]


def test_reimport_is_idempotent_and_a_changed_cell_updates_the_draft(
    officer, django_capture_on_commit_callbacks
):
    check_and_commit(sample_rows(), officer, django_capture_on_commit_callbacks)
    versions = dict(Initiative.objects.values_list("id", "version"))

    again = check_and_commit(sample_rows(), officer, django_capture_on_commit_callbacks)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert Initiative.objects.count() == 3
    assert dict(Initiative.objects.values_list("id", "version")) == versions
    assert not AuditEvent.objects.filter(object_type="initiatives.initiative", action="update")

    rows = sample_rows()
    rows[1][HEADERS.index("Kinh phí vận động")] = "1.300.000.000"
    rows[1][HEADERS.index("Từ khóa")] = "giao thong"
    changed = check_and_commit(rows, officer, django_capture_on_commit_callbacks)

    assert (changed.created_count, changed.updated_count, changed.unchanged_count) == (0, 1, 2)
    road = Initiative.objects.get(name="Mô hình đường hoa khu phố")
    assert road.version == 2
    assert indicator(road, "money_mobilised") == 1_300_000_000
    assert indicator(road, "households") == 120  # empty cell: kept
    assert list(road.tags.values_list("name", flat=True)) == ["Giao thông"]
    update = AuditEvent.objects.get(object_id=str(road.pk), action="update")
    assert update.changes["indicators"] == {"money_mobilised": ["1200000000.00", "1300000000"]}
    assert update.changes["tags"] == [["giao thong", "hien dat"], ["giao thong"]]


def test_a_model_already_submitted_cannot_be_changed_by_import(
    officer, django_capture_on_commit_callbacks
):
    check_and_commit([HEADERS, model_row()], officer, django_capture_on_commit_callbacks)
    Initiative.objects.update(status=Status.SUBMITTED)

    batch = check(
        [HEADERS, model_row(summary="Sửa lại")], officer, django_capture_on_commit_callbacks
    )

    assert batch.status == ImportStatus.INVALID
    assert batch.errors[0]["column"] == ""
    assert "already submitted; it cannot be changed by import" in batch.errors[0]["message"]
    assert Initiative.objects.get().summary != "Sửa lại"


def test_failure_while_writing_rolls_back_every_row(
    officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "CHUNK", 2)
    rows = [HEADERS, *[model_row(f"Mô hình số {i}", tags="an ninh", money="5 triệu") for i in range(5)]]  # fmt: skip
    batch = check(rows, officer, django_capture_on_commit_callbacks)
    calls = {"n": 0}
    real_record = imports.audit.record

    def flaky_record(changes, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_record(changes, **kwargs)

    monkeypatch.setattr(imports.audit, "record", flaky_record)

    batch = commit(batch, officer, django_capture_on_commit_callbacks)

    assert calls["n"] == 2
    assert batch.status == ImportStatus.FAILED
    assert not Initiative.objects.exists()
    assert not Indicator.objects.exists()
    assert not Initiative.tags.through.objects.exists()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.234.567", 1_234_567),
        ("1.234.567 đ", 1_234_567),
        ("1,2 tỷ", 1_200_000_000),
        ("1,2 ty", 1_200_000_000),
        ("450 triệu", 450_000_000),
        ("450 trieu dong", 450_000_000),
        (1234567, 1_234_567),
        (1234567.0, 1_234_567),
    ],
)
def test_money_is_read_as_exact_whole_dong(cell, expected):
    parse = imports.indicator_parser(IndicatorKind.objects.get(code="money_mobilised"))

    value = parse(cell)

    assert value == expected
    assert value == value.to_integral_value()


@pytest.mark.parametrize("cell", ["nhiều tiền", "1,5 đ", "-5 triệu", "3 đô"])
def test_money_that_is_not_whole_dong_is_refused(cell):
    parse = imports.indicator_parser(IndicatorKind.objects.get(code="money_mobilised"))

    with pytest.raises(ParseError):
        parse(cell)


def test_other_indicators_accept_their_unit_and_decimals_where_allowed():
    households = imports.indicator_parser(IndicatorKind.objects.get(code="households"))
    road = imports.indicator_parser(IndicatorKind.objects.get(code="road_km"))
    land = imports.indicator_parser(IndicatorKind.objects.get(code="land_donated_m2"))

    assert households("1.250 hộ") == 1250
    assert road("3,5 km") == Decimal("3.5")
    assert land("0,5 ha") == 5000
    with pytest.raises(ParseError):
        households("2,5")


def test_unit_by_short_name_asks_for_more_when_several_match(units, officer):
    CommuneFactory(parent=units["quang_ninh"], code=7022, name="Xã Đông Triều")
    lookup = TerritoryLookup(officer, "initiatives.import")

    with pytest.raises(ParseError, match="write the code"):
        lookup.unit("Đông Triều")
    assert lookup.unit("phuong dong trieu").id == units["dong_trieu"].pk
    assert lookup.unit("Hải Hà").id == units["hai_ha"].pk
    assert lookup.unit("Quảng Ninh").id == units["quang_ninh"].pk
    assert lookup.unit(7022).name == "Xã Đông Triều"


def test_template_has_the_fixed_and_indicator_headers(client, officer):
    client.force_login(officer)

    response = client.get(reverse("core:import-template", args=["initiatives"]))

    assert response.status_code == 200
    header = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()[0]
    )
    assert header[:2] == ["Name of the model (*)", "Summary (*)"]
    assert "Administrative unit (*)" in header
    assert "Registration year (*)" in header
    assert "Keywords" in header
    kinds = list(IndicatorKind.objects.filter(is_active=True).values_list("name_vi", flat=True))
    assert header[-len(kinds) :] == kinds
    assert {"Số hộ tham gia", "Kinh phí vận động"} <= set(header)
