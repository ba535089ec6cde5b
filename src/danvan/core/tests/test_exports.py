"""XLSX exports: cell types and formats, formula injection, download headers, the background job
for large exports and the scope applied again when the job runs."""

import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.test import RequestFactory
from django.urls import reverse
from python_calamine import CalamineWorkbook

from danvan.accounts.models import RoleGrant
from danvan.accounts.tests.factories import user_with_role
from danvan.core import scope
from danvan.core.errors import DomainError
from danvan.core.exports import (
    ExportColumn,
    ExportSpec,
    attachment_header,
    export_response_or_job,
    export_run,
    register_export,
    safe_filename,
    write_xlsx,
)
from danvan.core.models import Job, JobStatus
from danvan.core.roles import Role
from tests.workflow_app.models import Ticket

scope.register({"tests.ticket.export": {Role.OFFICER, Role.LEADER}})

COLUMNS = [
    ExportColumn("Tiêu đề", lambda t: t.title, width=30),
    ExportColumn("Đơn vị", lambda t: t.territory.name, width=30),
    ExportColumn("Phiên bản", lambda t: t.version, kind="int"),
    ExportColumn("Kinh phí (đồng)", lambda t: t.version * 1_250_000, kind="money"),
    ExportColumn("Ngày gửi", lambda t: t.submitted_at, kind="date"),
    ExportColumn("Tỷ lệ", lambda t: Decimal("12.5") * t.version, kind="percent"),
]


def ticket_export(user, params: dict) -> ExportSpec:
    tickets = scope.filter(
        user,
        "tests.ticket.export",
        Ticket.objects.select_related("territory").order_by("pk"),
    )
    if params.get("status"):
        tickets = tickets.filter(status=params["status"])
    return ExportSpec(
        filename="Danh sách phiếu.xlsx",
        title="Danh sách phiếu",
        columns=COLUMNS,
        queryset_or_rows=tickets,
        count=tickets.count(),
        filters_line=f"Trạng thái: {params.get('status') or 'tất cả'}",
    )


register_export("tests.tickets", ticket_export)


@register_export("tests.broken")
def broken_export(user, params: dict) -> ExportSpec:
    if params.get("refuse"):
        raise DomainError("Chọn ít nhất một đơn vị.")
    return ExportSpec("x.xlsx", "x", [ExportColumn("A", lambda row: 1 / 0)], [1], 1)


@pytest.fixture
def tickets(place):
    _province, commune_a, commune_b = place
    submitted = datetime(2025, 7, 1, 20, 30, tzinfo=UTC)  # 2 July in Vietnam
    return [
        Ticket.objects.create(title="Mô hình dân vận khéo", territory=commune_a, version=1),
        Ticket.objects.create(title="=1+1", territory=commune_a, version=2, submitted_at=submitted),
        Ticket.objects.create(title="Sửa đường thôn", territory=commune_a, version=3),
        Ticket.objects.create(title="Ngoài phạm vi", territory=commune_b, version=4),
    ]


@pytest.fixture
def officer_a(place):
    return user_with_role(Role.OFFICER, place[1])


@pytest.fixture
def officer_b(place):
    return user_with_role(Role.OFFICER, place[2])


def export_as(user, key="tests.tickets", params=None):
    request = RequestFactory().get("/export/")
    request.user = user
    return export_response_or_job(request, key, params or {})


def read_rows(content: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python()


def job_file_rows(job: Job) -> list[list]:
    with job.result_file.open("rb") as handle:
        return read_rows(handle.read())


@pytest.mark.django_db
def test_small_export_downloads_a_typed_workbook(tickets, officer_a):
    response = export_as(officer_a)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_rows(b"".join(response.streaming_content))
    assert rows[0][0] == "Danh sách phiếu"
    assert rows[1][0] == "Trạng thái: tất cả"
    assert rows[2] == [c.label for c in COLUMNS]
    data = rows[3:]
    assert [r[0] for r in data] == ["Mô hình dân vận khéo", "=1+1", "Sửa đường thôn"]
    second = data[1]
    assert isinstance(second[2], float | int)
    assert second[2] == 2
    assert second[3] == 2_500_000
    assert second[4] == date(2025, 7, 2)
    assert second[5] == pytest.approx(0.25)
    assert data[0][4] == ""  # no date: an empty cell


@pytest.mark.django_db
def test_formula_looking_text_is_stored_as_text_with_vietnamese_formats(tickets, officer_a):
    response = export_as(officer_a)

    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in sheet
    assert "<is><t>=1+1</t></is>" in sheet  # an inline string, never a formula
    assert 'formatCode="#,##0"' in styles
    assert 'formatCode="dd/mm/yyyy"' in styles
    assert '<pane ySplit="3"' in sheet  # title, filters line and header stay in view


@pytest.mark.django_db
def test_download_name_keeps_vietnamese_letters_with_an_ascii_fallback(tickets, officer_a):
    response = export_as(officer_a)

    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="Danh sach phieu.xlsx"')
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == "Danh sách phiếu.xlsx"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Danh sách.xlsx", "Danh sách.xlsx"),
        ("../../etc/passwd", "etc passwd.xlsx"),
        ('a"b\r\nc', "a b c.xlsx"),
        ("", "export.xlsx"),
        ("Báo cáo", "Báo cáo.xlsx"),
    ],
)
def test_safe_filename(given, expected):
    assert safe_filename(given) == expected


def test_ascii_names_need_no_utf8_form():
    assert attachment_header("report.xlsx") == 'attachment; filename="report.xlsx"'


@pytest.mark.django_db
def test_each_user_downloads_only_rows_in_their_scope(tickets, officer_b):
    response = export_as(officer_b)

    rows = read_rows(b"".join(response.streaming_content))
    assert [r[0] for r in rows[3:]] == ["Ngoài phạm vi"]


@pytest.mark.django_db
def test_large_export_runs_as_a_job_with_the_creators_rows(
    tickets, officer_a, settings, django_capture_on_commit_callbacks
):
    settings.DANVAN_EXPORT_INLINE_ROWS = 2

    with django_capture_on_commit_callbacks(execute=True):
        response = export_as(officer_a, params={"status": "draft"})

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.created_by == officer_a
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["rows"] == 3
    assert job.result["filename"] == "Danh sách phiếu.xlsx"
    assert job.progress_total == 3
    assert job.progress_done == 3
    rows = job_file_rows(job)
    assert rows[1][0] == "Trạng thái: draft"
    assert [r[0] for r in rows[3:]] == ["Mô hình dân vận khéo", "=1+1", "Sửa đường thôn"]
    assert rows[4][3] == 2_500_000


@pytest.mark.django_db
def test_job_of_a_user_with_another_scope_holds_only_their_rows(
    tickets, officer_b, settings, django_capture_on_commit_callbacks
):
    settings.DANVAN_EXPORT_INLINE_ROWS = 0

    with django_capture_on_commit_callbacks(execute=True):
        export_as(officer_b)

    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    assert [r[0] for r in job_file_rows(job)[3:]] == ["Ngoài phạm vi"]


@pytest.mark.django_db
def test_job_applies_the_scope_the_creator_has_when_it_runs(
    tickets, officer_a, settings, django_capture_on_commit_callbacks
):
    settings.DANVAN_EXPORT_INLINE_ROWS = 2
    with django_capture_on_commit_callbacks() as callbacks:
        export_as(officer_a)

    RoleGrant.objects.filter(user=officer_a).delete()
    for callback in callbacks:
        callback()

    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["rows"] == 0
    assert job_file_rows(job)[3:] == []


@pytest.mark.django_db
def test_job_page_offers_the_file_to_its_creator(
    tickets, officer_a, settings, django_capture_on_commit_callbacks, api
):
    settings.DANVAN_EXPORT_INLINE_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        export_as(officer_a)
    job = Job.objects.get()
    client = api(officer_a)

    page = client.get(reverse("core:job-detail", args=[job.pk]))
    download = client.get(reverse("core:job-download", args=[job.pk]))

    assert reverse("core:job-download", args=[job.pk]) in page.content.decode()
    assert "3 rows exported." in page.content.decode()
    assert len(read_rows(b"".join(download.streaming_content))) == 6


@pytest.mark.django_db
def test_a_business_error_in_the_builder_fails_the_job_with_its_message(officer_a):
    job = Job.objects.create(
        kind="export:tests.broken",
        title="x",
        created_by=officer_a,
        params={"export": "tests.broken", "params": {"refuse": True}},
    )

    export_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Chọn ít nhất một đơn vị."
    assert not job.result_file


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_without_a_traceback(officer_a):
    job = Job.objects.create(
        kind="export:tests.broken",
        title="x",
        created_by=officer_a,
        params={"export": "tests.broken"},
    )

    export_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "could not be made" in job.error
    assert "ZeroDivisionError" not in job.error


@pytest.mark.django_db
def test_a_finished_job_is_not_run_again(tickets, officer_a):
    job = Job.objects.create(
        kind="export:tests.tickets",
        title="x",
        created_by=officer_a,
        params={"export": "tests.tickets"},
        status=JobStatus.SUCCEEDED,
    )

    export_run(job.pk)

    job.refresh_from_db()
    assert not job.result_file


def test_write_xlsx_counts_rows_and_types_cells_by_column_kind():
    columns = [
        ExportColumn("Mã", lambda r: r[0]),
        ExportColumn("Số", lambda r: r[1], kind="decimal"),
        ExportColumn("Có", lambda r: r[2]),
    ]
    target = io.BytesIO()

    count = write_xlsx(
        path_or_file=target,
        sheet_title="Bảng: tháng 7/2025 [nháp]",
        title=None,
        columns=columns,
        rows=iter([("001234", Decimal("1234.5"), True), (42, None, False)]),
    )

    assert count == 2
    book = CalamineWorkbook.from_filelike(io.BytesIO(target.getvalue()))
    assert book.sheet_names == ["Bảng  tháng 7 2025  nháp"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == ["Mã", "Số", "Có"]
    assert rows[1] == ["001234", 1234.5, "Yes"]  # text columns keep leading zeros
    assert rows[2] == ["42", "", "No"]


def test_unknown_column_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        ExportColumn("A", lambda r: r, kind="currency")
