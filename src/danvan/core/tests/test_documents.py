import io
import logging
import shutil
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.db import connection
from django.test import override_settings
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from fontTools import subset
from fontTools.ttLib import TTFont

from danvan.core.documents import (
    Heading,
    OfficialDocument,
    Paragraph,
    Signer,
    Table,
    date_line,
    find_fonts,
    next_document_number,
    number_label,
    pdf_fonts,
    render_docx,
    render_pdf,
)
from danvan.core.documents.fonts import FAMILIES
from danvan.core.errors import DomainError
from danvan.core.models import DocumentSequence
from danvan.organisations.tests.factories import OrganisationFactory

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
PLACES = "Nguyễn Thị Hằng, Đông Triều, Hải Hà, Quảng Ninh"
PT_PER_MM = 72 / 25.4


def decision(*, style="state", rows=3, recipients=None) -> OfficialDocument:
    return OfficialDocument(
        style=style,
        parent_body="UBND tỉnh Quảng Ninh" if style == "state" else "Tỉnh ủy Quảng Ninh",
        issuer="Hội đồng Thi đua - Khen thưởng"
        if style == "state"
        else "Ban Tuyên giáo và Dân vận",
        number_label=number_label(style, 12, "QĐ", "UBND" if style == "state" else "BTGDVTU"),
        place="Quảng Ninh",
        issued_on=date(2025, 3, 5),
        doc_type="Quyết định",
        summary='Về việc công nhận mô hình "Dân vận khéo" năm 2025',
        blocks=[
            Paragraph("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;", italic=True),
            Paragraph("QUYẾT ĐỊNH:", bold=True, align="center", indent_first=False),
            Heading('Điều 1. Công nhận các mô hình "Dân vận khéo" sau đây:'),
            Table(
                columns=["STT", "Tên mô hình", "Người phụ trách, địa bàn"],
                rows=[
                    [
                        str(i + 1),
                        f"Mô hình số {i + 1}: vận động nhân dân hiến đất mở rộng đường "
                        "giao thông nông thôn và giữ gìn vệ sinh môi trường khu dân cư",
                        PLACES,
                    ]
                    for i in range(rows)
                ],
                widths=[1, 7, 5],
                align=["center", "left", "left"],
            ),
            Paragraph("Quyết định có hiệu lực kể từ ngày ký."),
        ],
        signer=Signer(authority="TM. Hội đồng", position="Chủ tịch", name="Trần Văn Đức"),
        recipients=recipients or ["Như Điều 3;", "Thường trực Tỉnh ủy (b/c);", "Lưu: VT, TĐKT."],
    )


def pdf_pages(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def top_margin_text(data: bytes, index: int) -> str:
    """Text printed in the top margin (above the 20 mm body) of one page."""
    page = pdfium.PdfDocument(data)[index]
    height = page.get_height()
    return page.get_textpage().get_text_bounded(bottom=height - 20 * PT_PER_MM).strip()


# -- number and date lines ------------------------------------------------------------------


def test_state_number_has_colon_and_slash_before_type():
    assert number_label("state", 12, "QĐ", "UBND") == "Số: 12/QĐ-UBND"


def test_party_number_has_no_colon_and_hyphen_before_type():
    assert number_label("party", 15, "QĐ", "BTGDVTU") == "Số 15-QĐ/BTGDVTU"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 3, 5), "Quảng Ninh, ngày 05 tháng 3 năm 2025"),
        (date(2024, 2, 15), "Quảng Ninh, ngày 15 tháng 02 năm 2024"),
        (date(2026, 1, 1), "Quảng Ninh, ngày 01 tháng 01 năm 2026"),
        (date(2025, 12, 31), "Quảng Ninh, ngày 31 tháng 12 năm 2025"),
    ],
)
def test_date_line_pads_days_and_only_the_months_january_and_february(day, expected):
    assert date_line("Quảng Ninh", day) == expected


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="style"):
        decision(style="company")


# -- DOCX -----------------------------------------------------------------------------------


def test_docx_holds_every_part_of_a_state_decision():
    word = Document(io.BytesIO(render_docx(decision())))

    header, body_table, foot = word.tables
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "UBND TỈNH QUẢNG NINH" in left
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in left
    assert "Số: 12/QĐ-UBND" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert "Quảng Ninh, ngày 05 tháng 3 năm 2025" in right
    texts = [p.text for p in word.paragraphs]
    assert "QUYẾT ĐỊNH" in texts
    assert 'Về việc công nhận mô hình "Dân vận khéo" năm 2025' in texts
    assert [c.text for c in body_table.rows[0].cells] == [
        "STT",
        "Tên mô hình",
        "Người phụ trách, địa bàn",
    ]
    assert body_table.rows[3].cells[2].text == PLACES
    recipients, signer = (cell.text for cell in foot.rows[0].cells)
    assert recipients.splitlines() == [
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Thường trực Tỉnh ủy (b/c);",
        "- Lưu: VT, TĐKT.",
    ]
    assert "TM. HỘI ĐỒNG" in signer
    assert "CHỦ TỊCH" in signer
    assert "Trần Văn Đức" in signer


def test_docx_motto_is_underlined_and_date_italic():
    word = Document(io.BytesIO(render_docx(decision())))

    right = word.tables[0].rows[0].cells[1]
    runs = {run.text: run for p in right.paragraphs for run in p.runs}
    assert runs["Độc lập - Tự do - Hạnh phúc"].font.underline
    assert runs["Độc lập - Tự do - Hạnh phúc"].font.bold
    assert runs["Quảng Ninh, ngày 05 tháng 3 năm 2025"].font.italic


def test_docx_party_header_replaces_the_national_motto():
    word = Document(io.BytesIO(render_docx(decision(style="party"))))

    left, right = (cell.text for cell in word.tables[0].rows[0].cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in right
    assert "CỘNG HÒA" not in right
    assert "Số 12-QĐ/BTGDVTU" in left
    assert "*" in left


def test_docx_page_is_a4_with_decree_margins_and_numbers_from_page_two():
    word = Document(io.BytesIO(render_docx(decision())))

    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == round(section.bottom_margin.mm) == 20
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_docx_runs_use_times_new_roman_for_every_script():
    word = Document(io.BytesIO(render_docx(decision())))

    fonts = word.tables[1].rows[1].cells[2].paragraphs[0].runs[0]._r.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(attr)) == "Times New Roman"
    assert word.styles["Normal"].font.name == "Times New Roman"


def test_docx_table_repeats_its_title_row_and_has_the_given_widths():
    word = Document(io.BytesIO(render_docx(decision())))

    table = word.tables[1]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    widths = [round(column.width / Mm(1)) for column in table.columns]
    assert widths == [13, 89, 63]  # 1 : 7 : 5 of the 165 mm text width


# -- PDF ------------------------------------------------------------------------------------


def test_pdf_keeps_vietnamese_text_and_draws_every_letter(caplog):
    caplog.set_level(logging.WARNING)

    data = render_pdf(decision())

    text = "\n".join(pdf_pages(data))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/QĐ-UBND",
        "Quảng Ninh, ngày 05 tháng 3 năm 2025",
        "QUYẾT ĐỊNH",
        "Nơi nhận:",
        "Trần Văn Đức",
    ):
        assert expected in text
    assert PLACES in " ".join(text.split())
    # A font without a letter still writes it into the text layer, so check the drawing too.
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]


def test_pdf_party_style_uses_party_header_and_number():
    text = "\n".join(pdf_pages(render_pdf(decision(style="party"))))

    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Số 12-QĐ/BTGDVTU" in text
    assert "CỘNG HÒA" not in text


def test_pdf_long_table_runs_over_pages_with_title_row_and_page_numbers():
    data = render_pdf(decision(rows=40))

    pages = pdf_pages(data)
    assert len(pages) >= 2
    assert top_margin_text(data, 0) == ""
    assert top_margin_text(data, 1) == "2"
    assert "Tên mô hình" in pages[1]  # the repeated title row
    assert "Mô hình số 40:" in " ".join(" ".join(pages).split())
    assert "Trần Văn Đức" in pages[-1]


def test_pdf_page_one_renders_to_png():
    data = render_pdf(decision())

    image = pdfium.PdfDocument(data)[0].render(scale=2).to_pil()
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "official_document_page1.png")
    # A4 at 144 dpi, and something is drawn in the header area at the top right.
    assert image.size == (1191, 1684)
    header_box = image.convert("L").crop((600, 100, 1150, 260))
    assert header_box.getextrema()[0] < 100


# -- fonts ----------------------------------------------------------------------------------


def test_missing_font_is_a_domain_error_naming_the_package(tmp_path):
    with pytest.raises(DomainError) as error:
        find_fonts([tmp_path])

    assert error.value.code == "pdf_font_missing"
    assert "fonts-liberation2" in error.value.message


def test_font_without_vietnamese_letters_is_skipped(tmp_path):
    source = pdf_fonts().regular
    for name in FAMILIES[2]:  # Liberation Serif names, filled with a Latin-only cut
        font = TTFont(source)
        options = subset.Options()
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="abcdefghijklmnopqrstuvwxyz")
        subsetter.subset(font)
        font.save(tmp_path / name)

    with pytest.raises(DomainError):
        find_fonts([tmp_path])


def test_configured_font_folder_comes_first(tmp_path):
    for name, path in zip(FAMILIES[3], ("regular", "bold", "italic", "bold_italic"), strict=True):
        shutil.copy(getattr(pdf_fonts(), path), tmp_path / name)

    with override_settings(DANVAN_PDF_FONT_DIRS=[str(tmp_path)]):
        fonts = pdf_fonts()

    assert fonts.regular == tmp_path / "DejaVuSerif.ttf"
    assert fonts.bold_italic == tmp_path / "DejaVuSerif-BoldItalic.ttf"


# -- number sequences -----------------------------------------------------------------------


@pytest.mark.django_db
def test_numbers_count_up_per_issuer_type_and_period():
    council, commission = OrganisationFactory(), OrganisationFactory()

    first = [next_document_number(issuer=council, doc_type="QĐ", period="2025") for _ in range(3)]
    report = next_document_number(issuer=council, doc_type="BC", period="2025")
    next_year = next_document_number(issuer=council, doc_type="QĐ", period="2026")
    other_issuer = next_document_number(issuer=commission, doc_type="QĐ", period="2025")
    fourth = next_document_number(issuer=council, doc_type="QĐ", period="2025")

    assert first == [1, 2, 3]
    assert (report, next_year, other_issuer, fourth) == (1, 1, 1, 4)
    assert (
        DocumentSequence.objects.get(issuer=council, doc_type="QĐ", period="2025").last_number == 4
    )


@pytest.mark.django_db
def test_numbers_continue_from_the_stored_sequence():
    council = OrganisationFactory()
    DocumentSequence.objects.create(
        issuer=council, doc_type="QĐ", period="2025-2030", last_number=41
    )

    assert next_document_number(issuer=council, doc_type="QĐ", period="2025-2030") == 42


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_never_get_the_same_number():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite in memory is one connection; the row locks are tested on PostgreSQL")
    council = OrganisationFactory()
    numbers: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def take_numbers():
        try:
            start.wait()
            for _ in range(5):
                numbers.append(next_document_number(issuer=council, doc_type="QĐ", period="2025"))
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_numbers) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == list(range(1, 31))


def test_pdf_heading_is_never_left_alone_at_the_foot_of_a_page():
    # Push the heading down one paragraph at a time so that in some run it falls on the last
    # lines of page one; it must still share its page with the start of what follows it.
    base = decision(rows=1)
    for filler in range(8, 30):
        blocks = [
            Paragraph(f"Đoạn {i + 1}: nội dung hướng dẫn thực hiện công tác dân vận ở cơ sở.")
            for i in range(filler)
        ]
        blocks += [Heading("Điều 2. Tổ chức thực hiện"), Paragraph("Giao Văn phòng theo dõi.")]
        doc = replace(base, blocks=blocks)

        pages = [" ".join(page.split()) for page in pdf_pages(render_pdf(doc))]

        [holder] = [page for page in pages if "Điều 2. Tổ chức thực hiện" in page]
        assert "Giao Văn phòng theo dõi." in holder, filler


def test_docx_heading_keeps_with_the_next_paragraph():
    word = Document(io.BytesIO(render_docx(decision())))

    [heading] = [p for p in word.paragraphs if p.text.startswith("Điều 1.")]
    assert heading.paragraph_format.keep_with_next is True
