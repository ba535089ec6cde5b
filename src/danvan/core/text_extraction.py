"""The words of attached PDF and Word files, for full-text search in any app.

An upload of a PDF or DOCX enqueues `attachment_extract_text` on commit (see
`core.attachments`); the task reads the file, stores its text on the attachment, stamps
`text_extracted_at` and tells the owner (`on_files_changed`), which may index the text. A file
that cannot be read gets an empty text and the stamp: the upload itself never fails because of
it, and running the task twice does the work once.
"""

import io
import logging
import unicodedata

from django.db import transaction
from django.utils import timezone

from danvan.core.models import Attachment, AttachmentKind

logger = logging.getLogger(__name__)

# A 300-page report holds about a million characters; beyond that the rest adds little to a
# search and only weighs on the row and the index.
MAX_TEXT_CHARS = 1_000_000
MAX_PDF_PAGES = 500


def _tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\x00", " "))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)[:MAX_TEXT_CHARS]


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF, page by page (scanned pages without one give nothing)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        parts: list[str] = []
        size = 0
        for index in range(min(len(document), MAX_PDF_PAGES)):
            page = document[index]
            try:
                text_page = page.get_textpage()
                try:
                    text = text_page.get_text_range()
                finally:
                    text_page.close()
            finally:
                page.close()
            parts.append(text)
            size += len(text)
            if size >= MAX_TEXT_CHARS:
                break
        return _tidy("\n".join(parts))
    finally:
        document.close()


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            cells.append(" ".join(p.text for p in cell.paragraphs))
            for inner in cell.tables:
                lines.extend(_table_lines(inner))
        lines.append(" | ".join(cells))
    return lines


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells of a Word document, in the order of the document."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    lines: list[str] = []
    size = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
        size += len(lines[-1]) if lines else 0
        if size >= MAX_TEXT_CHARS:
            break
    return _tidy("\n".join(lines))


EXTRACTORS = {AttachmentKind.PDF: pdf_text, AttachmentKind.DOCX: docx_text}


def extract_text(kind: str, data: bytes) -> str:
    """The text of a file of `kind`; empty when the kind has none or the file cannot be read."""
    extractor = EXTRACTORS.get(kind)
    if extractor is None:
        return ""
    try:
        return extractor(data)
    except Exception:
        # A damaged or unusual file is not an error of the upload: it simply has no words.
        logger.warning("Could not read the text of a %s file", kind, exc_info=True)
        return ""


def attachment_extract_text(attachment_id: int, *, force: bool = False) -> bool:
    """Read and store an attachment's text; False when there was nothing to do."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.kind not in EXTRACTORS:
        return False
    if attachment.text_extracted_at is not None and not force:
        return False
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        logger.warning("Attachment %s has no readable file", attachment_id, exc_info=True)
        data = b""
    text = extract_text(attachment.kind, data) if data else ""
    with transaction.atomic():
        rows = Attachment.objects.filter(pk=attachment_id)
        if not force:
            rows = rows.filter(text_extracted_at__isnull=True)
        if not rows.update(text=text, text_extracted_at=timezone.now()):
            return False
        from danvan.core import attachments

        attachments.notify_files_changed(attachment.owner_type, attachment.owner_id)
    return True
