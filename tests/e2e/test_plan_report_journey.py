"""From a plan to its six-month report in headless Chromium, through the real pages only.

A provincial officer of the mass-mobilisation commission creates the year's plan with one
indicator, enters the first six months' progress, generates the six-month report and downloads
the Word file; the test opens the file and finds the value that was typed.
"""

import io
import re

import pytest
from django.utils import timezone
from docx import Document

from danvan.accounts.tests.factories import DEFAULT_PASSWORD, user_with_role
from danvan.reports.models import GeneratedReport, ReportKind, ReportStatus
from danvan.reports.tests.factories import CommissionFactory, ReportTemplateFactory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db(transaction=True)

INDICATOR = "Mô hình “Dân vận khéo” được công nhận"
TYPED_VALUE = "27"


@pytest.fixture
def commission():
    province = ProvinceFactory(name="Tỉnh Quảng Ninh", code=22)
    CommuneFactory(parent=province, name="Phường Đông Triều")
    body = CommissionFactory(territory=province, name="Ban Tuyên giáo và Dân vận Tỉnh ủy")
    # The seeded default templates do not survive an earlier live-server test's flush.
    ReportTemplateFactory(kind=ReportKind.SIX_MONTH)
    officer = user_with_role(
        "officer", province, username="baocao.e2e", full_name="Vũ Thị Lan", organisation=body
    )
    return {"province": province, "body": body, "officer": officer}


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def create_plan_with_h1_progress(page, screenshot, commission, year: int) -> None:
    """New plan → one indicator → the first six months' progress with the typed value."""
    page.goto("/plans/new/")
    page.fill("#organisation-q", "tuyen giao")
    page.locator(f"#organisation-options input[value='{commission['body'].pk}']").check()
    page.fill("#id_year", str(year))
    page.fill("#id_title", f"Kế hoạch công tác dân vận năm {year}")
    page.locator("#plan-form button[type=submit]").click()
    page.wait_for_selector("#indicator-form", state="attached")
    page.locator("#indicators details summary").first.click()
    page.fill("#indicator-form [name=name]", INDICATOR)
    page.fill("#indicator-form [name=unit]", "mô hình")
    page.fill("#indicator-form [name=target_value]", "40")
    page.locator("#indicator-form button[type=submit]").click()
    page.wait_for_load_state()
    assert INDICATOR in page.locator("#indicators").inner_text()
    screenshot("plan-report-1-plan")
    page.select_option("#report-period", "h1")
    page.locator("#report-open-form button[type=submit]").click()
    page.wait_for_selector("#report-values")
    page.locator("#report-values input.input-number").first.fill(TYPED_VALUE)
    page.locator("#report-values button[type=submit]").first.click()
    page.wait_for_selector("#report-values .alert-success")
    screenshot("plan-report-2-progress")


def test_plan_progress_to_six_month_report_download(page, commission, screenshot):
    year = timezone.localdate().year
    sign_in(page, "baocao.e2e")
    create_plan_with_h1_progress(page, screenshot, commission, year)

    page.goto("/reports/")
    screenshot("plan-report-3-report-list")
    page.get_by_role("link", name=re.compile("Tạo báo cáo|Generate a report")).click()
    page.wait_for_load_state()
    page.select_option("#id_organisation", str(commission["body"].pk))
    page.select_option("#id_kind", "six_month")
    page.select_option("#id_year", str(year))
    page.fill("#id_issued_on", timezone.localdate().strftime("%d/%m/%Y"))
    page.fill("#id_signer_name", "Trần Quang Vinh")
    screenshot("plan-report-4-generate-form")
    page.locator("#generate-form button[type=submit]").click()
    page.wait_for_selector("#download-docx")
    screenshot("plan-report-5-report-page")
    report = GeneratedReport.objects.get()
    assert report.status == ReportStatus.DONE
    assert report.number_label == "Số 1-BC/BTGDVTU"

    with page.expect_download() as download_info:
        page.click("#download-docx")
    content = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    document = Document(io.BytesIO(content))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    indicator_row = next(row for row in rows if INDICATOR in row)
    assert TYPED_VALUE in indicator_row
    assert "Số 1-BC/BTGDVTU" in [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    page.goto("/reports/")
    assert "Số 1-BC/BTGDVTU" in page.locator("#report-table").inner_text()
    screenshot("plan-report-6-report-list")
