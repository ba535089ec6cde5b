"""Spreadsheets the pipeline writes: the rejected rows with their errors, and blank templates."""

import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from django.utils.translation import gettext as _

from danvan.core.exports import write_cell
from danvan.core.imports.schema import ImportSchema


class RejectedRowsWriter:
    """Streams rejected rows (row number, original cells, errors) into an XLSX file.

    XlsxWriter's constant_memory mode flushes each row as it is written, so a file with a million
    bad rows costs no memory; strings go through write_string, so a cell starting with "=" stays
    text and never becomes a formula.
    """

    def __init__(self, header: list[str]) -> None:
        fd, name = tempfile.mkstemp(prefix="danvan-rejected-", suffix=".xlsx")
        os.close(fd)
        self.path = Path(name)
        self.workbook = xlsxwriter.Workbook(str(self.path), {"constant_memory": True})
        self.sheet = self.workbook.add_worksheet(_("Rejected rows")[:31])
        bold = self.workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.date_format = self.workbook.add_format({"num_format": "dd/mm/yyyy"})
        self.error_format = self.workbook.add_format({"font_color": "#9c0006", "text_wrap": True})
        self.width = len(header)
        titles = [_("Row"), *header, _("Errors")]
        for col, title in enumerate(titles):
            self.sheet.write_string(0, col, str(title), bold)
        self.sheet.set_column(1, self.width, 18)
        self.sheet.set_column(self.width + 1, self.width + 1, 60)
        self.sheet.freeze_panes(1, 0)
        self.next_row = 1
        self.count = 0

    def add(self, number: int, cells: list[Any], messages: list[str]) -> None:
        row = self.next_row
        self.sheet.write_number(row, 0, number)
        for col in range(self.width):
            value = cells[col] if col < len(cells) else None
            write_cell(self.sheet, row, col + 1, value, self.date_format)
        self.sheet.write_string(row, self.width + 1, "\n".join(messages), self.error_format)
        self.next_row += 1
        self.count += 1

    def close(self) -> Path:
        self.workbook.close()
        return self.path


def write_template(schema: type[ImportSchema], path: str | Path | BinaryIO) -> None:
    """A blank workbook with the schema's headers (required ones marked) and, on a second sheet,
    what each column takes with an example (kept off the data sheet so it is never imported)."""
    workbook = xlsxwriter.Workbook(str(path) if isinstance(path, (str, Path)) else path)
    sheet = workbook.add_worksheet(str(schema.label)[:31])
    required = workbook.add_format(
        {"bold": True, "bg_color": "#fde9d9", "border": 1, "text_wrap": True}
    )
    optional = workbook.add_format(
        {"bold": True, "bg_color": "#eef3f8", "border": 1, "text_wrap": True}
    )
    bold = workbook.add_format({"bold": True})
    for col, column in enumerate(schema.columns):
        label = str(column.label) + (" (*)" if column.required else "")
        sheet.write_string(0, col, label, required if column.required else optional)
        sheet.set_column(col, col, max(14, min(40, len(label) + 4)))
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet(_("Instructions")[:31])
    notes.set_column(0, 0, 28)
    notes.set_column(1, 1, 12)
    notes.set_column(2, 2, 60)
    lines = [
        _("Fill in one row per record below the header row of the first sheet."),
        _("Columns marked (*) are required. Headers may be written with or without accents."),
        _("Numbers: 1.234.567; dates: dd/mm/yyyy."),
        str(schema.help_text),
    ]
    row = 0
    for line in (x for x in lines if x):
        notes.write_string(row, 0, line)
        row += 1
    row += 1
    for col, title in enumerate([_("Column"), _("Required"), _("Example")]):
        notes.write_string(row, col, title, bold)
    for column in schema.columns:
        row += 1
        notes.write_string(row, 0, str(column.label))
        notes.write_string(row, 1, _("Yes") if column.required else "")
        example = column.example
        if isinstance(example, (date, datetime)):
            example = example.strftime("%d/%m/%Y")
        notes.write_string(row, 2, str(example or ""))
    workbook.close()
