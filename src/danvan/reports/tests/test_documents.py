"""What a generated report says: the DOCX is read back with python-docx, the PDF is drawn to PNG
(into test-artifacts/, to be looked at)."""

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from django.utils import translation
from docx import Document

from danvan.core import attachments, indicators
from danvan.dialogues.tests.factories import PetitionFactory
from danvan.plans.models import AwardSubject, Campaign, CampaignAward, CampaignStatus, Period
from danvan.plans.tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    PlanFactory,
    PlanTaskFactory,
    ProgressReportFactory,
)
from danvan.reports import services
from danvan.reports.documents import figure, percent
from danvan.reports.models import ReportKind, ReportStatus
from danvan.reports.tests.factories import CommissionFactory, PeoplesCommitteeFactory
from danvan.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
YEAR = 2025
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def generated(organisation, actor, capture, kind=ReportKind.SIX_MONTH):
    with capture(execute=True):
        report = services.report_generate(
            organisation=organisation,
            kind=kind,
            year=YEAR,
            issued_on=date(YEAR, 7, 5) if kind == ReportKind.SIX_MONTH else date(YEAR, 12, 20),
            signer_name="Trần Quang Vinh",
            actor=actor,
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    files = {a.kind: a.file.read() for a in attachments.attachments_for(report)}
    return report, files["docx"], files["pdf"]


def lines_of(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text.strip()]


def tables_with_heading(document, first_column: str):
    return [t for t in document.tables if t.rows[0].cells[0].text == first_column]


def campaign_with_awards(organisation, territory):
    campaign = Campaign.objects.create(
        organisation=organisation,
        territory=territory,
        title="Phong trào “Phụ nữ 3T”",
        starts_on=date(YEAR, 3, 1),
        ends_on=date(YEAR, 5, 31),
        status=CampaignStatus.ENDED,
    )
    indicator = IndicatorFactory(
        plan=None, campaign=campaign, name="Hội viên tham gia", unit="người", target_value=500
    )
    progress = ProgressReportFactory(plan=None, campaign=campaign, year=YEAR, period=Period.Q2)
    IndicatorValueFactory(report=progress, indicator=indicator, value=620)
    for number, subject in enumerate(
        (AwardSubject.COLLECTIVE, AwardSubject.COLLECTIVE, AwardSubject.INDIVIDUAL)
    ):
        CampaignAward.objects.create(
            campaign=campaign,
            subject=subject,
            name=f"Chi hội phụ nữ số {number}",
            award="Giấy khen",
            awarded_on=date(YEAR, 6, 1),
        )
    # Recognised after the period: not in the six-month report.
    CampaignAward.objects.create(
        campaign=campaign, subject=AwardSubject.INDIVIDUAL, name="Bà Muộn", award="Giấy khen",
        awarded_on=date(YEAR, 7, 2),
    )  # fmt: skip
    return campaign


@pytest.fixture
def province_world(place, people):
    province, commune_a, _b = place
    commission = CommissionFactory(territory=province, name="Ban Tuyên giáo và Dân vận Tỉnh ủy")
    plan = PlanFactory(organisation=commission, year=YEAR, title="Kế hoạch công tác dân vận 2025")
    typed = IndicatorFactory(plan=plan, name="Mô hình “Dân vận khéo” mới", target_value=40)
    computed = IndicatorFactory(
        plan=plan,
        name="Kiến nghị được tiếp nhận",
        unit="kiến nghị",
        target_value=3,
        source="dialogues.petitions_received",
    )
    h1 = ProgressReportFactory(plan=plan, year=YEAR, period=Period.H1)
    IndicatorValueFactory(report=h1, indicator=typed, value=Decimal("17"))
    PlanTaskFactory(plan=plan, status="done")
    PlanTaskFactory(
        plan=plan, status="todo", deadline=date(YEAR, 4, 30), title="Hội nghị quán triệt"
    )
    # Two petitions of the province's subtree in the first six months, one later, one elsewhere.
    for moment in (datetime(YEAR, 2, 3, 9, tzinfo=HANOI), datetime(YEAR, 6, 30, 16, tzinfo=HANOI)):
        PetitionFactory(territory=commune_a, received_at=moment)
    PetitionFactory(territory=commune_a, received_at=datetime(YEAR, 7, 1, 8, tzinfo=HANOI))
    PetitionFactory(territory=CommuneFactory(), received_at=datetime(YEAR, 3, 1, 8, tzinfo=HANOI))
    campaign_with_awards(commission, commune_a)
    return {"commission": commission, "plan": plan, "typed": typed, "computed": computed}


def test_party_report_heading_elements(province_world, people, django_capture_on_commit_callbacks):
    commission = province_world["commission"]

    _report, docx, _pdf = generated(
        commission, people["officer"], django_capture_on_commit_callbacks
    )

    document = Document(io.BytesIO(docx))
    header = document.tables[0].rows[0].cells
    left, right = lines_of(header[0]), lines_of(header[1])
    assert left[0] == vi("PARTY COMMITTEE OF %(unit)s") % {
        "unit": commission.territory.name.upper()
    }
    assert left[1] == "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY"
    assert left[-1] == "Số 1-BC/BTGDVTU"
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert "Độc lập - Tự do - Hạnh phúc" not in right
    place = commission.territory.name.removeprefix("Tỉnh ").strip()
    assert right[-1] == f"{place}, ngày 05 tháng 7 năm 2025"
    body = [p.text for p in document.paragraphs if p.text.strip()]
    assert body[0] == "BÁO CÁO"
    period = vi("the first six months of %(year)s") % {"year": YEAR}
    assert body[1] == f"Sơ kết công tác dân vận {period}"
    foot = document.tables[-1].rows[0].cells
    recipients = lines_of(foot[0])
    assert recipients[0].replace(" ", "") == "Nơinhận:"
    assert "- Ban Tuyên giáo và Dân vận Trung ương (b/c);" in recipients
    assert lines_of(foot[1]) == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN THƯỜNG TRỰC", "Trần Quang Vinh"]


def test_state_report_carries_the_national_motto(place, people, django_capture_on_commit_callbacks):
    committee = PeoplesCommitteeFactory(
        territory=place[1], name="Ủy ban nhân dân phường Đông Triều"
    )

    _report, docx, _pdf = generated(
        committee, people["officer"], django_capture_on_commit_callbacks
    )

    document = Document(io.BytesIO(docx))
    left, right = (lines_of(c) for c in document.tables[0].rows[0].cells)
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert left[-1] == "Số: 1/BC-UBND"
    assert right[-1].startswith("Đông Triều, ngày 05 tháng 7 năm 2025")
    assert lines_of(document.tables[-1].rows[0].cells[1])[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_indicator_tables_print_the_plans_values_and_the_computed_sources(
    province_world, people, django_capture_on_commit_callbacks
):
    commission = province_world["commission"]

    report, docx, _pdf = generated(
        commission, people["officer"], django_capture_on_commit_callbacks
    )

    document = Document(io.BytesIO(docx))
    indicator_tables = tables_with_heading(document, vi("No."))
    plan_rows = [[c.text for c in row.cells] for row in indicator_tables[0].rows[1:]]
    # The typed H1 value, and the computed one counted from the petitions themselves.
    petitions = indicators.compute(
        "dialogues.petitions_received", commission.territory, date(YEAR, 1, 1), date(YEAR, 6, 30)
    )
    assert petitions == 2
    assert plan_rows[0][1:6] == ["Mô hình “Dân vận khéo” mới", "mô hình", "40", "17", "42,5%"]
    assert plan_rows[1][1:6] == ["Kiến nghị được tiếp nhận", "kiến nghị", "3", "2", "66,7%"]
    campaign_rows = [[c.text for c in row.cells] for row in indicator_tables[1].rows[1:]]
    assert campaign_rows[0][1].startswith("Phong trào “Phụ nữ 3T”")
    assert campaign_rows[1][1:6] == ["Hội viên tham gia", "người", "500", "620", "124%"]
    domain_rows = {row.cells[1].text: row.cells[3].text for row in indicator_tables[2].rows[1:]}
    for source in indicators.registered_sources():
        expected = indicators.compute(
            source.key, commission.territory, date(YEAR, 1, 1), date(YEAR, 6, 30)
        )
        with translation.override("vi"):
            assert domain_rows[str(source.label)] == figure(str(expected))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Hội nghị quán triệt" in text
    awards = report.figures["campaigns"][0]["awards"]
    assert (awards["collective"], awards["individual"]) == (2, 1)


def test_the_pdf_pages_render_and_are_kept_for_looking_at(
    province_world, people, django_capture_on_commit_callbacks
):
    commission = province_world["commission"]

    _report, _docx, pdf = generated(
        commission, people["officer"], django_capture_on_commit_callbacks, ReportKind.ANNUAL
    )

    pages = pdfium.PdfDocument(pdf)
    assert len(pages) >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    for number in range(len(pages)):
        image = pages[number].render(scale=1.5).to_pil()
        assert image.width > 0
        image.save(ARTIFACTS / f"report-annual-party-page{number + 1}.png")
    text = pages[0].get_textpage().get_text_range()
    assert "BÁO CÁO" in text
    assert "Số 1-BC/BTGDVTU" in text


def test_figures_are_written_in_vietnamese_notation():
    assert (figure("1234567"), figure("150.5"), figure(None)) == ("1.234.567", "150,5", "-")
    assert percent("42.5") == "42,5%"
