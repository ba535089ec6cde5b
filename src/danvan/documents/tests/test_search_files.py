"""Words that appear only inside an attached PDF or Word file find the document."""

import io
from datetime import date

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.accounts.tests.factories import user_with_role
from danvan.core import attachments, text_extraction
from danvan.core.documents import OfficialDocument, Paragraph, Signer, render_pdf
from danvan.core.models import Attachment
from danvan.documents import selectors
from danvan.documents.tests.factories import GuidanceDocumentFactory

pytestmark = pytest.mark.django_db


def pdf_with(words: str) -> bytes:
    return render_pdf(
        OfficialDocument(
            style="party", parent_body="TỈNH ỦY QUẢNG NINH", issuer="BAN DÂN VẬN",
            number_label="Số 12-HD/BDVTU", place="Hạ Long", issued_on=date(2024, 3, 1),
            doc_type="HƯỚNG DẪN", summary="Thực hiện Nghị quyết", blocks=[Paragraph(words)],
            signer=Signer("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Văn A"),
        )
    )  # fmt: skip


def docx_with(paragraph: str, cell: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Chỉ tiêu"
    table.rows[0].cells[1].text = cell
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def officer(place):
    return user_with_role("officer", place[1])


def found(user, query) -> list[int]:
    return list(
        selectors.document_list_for_user(user, selectors.DocumentFilters(q=query)).values_list(
            "pk", flat=True
        )
    )


def test_a_word_only_inside_an_attached_pdf_finds_the_document(
    officer, django_capture_on_commit_callbacks
):
    document = GuidanceDocumentFactory(issuer=officer.organisation)
    GuidanceDocumentFactory(issuer=officer.organisation)  # another one, without the file
    upload = SimpleUploadedFile(
        "huong-dan.pdf", pdf_with("Mô hình khu dân cư Xanh Sạch Đẹp Thuỷ Tùng")
    )

    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_add(owner=document, uploaded_file=upload, actor=officer)

    stored = Attachment.objects.get()
    assert stored.text_extracted_at is not None
    assert "Thuỷ Tùng" in stored.text or "Thủy Tùng" in stored.text
    assert found(officer, "thuy tung") == [document.pk]


def test_words_of_docx_paragraphs_and_tables_are_searchable(
    officer, django_capture_on_commit_callbacks
):
    document = GuidanceDocumentFactory(issuer=officer.organisation)
    upload = SimpleUploadedFile(
        "ke-hoach.docx", docx_with("Vận động hiến đất làm đường", "Quảng Phong hoàn thành")
    )

    with django_capture_on_commit_callbacks(execute=True):
        attachment = attachments.attachment_add(owner=document, uploaded_file=upload, actor=officer)

    assert found(officer, "hien dat") == [document.pk]
    assert found(officer, "quang phong") == [document.pk]

    # Removing the file removes its words from the search.
    attachments.attachment_delete(attachment=attachment, actor=officer)
    assert found(officer, "quang phong") == []


def test_extraction_runs_once_and_a_broken_file_does_not_fail(
    officer, django_capture_on_commit_callbacks
):
    document = GuidanceDocumentFactory(issuer=officer.organisation)
    broken = SimpleUploadedFile("hong.pdf", b"%PDF-1.4\nthis is not really a pdf")

    with django_capture_on_commit_callbacks(execute=True):
        attachment = attachments.attachment_add(owner=document, uploaded_file=broken, actor=officer)

    attachment.refresh_from_db()
    assert attachment.text == ""
    assert attachment.text_extracted_at is not None
    assert text_extraction.attachment_extract_text(attachment.pk) is False


def test_text_is_capped(monkeypatch):
    monkeypatch.setattr(text_extraction, "MAX_TEXT_CHARS", 50)

    text = text_extraction.extract_text("docx", docx_with("chữ " * 100, "ô"))

    assert len(text) <= 50
