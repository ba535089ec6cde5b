from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.imports import services
from danvan.core.models import ImportBatch, ImportStatus, JobStatus
from danvan.core.tests.import_helpers import ORG_HEADERS, org_row, territory_tree, upload
from danvan.organisations.models import Organisation
from danvan.organisations.tests.factories import OrganisationFactory, OrganisationKindFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    tree = territory_tree()
    OrganisationKindFactory(
        code="womens_union", name_vi="Hội Liên hiệp Phụ nữ", name_en="Women's Union"
    )
    OrganisationKindFactory(code="farmers_union", name_vi="Hội Nông dân", name_en="Farmers' Union")
    OrganisationKindFactory(
        code="task_force", name_vi="Tổ dân vận", name_en="Mass-mobilisation task force"
    )
    return tree


@pytest.fixture
def officer(units):
    return user_with_role("officer", units["quang_ninh"])


def imported(officer):
    """Organisations other than the one the officer's factory created."""
    return Organisation.objects.exclude(pk=officer.organisation_id)


def check(rows, actor, capture, name="to-chuc.xlsx", **kwargs) -> ImportBatch:
    with capture(execute=True):
        batch = services.import_upload(
            schema_key="organisations", upload=upload(rows, name=name, **kwargs), actor=actor
        )
    batch.refresh_from_db()
    return batch


def commit(batch, actor, capture) -> ImportBatch:
    with capture(execute=True):
        services.import_commit_request(batch=batch, actor=actor)
    batch.refresh_from_db()
    return batch


def test_messy_sheet_is_read_and_imported(officer, units, django_capture_on_commit_callbacks):
    messy_headers = ["ten to chuc", "TÊN VIẾT TẮT", "Loai\nto chuc", "  tinh / thanh pho ", "Xa/Phuong", "To chuc cap tren",
                     "dia chi", "SĐT", "E-mail", "Ngay thanh lap", "So thanh vien (nguoi)", "ghi chu", "Cột thêm"]  # fmt: skip
    rows = [
        messy_headers,
        ["  Hội Phụ nữ  phường Đông Triều ", "HPN", "hoi lien hiep phu nu", 22, "dong trieu", None, "Số 1", 912345678,
         "HPN@Example.VN", date(1975, 4, 30), 1250.0, "ghi chú", "bỏ qua"],
        ["Tổ dân vận khu 1", None, "task_force", "Quảng Ninh", 7021, "Hội Phụ nữ phường Đông Triều", None,
         "0203 3870 123", None, "20/10/2020", "1.250", None],
        [None] * 12,  # blank rows are skipped
        ["Hội Nông dân tỉnh", None, "Hội Nông dân", "Tỉnh Quảng Ninh", None, None, None, None, None, 45721, None, None],
    ]  # fmt: skip

    batch = check(
        rows,
        officer,
        django_capture_on_commit_callbacks,
        title_rows=[["DANH SÁCH"], []],
        merge_title=True,
    )

    assert batch.status == ImportStatus.VALIDATED, batch.errors
    assert (batch.row_count, batch.valid_count, batch.error_count) == (3, 3, 0)
    assert batch.header_row == 3
    assert batch.columns["ignored"] == ["Cột thêm"]
    assert batch.preview["rows"][0][11] == "1.250"
    assert batch.preview["rows"][0][10] == "30/04/1975"

    batch = commit(batch, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert batch.created_count == 3
    union = Organisation.objects.get(short_name="HPN")
    assert union.name == "Hội Phụ nữ phường Đông Triều"
    assert union.territory == units["dong_trieu"]
    assert union.phone == "0912345678"
    assert union.email == "HPN@example.vn"
    assert union.member_count == 1250
    assert union.search_name == "hoi phu nu phuong dong trieu hpn"
    task_force = Organisation.objects.get(name="Tổ dân vận khu 1")
    assert task_force.parent == union
    assert Organisation.objects.get(name="Hội Nông dân tỉnh").territory == units["quang_ninh"]
    events = AuditEvent.objects.filter(object_type="organisations.organisation", action="create")
    assert events.count() == 3
    assert events.get(object_id=str(union.pk)).changes["member_count"] == [None, 1250]
    assert events.first().source == f"import:{batch.pk}"


def test_reimport_updates_and_counts_unchanged_without_duplicates(
    officer, django_capture_on_commit_callbacks
):
    rows = [
        ORG_HEADERS,
        org_row(members="10"),
        org_row(name="Hội Nông dân phường", kind="Hội Nông dân"),
    ]
    commit(
        check(rows, officer, django_capture_on_commit_callbacks),
        officer,
        django_capture_on_commit_callbacks,
    )

    again = [
        ORG_HEADERS,
        org_row(name="HỘI PHỤ NỮ PHƯỜNG ĐÔNG TRIỀU", members="12"),
        org_row(name="Hội Nông dân phường", kind="hoi nong dan"),
    ]
    batch = commit(
        check(again, officer, django_capture_on_commit_callbacks),
        officer,
        django_capture_on_commit_callbacks,
    )

    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 1, 1)
    assert imported(officer).count() == 2
    union = imported(officer).get(kind__code="womens_union")
    assert union.member_count == 12
    assert union.version == 2
    update = AuditEvent.objects.get(object_id=str(union.pk), action="update")
    assert update.changes["member_count"] == [10, 12]


def test_same_file_again_is_flagged_in_the_preview(officer, django_capture_on_commit_callbacks):
    rows = [ORG_HEADERS, org_row()]
    first = commit(
        check(rows, officer, django_capture_on_commit_callbacks),
        officer,
        django_capture_on_commit_callbacks,
    )

    second = check(rows, officer, django_capture_on_commit_callbacks)

    assert services.previous_commit(second) == first


def test_errors_are_listed_by_row_and_column_and_nothing_can_be_committed(
    officer, django_capture_on_commit_callbacks
):
    rows = [
        ORG_HEADERS,
        org_row(),
        org_row(name="", kind="Câu lạc bộ", members="nhiều"),
        org_row(name="Hội Phụ nữ phường Đông Triều"),  # repeats row 2
    ]

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.INVALID
    assert (batch.row_count, batch.valid_count, batch.error_row_count) == (3, 1, 2)
    found = {(e["row"], e["column"]) for e in batch.errors}
    assert found == {(3, "Organisation name"), (3, "Organisation kind"), (3, "Members"), (4, "")}
    with pytest.raises(services.DomainError):
        services.import_commit_request(batch=batch, actor=officer)
    assert not imported(officer).exists()


def test_rejected_rows_file_has_the_original_cells_and_an_error_column(
    officer, django_capture_on_commit_callbacks
):
    rows = [
        ORG_HEADERS,
        org_row(),
        org_row(name="Hội X", email='=HYPERLINK("http://x")', founded="31/02/2020"),
    ]

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    sheet = CalamineWorkbook.from_path(batch.rejected_file.path).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "Row"
    assert sheet[0][1:13] == ORG_HEADERS
    assert sheet[0][13] == "Errors"
    assert len(sheet) == 2
    assert sheet[1][0] == 3
    assert sheet[1][1] == "Hội X"
    assert sheet[1][9] == '=HYPERLINK("http://x")'  # kept as text, never a formula
    assert "Email:" in sheet[1][13]
    assert "Founding date:" in sheet[1][13]


def test_row_outside_scope_is_an_error_that_reveals_nothing(
    officer, django_capture_on_commit_callbacks
):
    rows = [ORG_HEADERS, org_row(), org_row(name="Hội Phụ nữ Tam Kỳ", province="Đà Nẵng", commune="Phường Tam Kỳ"),
            org_row(name="Hội Phụ nữ ma", commune="Phường Không Có")]  # fmt: skip

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.INVALID
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert messages[3] == "No commune “Phường Tam Kỳ” within your scope."
    assert messages[4] == "No commune “Phường Không Có” within your scope."
    assert not imported(officer).exists()


def test_commune_officer_cannot_import_at_province_level(units, django_capture_on_commit_callbacks):
    officer = user_with_role("officer", units["dong_trieu"])
    rows = [ORG_HEADERS, org_row(), org_row(name="Hội tỉnh", commune="")]

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    assert [e["row"] for e in batch.errors] == [3]


def test_parent_is_found_in_database_by_name_within_scope(
    officer, units, django_capture_on_commit_callbacks
):
    committee = OrganisationFactory(name="Đảng ủy phường Đông Triều", territory=units["dong_trieu"])
    OrganisationFactory(name="Đảng ủy phường Tam Kỳ", territory=units["tam_ky"])  # out of scope
    rows = [ORG_HEADERS, org_row(name="Tổ dân vận số 1", kind="Tổ dân vận", parent="dang uy phuong dong trieu"),
            org_row(name="Tổ dân vận số 2", kind="Tổ dân vận", parent="Đảng ủy phường Tam Kỳ")]  # fmt: skip

    batch = check(rows, officer, django_capture_on_commit_callbacks)

    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "Parent organisation")]
    assert "Tam Kỳ" not in batch.errors[0]["message"]
    rows.pop()
    batch = commit(
        check(rows, officer, django_capture_on_commit_callbacks),
        officer,
        django_capture_on_commit_callbacks,
    )
    assert Organisation.objects.get(name="Tổ dân vận số 1").parent == committee


def test_a_row_that_fails_at_commit_time_rolls_back_everything(
    officer, units, django_capture_on_commit_callbacks
):
    rows = [
        ORG_HEADERS,
        org_row(),
        org_row(name="Hội Nông dân", kind="Hội Nông dân", commune="Xã Hải Hà"),
    ]
    batch = check(rows, officer, django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.VALIDATED
    # Meanwhile the officer loses the right to import in Hải Hà: the re-check at commit fails.
    officer.grants.all().delete()
    from danvan.accounts.tests.factories import RoleGrantFactory

    RoleGrantFactory(user=officer, role="officer", territory=units["dong_trieu"])
    officer._danvan_grants = None
    del officer._danvan_grants

    batch = commit(batch, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.FAILED
    assert "Row 3" in batch.message
    assert not imported(officer).exists()
    assert batch.job.status == JobStatus.FAILED


def test_database_failure_mid_commit_writes_nothing_and_fails_the_batch(
    officer, monkeypatch, django_capture_on_commit_callbacks
):
    from danvan.organisations import imports

    monkeypatch.setattr(imports, "CHUNK", 2)
    rows = [ORG_HEADERS, *[org_row(name=f"Hội Phụ nữ khu {i}") for i in range(5)]]
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
    assert "disk full" not in batch.message
    assert batch.job.error == batch.message
    assert not imported(officer).exists()
    assert not AuditEvent.objects.filter(object_type="organisations.organisation").exists()


def test_commit_task_delivered_twice_imports_once(officer, django_capture_on_commit_callbacks):
    batch = commit(check([ORG_HEADERS, org_row()], officer, django_capture_on_commit_callbacks), officer,
                   django_capture_on_commit_callbacks)  # fmt: skip

    services.import_commit_run(batch.pk)
    services.import_validate_run(batch.pk)

    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert imported(officer).count() == 1


def test_user_without_import_right_cannot_upload(units):
    from django.core.exceptions import PermissionDenied

    viewer = user_with_role("viewer", units["quang_ninh"])

    with pytest.raises(PermissionDenied):
        services.import_upload(
            schema_key="organisations", upload=upload([ORG_HEADERS]), actor=viewer
        )
