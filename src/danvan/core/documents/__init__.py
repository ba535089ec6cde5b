"""Official Vietnamese administrative documents (Decree 30/2020 state style, Party style) as
DOCX and PDF, plus their number sequences. Build an `OfficialDocument`, then call
`render_docx` or `render_pdf`."""

from .content import (
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    Signer,
    Table,
    date_line,
    number_label,
)
from .fonts import FontFiles, find_fonts, pdf_fonts
from .issuers import issuer_symbol, parent_body, style_of
from .pdf import render_pdf
from .sequences import next_document_number
from .word import render_docx

__all__ = [
    "Block",
    "FontFiles",
    "Heading",
    "OfficialDocument",
    "Paragraph",
    "Signer",
    "Table",
    "date_line",
    "find_fonts",
    "issuer_symbol",
    "next_document_number",
    "number_label",
    "parent_body",
    "pdf_fonts",
    "render_docx",
    "render_pdf",
    "style_of",
]
