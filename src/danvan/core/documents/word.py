"""Writing an OfficialDocument as a Word (.docx) file with python-docx."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from . import layout as L
from .content import (
    NATIONAL_MOTTO,
    RECIPIENTS_LABEL,
    Align,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    nfc,
)

FONT = "Times New Roman"
# Word rejects properties out of schema order; these are the elements that may follow the
# ones added here.
AFTER_TBL_IND = ("w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
AFTER_TBL_BORDERS = AFTER_TBL_IND[1:]
AFTER_P_BDR = (
    *("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct"),
    *("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd"),
    *("w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents"),
    *("w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:outlineLvl"),
    *("w:rPr", "w:sectPr", "w:pPrChange"),
)
ALIGNMENT = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as .docx bytes: A4, Times New Roman, Decree 30 header and signature block."""
    word = Document()
    _set_default_font(word)
    _set_up_page(word)
    _write_header(word, doc)
    _write_title(word, doc)
    for block in doc.blocks:
        if isinstance(block, Table):
            _write_table(word, block)
        elif isinstance(block, Heading):
            heading = _paragraph(
                word, block.text, size=L.SIZE_BODY, bold=True, align="justify", indent=True
            )
            # A heading never ends a page alone: Word moves it over with what it introduces.
            heading.paragraph_format.keep_with_next = True
        else:
            _write_paragraph(word, block)
    _write_foot(word, doc)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# -- fonts and paragraphs -------------------------------------------------------------------


def _set_fonts(rpr) -> None:
    # Word picks the font per script; without eastAsia/cs it falls back for some letters.
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _set_default_font(word) -> None:
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(L.SIZE_BODY)
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    word.core_properties.language = "vi-VN"


def _set_up_page(word) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(L.PAGE_WIDTH_MM)
    section.page_height = Mm(L.PAGE_HEIGHT_MM)
    section.top_margin = Mm(L.MARGIN_TOP_MM)
    section.bottom_margin = Mm(L.MARGIN_BOTTOM_MM)
    section.left_margin = Mm(L.MARGIN_LEFT_MM)
    section.right_margin = Mm(L.MARGIN_RIGHT_MM)
    section.header_distance = Mm(L.HEADER_DISTANCE_MM)
    # The first page carries no number; every later page shows it centred at the top.
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    number = header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)
    section.first_page_header.is_linked_to_previous = False


def _page_field(paragraph: DocxParagraph) -> None:
    def run_with(element):
        run = paragraph.add_run()
        _style_run(run, size=L.SIZE_PAGE_NUMBER)
        run._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(begin)
    run_with(instruction)
    run_with(separate)
    shown = paragraph.add_run("2")
    _style_run(shown, size=L.SIZE_PAGE_NUMBER)
    run_with(end)


def _style_run(run, *, size: float, bold=False, italic=False, underline=False) -> None:
    # Only what differs from the Normal style is written (None inherits it): a report of a
    # province has thousands of table cells, and each property costs an XML insertion.
    run.font.size = Pt(size)
    run.font.bold = True if bold else None
    run.font.italic = True if italic else None
    run.font.underline = True if underline else None
    _set_fonts(run._r.get_or_add_rPr())


def _paragraph(
    container,
    text: str,
    *,
    size: float,
    bold=False,
    italic=False,
    underline=False,
    align: Align = "center",
    indent=False,
    space_after: float = 0,
    space_before: float = 0,
) -> DocxParagraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = ALIGNMENT[align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(space_before)
    fmt.line_spacing = L.LINE_SPACING
    if indent:
        fmt.first_line_indent = Mm(L.FIRST_LINE_INDENT_MM)
    lines = nfc(text).split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        _style_run(run, size=size, bold=bold, italic=italic, underline=underline)
        if i < len(lines) - 1:
            run.add_break()
    return paragraph


def _rule(container, *, length_mm: float, available_mm: float, space_after: float = 0) -> None:
    """A short centred horizontal line: an empty paragraph with a bottom border, narrowed by
    indents, so that it stays a line of text and moves with the paragraphs around it."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    side = max((available_mm - length_mm) / 2, 0)
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = Pt(3)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *AFTER_P_BDR)


def _clear_cell(cell: _Cell) -> _Cell:
    # A new cell holds one empty paragraph; drop it so content starts at the top.
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    return cell


def _fix_widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(borders, *AFTER_TBL_BORDERS)


def _two_columns(
    word, left_mm: float, right_mm: float, outdent_mm: float = 0
) -> tuple[_Cell, _Cell]:
    table = word.add_table(rows=1, cols=2)
    _no_borders(table)
    if outdent_mm:
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(-round(outdent_mm * 1440 / 25.4)))
        indent.set(qn("w:type"), "dxa")
        table._tbl.tblPr.insert_element_before(indent, *AFTER_TBL_IND)
    _fix_widths(table, [left_mm, right_mm])
    left, right = table.rows[0].cells
    return _clear_cell(left), _clear_cell(right)


# -- parts of the document ------------------------------------------------------------------


def _write_header(word, doc: OfficialDocument) -> None:
    left, right = _two_columns(
        word, L.HEADER_LEFT_MM, L.HEADER_RIGHT_MM, outdent_mm=L.HEADER_OUTDENT_MM
    )
    if doc.parent_body:
        _paragraph(left, doc.parent_body.upper(), size=L.SIZE_HEADER)
    _paragraph(left, doc.issuer.upper(), size=L.SIZE_HEADER, bold=True)
    if doc.style == "party":
        # Party documents put a star, not a line, under the issuer's name.
        _paragraph(left, "*", size=L.SIZE_HEADER)
    else:
        _rule(left, length_mm=L.HEADER_LEFT_MM / 3, available_mm=L.HEADER_LEFT_MM)
    _paragraph(left, doc.number_label, size=L.SIZE_HEADER, space_before=6)

    if doc.style == "state":
        _paragraph(right, doc.header_title, size=L.SIZE_HEADER, bold=True)
        _paragraph(right, NATIONAL_MOTTO, size=L.SIZE_MOTTO, bold=True, underline=True)
    else:
        _paragraph(right, doc.header_title, size=L.SIZE_PARTY_NAME, bold=True, underline=True)
    _paragraph(right, doc.date_line, size=L.SIZE_DATE, italic=True, space_before=12)


def _write_title(word, doc: OfficialDocument) -> None:
    _paragraph(word, doc.doc_type.upper(), size=L.SIZE_TITLE, bold=True, space_before=18)
    _paragraph(word, doc.summary, size=L.SIZE_TITLE, bold=True)
    _rule(word, length_mm=L.TEXT_WIDTH_MM / 5, available_mm=L.TEXT_WIDTH_MM, space_after=12)


def _write_paragraph(word, block: Paragraph) -> None:
    _paragraph(
        word,
        block.text,
        size=L.SIZE_BODY,
        bold=block.bold,
        italic=block.italic,
        align=block.align,
        indent=block.indent_first,
        space_after=L.BODY_SPACE_AFTER_PT,
    )


def _write_table(word, block: Table) -> None:
    widths = [f * L.TEXT_WIDTH_MM for f in block.column_widths()]
    aligns = block.column_aligns()
    rows = block.padded_rows()
    table = word.add_table(rows=1 + len(rows), cols=len(block.columns))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fix_widths(table, widths)
    heading_row = table.rows[0]
    # Word repeats rows marked as table headers at the top of every page the table spans.
    heading_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, title in zip(heading_row.cells, block.columns, strict=True):
        _paragraph(_clear_cell(cell), title, size=L.SIZE_TABLE, bold=True, align="center")
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, value, align in zip(row.cells, values, aligns, strict=True):
            _paragraph(_clear_cell(cell), value, size=L.SIZE_TABLE, align=align)
    # Keep the next paragraph off the table's bottom border.
    _paragraph(word, "", size=6, space_after=6)


def _write_foot(word, doc: OfficialDocument) -> None:
    left, right = _two_columns(word, L.FOOT_LEFT_MM, L.FOOT_RIGHT_MM)
    if doc.recipients:
        if doc.style == "party":
            label = _paragraph(
                left,
                RECIPIENTS_LABEL.rstrip(":"),
                size=L.SIZE_PARTY_RECIPIENTS_LABEL,
                underline=True,
                align="left",
            )
            _style_run(label.add_run(":"), size=L.SIZE_PARTY_RECIPIENTS_LABEL)
            size = L.SIZE_PARTY_RECIPIENTS
        else:
            _paragraph(
                left,
                RECIPIENTS_LABEL,
                size=L.SIZE_RECIPIENTS_LABEL,
                bold=True,
                italic=True,
                align="left",
            )
            size = L.SIZE_RECIPIENTS
        for recipient in doc.recipients:
            _paragraph(left, f"- {recipient}", size=size, align="left")
    else:
        _paragraph(left, "", size=L.SIZE_RECIPIENTS, align="left")

    signer = doc.signer
    if signer.authority:
        _paragraph(right, signer.authority.upper(), size=L.SIZE_SIGNER, bold=True)
    if signer.position:
        _paragraph(right, signer.position.upper(), size=L.SIZE_SIGNER, bold=True)
    space = _paragraph(right, "", size=L.SIZE_SIGNER)
    space.paragraph_format.space_after = Mm(L.SIGNATURE_SPACE_MM)
    _paragraph(right, signer.name, size=L.SIZE_SIGNER, bold=True)
