"""Writing an OfficialDocument as a PDF with fpdf2 and a Unicode serif TrueType font."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import Align as PdfAlign
from fpdf.fonts import FontFace

from . import layout as L
from .content import (
    NATIONAL_MOTTO,
    RECIPIENTS_LABEL,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    nfc,
)
from .fonts import pdf_fonts

FAMILY = "serif"
PT_TO_MM = 25.4 / 72
ALIGNMENT = {"left": "L", "center": "C", "right": "R", "justify": "J"}


# Room a heading needs below it to stay on the current page.
HEADING_KEEP_MM = 30


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF bytes, laid out like the Word version."""
    pdf = _OfficialPdf()
    pdf.write_document(doc)
    return bytes(pdf.output())


def _line_height(size_pt: float) -> float:
    return size_pt * PT_TO_MM * L.LINE_SPACING * 1.15


class _OfficialPdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        fonts = pdf_fonts()
        self.add_font(FAMILY, "", str(fonts.regular))
        self.add_font(FAMILY, "B", str(fonts.bold))
        self.add_font(FAMILY, "I", str(fonts.italic))
        self.add_font(FAMILY, "BI", str(fonts.bold_italic))
        self.set_margins(L.MARGIN_LEFT_MM, L.MARGIN_TOP_MM, L.MARGIN_RIGHT_MM)
        self.set_auto_page_break(auto=True, margin=L.MARGIN_BOTTOM_MM)
        self.c_margin = 0

    def header(self) -> None:
        # Decree 30: the page number is centred at the top, from the second page on.
        if self.page_no() < 2:
            return
        self.set_font(FAMILY, "", L.SIZE_PAGE_NUMBER)
        self.set_xy(L.MARGIN_LEFT_MM, L.HEADER_DISTANCE_MM)
        self.cell(L.TEXT_WIDTH_MM, _line_height(L.SIZE_PAGE_NUMBER), str(self.page_no()), align="C")
        self.set_xy(L.MARGIN_LEFT_MM, L.MARGIN_TOP_MM)

    # -- helpers ---------------------------------------------------------------------------

    def _lines(
        self,
        text: str,
        *,
        x: float,
        width: float,
        size: float,
        style: str = "",
        align: str = "C",
        underline_fraction: float = 0,
        rule_gap: float = 0,
    ) -> None:
        """Centred (by default) text in a column starting at the current y.

        `underline_fraction` draws a line under the last line of text, as long as that
        fraction of the text (1 = the motto's full underline, 1/3 = the issuer's short rule),
        `rule_gap` mm below the text's baseline area.
        """
        self.set_font(FAMILY, style, size)
        height = _line_height(size)
        self.set_x(x)
        self.multi_cell(width, height, nfc(text), align=align, new_x="LMARGIN", new_y="NEXT")
        if underline_fraction:
            last_line = self.multi_cell(
                width, height, nfc(text), align=align, dry_run=True, output="LINES"
            )[-1]
            length = self.get_string_width(last_line) * underline_fraction
            y = self.get_y() - height * 0.12 + rule_gap
            self.set_line_width(0.25)
            self.line(x + (width - length) / 2, y, x + (width + length) / 2, y)

    def _space(self, mm: float) -> None:
        self.set_y(self.get_y() + mm)

    # -- parts of the document -------------------------------------------------------------

    def write_document(self, doc: OfficialDocument) -> None:
        self.set_title(nfc(f"{doc.doc_type} {doc.summary}"))
        self.set_lang("vi-VN")
        self.add_page()
        self._write_header(doc)
        self._write_title(doc)
        for block in doc.blocks:
            if isinstance(block, Table):
                self._write_table(block)
            elif isinstance(block, Heading):
                # Keep a heading with the start of what it introduces (a few lines or a table's
                # first rows) rather than leaving it alone at the foot of a page.
                if self.will_page_break(HEADING_KEEP_MM):
                    self.add_page()
                self._write_text(block.text, style="B", align="J", indent=True)
            elif isinstance(block, Paragraph):
                style = ("B" if block.bold else "") + ("I" if block.italic else "")
                self._write_text(
                    block.text, style=style, align=ALIGNMENT[block.align], indent=block.indent_first
                )
        self._write_foot(doc)

    def _write_header(self, doc: OfficialDocument) -> None:
        top = self.get_y()
        left_x, left_w = L.MARGIN_LEFT_MM - L.HEADER_OUTDENT_MM, L.HEADER_LEFT_MM
        right_x, right_w = left_x + L.HEADER_LEFT_MM, L.HEADER_RIGHT_MM

        if doc.parent_body:
            self._lines(doc.parent_body.upper(), x=left_x, width=left_w, size=L.SIZE_HEADER)
        if doc.style == "party":
            self._lines(doc.issuer.upper(), x=left_x, width=left_w, size=L.SIZE_HEADER, style="B")
            self._lines("*", x=left_x, width=left_w, size=L.SIZE_HEADER)
        else:
            self._lines(
                doc.issuer.upper(),
                x=left_x,
                width=left_w,
                size=L.SIZE_HEADER,
                style="B",
                underline_fraction=1 / 3,
                rule_gap=1.5,
            )
            self._space(2.5)
        self._space(1)
        self._lines(doc.number_label, x=left_x, width=left_w, size=L.SIZE_HEADER)
        left_bottom = self.get_y()

        self.set_y(top)
        if doc.style == "state":
            self._lines(doc.header_title, x=right_x, width=right_w, size=L.SIZE_HEADER, style="B")
            self._lines(
                NATIONAL_MOTTO,
                x=right_x,
                width=right_w,
                size=L.SIZE_MOTTO,
                style="B",
                underline_fraction=1,
            )
        else:
            self._lines(
                doc.header_title,
                x=right_x,
                width=right_w,
                size=L.SIZE_PARTY_NAME,
                style="B",
                underline_fraction=1,
            )
        self._space(3)
        self._lines(doc.date_line, x=right_x, width=right_w, size=L.SIZE_DATE, style="I")
        self.set_y(max(left_bottom, self.get_y()))

    def _write_title(self, doc: OfficialDocument) -> None:
        self._space(6)
        x, width = L.MARGIN_LEFT_MM, L.TEXT_WIDTH_MM
        self._lines(doc.doc_type.upper(), x=x, width=width, size=L.SIZE_TITLE, style="B")
        self._lines(doc.summary, x=x, width=width, size=L.SIZE_TITLE, style="B")
        # A short rule under the summary, a third of its last line.
        self.set_font(FAMILY, "B", L.SIZE_TITLE)
        length = min(self.get_string_width(nfc(doc.summary)), width) / 3
        y = self.get_y() + 1.5
        self.set_line_width(0.25)
        self.line(x + (width - length) / 2, y, x + (width + length) / 2, y)
        self._space(6)

    def _write_text(self, text: str, *, style: str, align: str, indent: bool) -> None:
        self.set_font(FAMILY, style, L.SIZE_BODY)
        columns = self.text_columns(
            text_align=align, line_height=L.LINE_SPACING * 1.15, skip_leading_spaces=True
        )
        with (
            columns,
            columns.paragraph(
                first_line_indent=L.FIRST_LINE_INDENT_MM if indent else 0,
                bottom_margin=L.BODY_SPACE_AFTER_PT * PT_TO_MM,
            ) as paragraph,
        ):
            paragraph.write(nfc(text))

    def _write_table(self, block: Table) -> None:
        self.set_font(FAMILY, "", L.SIZE_TABLE)
        widths = [f * L.TEXT_WIDTH_MM for f in block.column_widths()]
        aligns = tuple(ALIGNMENT[a] for a in block.column_aligns())
        with self.table(
            width=L.TEXT_WIDTH_MM,
            col_widths=widths,
            text_align=aligns,
            headings_style=FontFace(emphasis="BOLD"),
            line_height=_line_height(L.SIZE_TABLE),
            padding=(1, 1.5),
            repeat_headings=1,
            align=PdfAlign.L,
        ) as table:
            heading = table.row()
            for title in block.columns:
                heading.cell(nfc(title), align="C")
            for values in block.padded_rows():
                row = table.row()
                for value in values:
                    row.cell(nfc(value))
        self._space(3)

    def _foot_heights(self, doc: OfficialDocument) -> float:
        signer = doc.signer
        signer_lines = sum(bool(t) for t in (signer.authority, signer.position, signer.name))
        signer_h = signer_lines * _line_height(L.SIZE_SIGNER) + L.SIGNATURE_SPACE_MM
        self.set_font(FAMILY, "", L.SIZE_RECIPIENTS)
        recipients_h = _line_height(L.SIZE_RECIPIENTS_LABEL) + sum(
            len(self.multi_cell(L.FOOT_LEFT_MM, 5, nfc(f"- {r}"), dry_run=True, output="LINES"))
            * _line_height(L.SIZE_RECIPIENTS)
            for r in doc.recipients
        )
        return max(signer_h, recipients_h)

    def _write_foot(self, doc: OfficialDocument) -> None:
        self._space(3)
        needed = self._foot_heights(doc)
        # Keep the signature with its recipients on one page when they fit on one.
        if (
            self.get_y() + needed > self.page_break_trigger
            and needed < L.PAGE_HEIGHT_MM - L.MARGIN_TOP_MM - L.MARGIN_BOTTOM_MM
        ):
            self.add_page()
        top = self.get_y()
        left_x, left_w = L.MARGIN_LEFT_MM, L.FOOT_LEFT_MM
        right_x, right_w = L.MARGIN_LEFT_MM + L.FOOT_LEFT_MM, L.FOOT_RIGHT_MM

        signer = doc.signer
        for line in (signer.authority, signer.position):
            if line:
                self._lines(line.upper(), x=right_x, width=right_w, size=L.SIZE_SIGNER, style="B")
        self._space(L.SIGNATURE_SPACE_MM)
        if signer.name:
            self._lines(signer.name, x=right_x, width=right_w, size=L.SIZE_SIGNER, style="B")
        right_bottom = self.get_y()

        self.set_y(top)
        if doc.recipients:
            if doc.style == "party":
                self._lines(
                    RECIPIENTS_LABEL,
                    x=left_x,
                    width=left_w,
                    size=L.SIZE_PARTY_RECIPIENTS_LABEL,
                    align="L",
                )
                # Only the words are underlined, not the colon.
                label_w = self.get_string_width(RECIPIENTS_LABEL.rstrip(":"))
                y = self.get_y() - _line_height(L.SIZE_PARTY_RECIPIENTS_LABEL) * 0.12
                self.line(left_x, y, left_x + label_w, y)
                size = L.SIZE_PARTY_RECIPIENTS
            else:
                self._lines(
                    RECIPIENTS_LABEL,
                    x=left_x,
                    width=left_w,
                    size=L.SIZE_RECIPIENTS_LABEL,
                    style="BI",
                    align="L",
                )
                size = L.SIZE_RECIPIENTS
            for recipient in doc.recipients:
                self._lines(f"- {recipient}", x=left_x, width=left_w, size=size, align="L")
        self.set_y(max(self.get_y(), right_bottom))
