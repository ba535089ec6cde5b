"""Exports of land clearance: payment lists (XLSX, PDF, Word), compensation summaries, donations
and household lists, within scope and with personal numbers masked unless allowed."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance import exports, payment_list
from danvan.clearance.models import Category, Household, RecoveryDecision, TaskForceMember
from danvan.clearance.services import households, money
from danvan.clearance.services.money import PaymentData
from danvan.clearance.tests.factories import (
    DonationFactory,
    HouseholdFactory,
    ProjectFactory,
    TaskForceFactory,
)
from danvan.core.models import Job, JobStatus
from danvan.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


@pytest.fixture
def people(place):
    _province, commune_a, _commune_b = place
    return {
        "officer": user_with_role("officer", commune_a),
        "leader": user_with_role("leader", commune_a),
        "viewer": user_with_role("viewer", commune_a),
        "outsider": user_with_role("officer", place[2]),
    }


def agreed(people, project, code, lines) -> Household:
    household = HouseholdFactory(project=project, code=code)
    plan = money.plan_create(household, lines=lines, actor=people["officer"])
    money.plans_approve(
        [plan], decision_number="125/QĐ-UBND", approved_on=date(2025, 5, 20), actor=people["leader"]
    )
    for step, actor in (("record_inventory", "officer"), ("agree", "leader")):
        household = households.household_transition(
            household=household, name=step, actor=people[actor]
        )
    return household


@pytest.fixture
def paid_project(place, people):
    _province, commune_a, _commune_b = place
    task_force = TaskForceFactory(name="Tổ công tác GPMB phường Đông Triều", territory=commune_a)
    TaskForceMember.objects.create(
        task_force=task_force,
        full_name="Phạm Văn Trưởng",
        position="Phó Bí thư Thường trực",
        is_leader=True,
    )
    project = ProjectFactory(
        code="DA-2025-07",
        name="Đường Trần Nhân Tông nối dài",
        territory=commune_a,
        task_force=task_force,
    )
    RecoveryDecision.objects.create(
        project=project, number="1234/QĐ-UBND", signed_on=date(2025, 3, 10)
    )
    an = agreed(
        people, project, "H001", {Category.LAND: 1_200_000_000, Category.SUPPORT: 5_555_555}
    )
    binh = agreed(people, project, "H002", {Category.STRUCTURES: 450_000_000, Category.BONUS: 1})
    money.payments_record(
        [
            PaymentData(an, 600_000_000, date(2025, 6, 2), "PC-001"),
            PaymentData(binh, 450_000_001, date(2025, 6, 2), "PC-002", method="cash"),
            PaymentData(an, 605_555_555, date(2025, 6, 9), "PC-003", method="treasury"),
        ],
        actor=people["officer"],
    )
    return project


def sheet_rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def table(content: bytes, first_header: str) -> tuple[list, list[dict]]:
    rows = sheet_rows(content)
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    header = rows[start]
    return header, [dict(zip(header, row, strict=True)) for row in rows[start + 1 :]]


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


# --- Payment list ---------------------------------------------------------------------------------


def test_payment_list_xlsx_has_one_row_per_payment_and_a_total_equal_to_their_sum(
    client, people, paid_project
):
    client.force_login(people["viewer"])

    content = download(client, reverse("clearance:export-payments", args=[paid_project.pk, "xlsx"]))

    _header, rows = table(content, "No.")
    payments, total = rows[:-1], rows[-1]
    assert [(r["Household code"], r["Voucher no."], r["Amount (VND)"]) for r in payments] == [
        ("H001", "PC-001", 600_000_000),
        ("H002", "PC-002", 450_000_001),
        ("H001", "PC-003", 605_555_555),
    ]
    assert payments[1]["Method"] == "Cash"
    assert payments[0]["Payment date"] == date(2025, 6, 2)
    assert total["Head of household"] == "Total"
    assert total["Amount (VND)"] == sum(r["Amount (VND)"] for r in payments) == 1_655_555_556
    paid_project.refresh_from_db()
    assert total["Amount (VND)"] == paid_project.paid_total


def test_format_may_also_be_asked_in_the_query(client, people, paid_project):
    client.force_login(people["viewer"])
    url = reverse("clearance:export-payments", args=[paid_project.pk])

    response = client.get(url, {"format": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "danh-sach-chi-tra-DA-2025-07.pdf" in response["Content-Disposition"]
    assert client.get(url, {"format": "odt"}).status_code == 404


def test_payment_list_pdf_renders_in_the_official_format(client, people, paid_project):
    import pypdfium2

    client.force_login(people["viewer"])

    content = download(client, reverse("clearance:export-payments", args=[paid_project.pk, "pdf"]))

    assert content.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(content)
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    with translation.override("vi"):
        title = _("LIST OF PAYMENTS OF COMPENSATION, SUPPORT AND RESETTLEMENT")
        committee = _("PEOPLE'S COMMITTEE OF %(unit)s") % {"unit": "PHƯỜNG ĐÔNG TRIỀU"}
    flat = " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert title in flat
    assert committee in flat
    assert "TỔ CÔNG TÁC GPMB PHƯỜNG ĐÔNG TRIỀU" in flat
    assert "Đường Trần Nhân Tông nối dài" in flat
    assert "PC-003" in flat
    assert "1.655.555.556" in flat
    assert (
        "Một tỷ sáu trăm năm mươi lăm triệu năm trăm năm mươi lăm nghìn năm trăm năm mươi sáu đồng"
        in flat
    )
    assert "Phạm Văn Trưởng" in " ".join(
        " ".join(p.get_textpage().get_text_range().split()) for p in pdf
    )
    ARTIFACTS.mkdir(exist_ok=True)
    image = page.render(scale=1.5).to_pil()
    image.save(ARTIFACTS / "clearance-payment-list.png")
    assert image.size[0] > 800


def test_payment_list_docx_has_the_table_with_a_total_row(client, people, paid_project):
    client.force_login(people["viewer"])

    content = download(client, reverse("clearance:export-payments", args=[paid_project.pk, "docx"]))

    word = Document(io.BytesIO(content))
    with translation.override("vi"):
        number_title = _("No.")
    payments = next(t for t in word.tables if t.rows[0].cells[0].text == number_title)
    assert len(payments.rows) == 1 + 3 + 1  # header, payments, total
    assert payments.rows[-1].cells[-1].text == "1.655.555.556"
    assert payments.rows[1].cells[1].text == "H001"


def test_a_huge_payment_list_is_refused_as_a_document(client, people, paid_project, monkeypatch):
    monkeypatch.setattr(payment_list, "MAX_ROWS", 2)
    client.force_login(people["viewer"])

    response = client.get(reverse("clearance:export-payments", args=[paid_project.pk, "pdf"]))

    assert response.status_code == 302
    assert response["Location"] == reverse("clearance:project-detail", args=[paid_project.pk])


def test_amounts_in_words():
    assert payment_list.amount_in_words(0) == "Không đồng"
    assert payment_list.amount_in_words(15) == "Mười lăm đồng"
    assert payment_list.amount_in_words(21) == "Hai mươi mốt đồng"
    assert payment_list.amount_in_words(105) == "Một trăm linh năm đồng"
    assert payment_list.amount_in_words(1_200_000_000) == "Một tỷ hai trăm triệu đồng"
    assert payment_list.amount_in_words(450_000_000) == "Bốn trăm năm mươi triệu đồng"
    assert payment_list.amount_in_words(1_000_005) == "Một triệu không trăm linh năm đồng"
    assert payment_list.amount_in_words(2_000_000_015) == "Hai tỷ không trăm mười lăm đồng"
    assert payment_list.amount_in_words(10**13) == "Mười nghìn tỷ đồng"
    assert payment_list.amount_in_words(1_234_567) == (
        "Một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy đồng"
    )


# --- Scope ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("export-payments", ["xlsx"]),
        ("export-payments", ["pdf"]),
        ("export-payments", ["docx"]),
        ("export-compensation", []),
        ("export-households", []),
    ],
)
def test_a_project_out_of_scope_is_not_found(client, people, paid_project, name, args):
    client.force_login(people["outsider"])

    response = client.get(reverse(f"clearance:{name}", args=[paid_project.pk, *args]))

    assert response.status_code == 404


def test_a_unit_out_of_scope_in_the_filters_is_not_found(client, people, place):
    client.force_login(people["viewer"])

    for name in ("export-compensation", "export-donations"):
        response = client.get(reverse(f"clearance:{name}"), {"territory": place[2].pk})
        assert response.status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, paid_project):
    response = client.get(reverse("clearance:export-payments", args=[paid_project.pk, "pdf"]))

    assert response.status_code == 302
    assert "login" in response["Location"]


# --- Compensation summary ---------------------------------------------------------------------------


def test_compensation_summary_has_a_column_per_category_and_totals_equal_to_sums(
    client, people, paid_project
):
    HouseholdFactory(project=paid_project, code="H003")  # no plan yet: zeros
    client.force_login(people["viewer"])

    content = download(client, reverse("clearance:export-compensation", args=[paid_project.pk]))

    header, rows = table(content, "Project code")
    for category in Category:
        assert str(category.label) in header
    by_code = {r["Household code"]: r for r in rows[:-1]}
    assert set(by_code) == {"H001", "H002", "H003"}
    assert by_code["H001"]["Land"] == 1_200_000_000
    assert by_code["H001"]["Support"] == 5_555_555
    assert by_code["H001"]["Total (VND)"] == 1_205_555_555
    assert by_code["H002"]["Still owed (VND)"] == 0
    assert by_code["H003"]["Total (VND)"] == 0
    total = rows[-1]
    assert total["Head of household"] == "Total"
    for column in [*(str(c.label) for c in Category), "Total (VND)", "Paid (VND)"]:
        assert total[column] == sum(r[column] for r in rows[:-1])
    paid_project.refresh_from_db()
    assert total["Total (VND)"] == paid_project.approved_total


def test_compensation_summary_of_draft_plans(client, people, paid_project):
    draft = HouseholdFactory(project=paid_project, code="H004")
    money.plan_create(draft, lines={Category.CROPS: 7_800_000}, actor=people["officer"])
    client.force_login(people["viewer"])

    content = download(
        client,
        reverse("clearance:export-compensation", args=[paid_project.pk]) + "?stage=draft",
    )

    header, rows = table(content, "Project code")
    assert "Still owed (VND)" not in header
    by_code = {r["Household code"]: r for r in rows[:-1]}
    assert by_code["H004"]["Crops and livestock"] == 7_800_000
    assert by_code["H001"]["Total (VND)"] == 0  # its plan is approved, not a draft
    assert rows[-1]["Total (VND)"] == 7_800_000


def test_compensation_summary_of_the_filtered_project_list_stays_in_scope(
    client, people, place, paid_project
):
    other_commune = ProjectFactory(code="DA-QH-01", territory=place[2])
    HouseholdFactory(project=other_commune, code="X001")
    older = ProjectFactory(code="DA-2023-01", territory=place[1], year=2023)
    HouseholdFactory(project=older, code="Y001")
    client.force_login(people["viewer"])

    everything = download(client, reverse("clearance:export-compensation"))
    this_year = download(client, reverse("clearance:export-compensation") + "?year=2025")

    _header, rows = table(everything, "Project code")
    assert [(r["Project code"], r["Household code"]) for r in rows[:-1]] == [
        ("DA-2023-01", "Y001"),
        ("DA-2025-07", "H001"),
        ("DA-2025-07", "H002"),
    ]
    _header, rows = table(this_year, "Project code")
    assert {r["Project code"] for r in rows[:-1]} == {"DA-2025-07"}


# --- Donations -------------------------------------------------------------------------------------


def test_donation_list_filters_by_unit_subtree_and_year_with_totals(client, people, place):
    province, commune_a, commune_b = place
    village_ward = CommuneFactory(parent=province, name="Phường Mạo Khê")
    DonationFactory(
        territory=commune_a, donor_name="Hộ ông A", area=Decimal("120.5"), value=51_815_000
    )
    DonationFactory(territory=commune_a, donor_name="Hộ bà B", area=Decimal("80"), value=34_400_000)
    DonationFactory(
        territory=commune_a, donor_name="Hộ ông C", donated_on=date(2024, 4, 1), area=Decimal("10")
    )
    DonationFactory(territory=commune_b, donor_name="Hộ ngoài phạm vi")
    DonationFactory(territory=village_ward, donor_name="Hộ Mạo Khê")
    client.force_login(people["viewer"])
    url = reverse("clearance:export-donations")

    _header, rows = table(download(client, f"{url}?year=2025"), "Date")

    donors = [r["Donor"] for r in rows[:-1]]
    assert sorted(donors) == ["Hộ bà B", "Hộ ông A"]
    total = rows[-1]
    assert total["Donor"] == "Total"
    assert total["Area (m²)"] == pytest.approx(200.5)
    assert total["Estimated value (VND)"] == 86_215_000
    _header, rows = table(download(client, f"{url}?territory={commune_a.pk}"), "Date")
    assert len(rows) - 1 == 3


# --- Household list ----------------------------------------------------------------------------------


def test_household_list_masks_personal_numbers_for_a_viewer(client, people, paid_project):
    client.force_login(people["viewer"])
    url = reverse("clearance:export-households", args=[paid_project.pk])

    _header, rows = table(download(client, url), "Household code")
    refused = client.get(url, {"personal": "1"})

    an = Household.objects.get(code="H001")
    assert rows[0]["Citizen ID (CCCD)"] == an.head_id_number[:4] + "******" + an.head_id_number[-2:]
    assert an.head_id_number not in str(rows)
    assert an.phone not in str(rows)
    assert rows[0]["Approved amount (VND)"] == 1_205_555_555
    assert refused.status_code == 403
    assert not AuditEvent.objects.filter(action="view_personal").exists()


def test_household_list_with_full_numbers_logs_each_household(client, people, paid_project):
    client.force_login(people["officer"])
    url = reverse("clearance:export-households", args=[paid_project.pk])

    _header, rows = table(download(client, f"{url}?personal=1"), "Household code")

    an = Household.objects.get(code="H001")
    assert rows[0]["Citizen ID (CCCD)"] == an.head_id_number
    assert rows[0]["Phone"] == an.phone
    logged = AuditEvent.objects.filter(action="view_personal", actor=people["officer"])
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in paid_project.households.values_list("pk", flat=True)
    )


def test_a_large_household_list_runs_as_a_job_and_logs_when_written(
    client, people, paid_project, settings, django_capture_on_commit_callbacks
):
    settings.DANVAN_EXPORT_INLINE_ROWS = 0
    client.force_login(people["officer"])
    url = reverse("clearance:export-households", args=[paid_project.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"{url}?personal=1")

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.error
    with job.result_file.open("rb") as handle:
        _header, rows = table(handle.read(), "Household code")
    assert {r["Household code"] for r in rows} == {"H001", "H002"}
    assert AuditEvent.objects.filter(action="view_personal").count() == 2


def test_export_builders_are_registered_for_the_worker():
    from danvan.core.exports import export_builder

    for key in (exports.PAYMENTS, exports.COMPENSATION, exports.DONATIONS, exports.HOUSEHOLDS):
        assert callable(export_builder(key))
