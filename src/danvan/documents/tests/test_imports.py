import pytest

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.imports import services
from danvan.core.models import ImportStatus
from danvan.core.tests.import_helpers import territory_tree, upload
from danvan.documents.models import GuidanceDocument
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Headers as offices type them: accents, spacing and order vary.
HEADERS = ["STT", "Số, ký hiệu", "Loại văn bản", "Ngày ban hành", "Cơ quan ban hành",
           "Trích yếu nội dung", "Người ký", "Nơi nhận", "Hiệu lực"]  # fmt: skip


def row(number="12-HD/ĐU", **overrides) -> list:
    values = {
        "stt": 1, "number": number, "type": "HD", "date": "15/03/2024",
        "issuer": "Đảng ủy phường Đông Triều", "title": "Hướng dẫn đăng ký mô hình Dân vận khéo",
        "signer": "Nguyễn Văn A", "recipients": "Các chi bộ", "validity": "Còn hiệu lực",
    }  # fmt: skip
    values.update(overrides)
    return list(values.values())


@pytest.fixture
def units():
    tree = territory_tree()
    OrganisationFactory(territory=tree["dong_trieu"], name="Đảng ủy phường Đông Triều")
    OrganisationFactory(territory=tree["tam_ky"], name="Đảng ủy phường Tam Kỳ")
    return tree


@pytest.fixture
def officer(units):
    return user_with_role("officer", units["quang_ninh"])


def run_import(rows, actor, capture):
    with capture(execute=True):
        batch = services.import_upload(
            schema_key="documents",
            upload=upload([HEADERS, *rows], name="so-van-ban.xlsx"),
            actor=actor,
        )
    batch.refresh_from_db()
    if batch.status == ImportStatus.VALIDATED:
        with capture(execute=True):
            services.import_commit_request(batch=batch, actor=actor)
        batch.refresh_from_db()
    return batch


def test_a_messy_register_imports_and_a_second_run_adds_nothing(
    units, officer, django_capture_on_commit_callbacks
):
    rows = [row(), row("13 - KH/ĐU", type="Kế hoạch", date="2/4/2024", validity="")]

    batch = run_import(rows, officer, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.COMMITTED, batch.errors or batch.message
    assert set(GuidanceDocument.objects.values_list("number_symbol", flat=True)) == {
        "12-HD/ĐU",
        "13-KH/ĐU",
    }
    # Filed under the issuer's ward, where the scope filter looks for them.
    assert set(GuidanceDocument.objects.values_list("unit_path", flat=True)) == {
        units["dong_trieu"].path
    }
    assert (
        AuditEvent.objects.filter(object_type="documents.guidancedocument", action="create").count()
        == 2
    )

    run_import(rows, officer, django_capture_on_commit_callbacks)

    assert GuidanceDocument.objects.count() == 2


def test_a_file_with_one_bad_row_changes_nothing(officer, django_capture_on_commit_callbacks):
    rows = [
        row(),
        row("14-HD/ĐU", date="31/02/2024"),
        row("15-HD/ĐU", issuer="Đảng ủy phường Tam Kỳ"),  # outside the officer's scope
        row("16-HD/ĐU", type="Thư tay"),
    ]

    batch = run_import(rows, officer, django_capture_on_commit_callbacks)

    assert batch.status != ImportStatus.COMMITTED
    columns = {error["column"] for error in batch.errors} if batch.errors else set()
    assert batch.error_count >= 3, (batch.errors, columns)
    assert GuidanceDocument.objects.count() == 0


def test_repeated_rows_in_one_file_are_reported(officer, django_capture_on_commit_callbacks):
    batch = run_import([row(), row("12 - hd/đu")], officer, django_capture_on_commit_callbacks)

    assert batch.status != ImportStatus.COMMITTED
    assert GuidanceDocument.objects.count() == 0
