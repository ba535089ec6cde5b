"""Reading uploaded spreadsheets row by row.

Every reader yields `(row_number, cells)` where `row_number` is the number the user sees in
Excel (1-based) and `cells` a list of Python values (str, int, float, bool, date, datetime, None).

python-calamine is the fast path, but its 0.9 API has no row-streaming reader: opening a sheet
loads every cell into a Rust structure (about 1.1 GB for a 1,000,000-row, 12-column sheet), and
only the conversion to Python rows is lazy (`iter_rows`). So calamine reads sheets whose XML is
small enough; larger sheets go through `_stream_xlsx`, an expat-based reader that keeps one row
at a time (slower, constant memory). CSV is read lazily with the csv module.
"""

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

XLSX = "xlsx"
CSV = "csv"
FORMATS = {".xlsx": XLSX, ".csv": CSV}

# Sheets whose XML is larger than this are streamed instead of loaded by calamine.
DEFAULT_STREAM_ABOVE_BYTES = 96 * 1024 * 1024

Row = tuple[int, list[Any]]


class FileRejected(Exception):
    """The upload is not a spreadsheet we can read; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sniff(head: bytes, filename: str) -> str:
    """The format of an upload from its name and first bytes; raises FileRejected."""
    suffix = Path(filename or "").suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise FileRejected(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    if fmt == XLSX:
        if not head.startswith(b"PK\x03\x04"):
            raise FileRejected(_("This file is not a valid Excel workbook (.xlsx)."))
        return fmt
    if b"\x00" in head or head.startswith(b"PK\x03\x04"):
        raise FileRejected(_("This CSV file is not text. Save it as “CSV UTF-8”."))
    try:
        # A sample can end in the middle of a character: decode incrementally, not final.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise FileRejected(_("This CSV file is not UTF-8 text. Save it as “CSV UTF-8”.")) from exc
    return fmt


def check_xlsx_structure(path: str | Path) -> None:
    """An XLSX is a zip holding xl/workbook.xml; anything else is refused before any parsing."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRejected(_("This file is not a valid Excel workbook (.xlsx).")) from exc
    if "xl/workbook.xml" not in names:
        raise FileRejected(_("This file is not a valid Excel workbook (.xlsx)."))


@dataclass
class SheetReader:
    rows: Iterator[Row]
    total_rows: int | None


def open_rows(path: str | Path, fmt: str) -> SheetReader:
    """Rows of the first sheet (XLSX) or of the file (CSV), read lazily."""
    if fmt == CSV:
        return SheetReader(_csv_rows(path), None)
    check_xlsx_structure(path)
    limit = getattr(settings, "DANVAN_IMPORT_STREAM_ABOVE_BYTES", DEFAULT_STREAM_ABOVE_BYTES)
    workbook = _Workbook(path)
    if workbook.sheet_xml_size > limit:
        return SheetReader(workbook.stream_rows(), workbook.dimension_rows())
    return _calamine_rows(path)


def _calamine_rows(path: str | Path) -> SheetReader:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except CalamineError as exc:
        raise FileRejected(
            _("The workbook could not be read: it may be damaged or password-protected.")
        ) from exc
    start = sheet.start
    first_row = (start[0] + 1) if start else 1

    def rows() -> Iterator[Row]:
        # iter_rows converts one row at a time, unlike to_python which builds every row at once.
        for offset, cells in enumerate(sheet.iter_rows()):
            yield first_row + offset, cells
        workbook.close()

    return SheetReader(rows(), sheet.height)


def _csv_rows(path: str | Path) -> Iterator[Row]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(64 * 1024)
        handle.seek(0)
        # Vietnamese Excel writes ";" (the comma is the decimal mark there); others write ",".
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            yield from enumerate(csv.reader(handle, dialect), start=1)
        except UnicodeDecodeError as exc:
            raise FileRejected(
                _("This CSV file is not UTF-8 text. Save it as “CSV UTF-8”.")
            ) from exc
        except csv.Error as exc:
            raise FileRejected(
                _("This CSV file is damaged: %(problem)s") % {"problem": exc}
            ) from exc


# --- Streaming XLSX ------------------------------------------------------------------------

_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_REL_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
# Built-in number formats that show dates or times.
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)}
_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse_dtd(*_args) -> None:
        # Spreadsheets never need a DTD; refusing it rules out entity-expansion tricks.
        raise FileRejected(_("This file is not a valid Excel workbook (.xlsx)."))

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    return parser


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _is_date_format(code: str) -> bool:
    stripped = _QUOTED_OR_BRACKETED.sub("", code).lower()
    return any(ch in stripped for ch in "dmyhs") and "general" not in stripped


class _Workbook:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        with zipfile.ZipFile(self.path) as archive:
            names = set(archive.namelist())
            self.sheet_name = self._first_sheet(archive, names)
            if self.sheet_name not in names:
                raise FileRejected(_("The workbook has no worksheet."))
            self.sheet_xml_size = archive.getinfo(self.sheet_name).file_size
            self.date1904 = False
            self._workbook_props(archive)

    def _first_sheet(self, archive: zipfile.ZipFile, names: set[str]) -> str:
        rel_id = None

        def start(name, attrs):
            nonlocal rel_id
            if rel_id is None and _local(name) == "sheet":
                for ns in _REL_NAMESPACES:
                    rel_id = rel_id or attrs.get(f"{ns} id")

        parser = _parser()
        parser.StartElementHandler = start
        parser.Parse(archive.read("xl/workbook.xml"), True)
        target = None
        if rel_id and "xl/_rels/workbook.xml.rels" in names:

            def rel_start(name, attrs):
                nonlocal target
                if _local(name) == "Relationship" and attrs.get("Id") == rel_id:
                    target = attrs.get("Target")

            parser = _parser()
            parser.StartElementHandler = rel_start
            parser.Parse(archive.read("xl/_rels/workbook.xml.rels"), True)
        if not target:
            return "xl/worksheets/sheet1.xml"
        target = target.lstrip("/")
        return target if target.startswith("xl/") else f"xl/{target}"

    def _workbook_props(self, archive: zipfile.ZipFile) -> None:
        def start(name, attrs):
            if _local(name) == "workbookPr" and attrs.get("date1904") in {"1", "true"}:
                self.date1904 = True

        parser = _parser()
        parser.StartElementHandler = start
        parser.Parse(archive.read("xl/workbook.xml"), True)

    def dimension_rows(self) -> int | None:
        """Row count from the sheet's <dimension ref="A1:L1000001">, when the writer gave one."""
        with zipfile.ZipFile(self.path) as archive, archive.open(self.sheet_name) as handle:
            head = handle.read(4096).decode("utf-8", "ignore")
        match = re.search(r'<(?:\w+:)?dimension ref="[A-Z]+(\d+)(?::[A-Z]+(\d+))?"', head)
        if not match:
            return None
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        return last - first + 1

    def _shared_strings(self, archive: zipfile.ZipFile, names: set[str]) -> list[str]:
        if "xl/sharedStrings.xml" not in names:
            return []
        strings: list[str] = []
        parts: list[str] = []
        state = {"in_t": False, "phonetic": 0}

        def start(name, _attrs):
            local = _local(name)
            if local == "si":
                parts.clear()
            elif local == "t" and not state["phonetic"]:
                state["in_t"] = True
            elif local == "rPh":
                state["phonetic"] += 1

        def end(name):
            local = _local(name)
            if local == "t":
                state["in_t"] = False
            elif local == "rPh":
                state["phonetic"] -= 1
            elif local == "si":
                strings.append("".join(parts))

        def text(data):
            if state["in_t"]:
                parts.append(data)

        parser = _parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        with archive.open("xl/sharedStrings.xml") as handle:
            parser.ParseFile(handle)
        return strings

    def _date_styles(self, archive: zipfile.ZipFile, names: set[str]) -> set[int]:
        if "xl/styles.xml" not in names:
            return set()
        custom: dict[int, str] = {}
        xf_formats: list[int] = []
        state = {"in_xfs": False}

        def start(name, attrs):
            local = _local(name)
            if local == "numFmt":
                custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                state["in_xfs"] = True
            elif local == "xf" and state["in_xfs"]:
                xf_formats.append(int(attrs.get("numFmtId", "0")))

        def end(name):
            if _local(name) == "cellXfs":
                state["in_xfs"] = False

        parser = _parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.Parse(archive.read("xl/styles.xml"), True)
        result = set()
        for index, fmt_id in enumerate(xf_formats):
            if fmt_id in _DATE_FORMAT_IDS or (fmt_id in custom and _is_date_format(custom[fmt_id])):
                result.add(index)
        return result

    def stream_rows(self) -> Iterator[Row]:
        with zipfile.ZipFile(self.path) as archive:
            names = set(archive.namelist())
            shared = self._shared_strings(archive, names)
            date_styles = self._date_styles(archive, names)
            epoch = datetime(1904, 1, 1) if self.date1904 else datetime(1899, 12, 30)  # noqa: DTZ001
            handler = _SheetHandler(shared, date_styles, epoch)
            parser = _parser()
            parser.StartElementHandler = handler.start
            parser.EndElementHandler = handler.end
            parser.CharacterDataHandler = handler.text
            with archive.open(self.sheet_name) as handle:
                while True:
                    chunk = handle.read(1024 * 1024)
                    parser.Parse(chunk, not chunk)
                    if handler.ready:
                        yield from handler.ready
                        handler.ready = []
                    if not chunk:
                        break


class _SheetHandler:
    """expat callbacks that turn <row><c><v>…</v></c></row> into Python rows."""

    def __init__(self, shared: list[str], date_styles: set[int], epoch: datetime) -> None:
        self.shared = shared
        self.date_styles = date_styles
        self.epoch = epoch
        self.ready: list[Row] = []
        self.row_number = 0
        self.cells: list[Any] = []
        self.col = 0
        self.kind = "n"
        self.style = 0
        self.parts: list[str] = []
        self.capture = False
        self.phonetic = 0
        names = {}
        for ns in _NAMESPACES:
            for local in ("row", "c", "v", "t", "is", "rPh", "f"):
                names[f"{ns} {local}"] = local
        self.names = names

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = self.names.get(name)
        if local == "c":
            ref = attrs.get("r")
            if ref:
                match = _CELL_REF.match(ref)
                self.col = _column_index(match.group(1)) if match else len(self.cells)
            else:
                self.col = len(self.cells)
            self.kind = attrs.get("t", "n")
            self.style = int(attrs.get("s", "0"))
            self.parts = []
        elif local == "v" or (local == "t" and not self.phonetic):
            self.capture = True
        elif local == "rPh":
            self.phonetic += 1
        elif local == "row":
            number = attrs.get("r")
            self.row_number = int(number) if number else self.row_number + 1
            self.cells = []

    def end(self, name: str) -> None:
        local = self.names.get(name)
        if local == "c":
            value = self._value("".join(self.parts))
            if value is not None:
                cells = self.cells
                if self.col >= len(cells):
                    cells.extend([None] * (self.col - len(cells) + 1))
                cells[self.col] = value
        elif local in {"v", "t"}:
            self.capture = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "row":
            self.ready.append((self.row_number, self.cells))

    def text(self, data: str) -> None:
        if self.capture:
            self.parts.append(data)

    def _value(self, raw: str) -> Any:
        kind = self.kind
        if kind == "s":
            return self.shared[int(raw)] if raw else None
        if kind in {"inlineStr", "str"}:
            return raw
        if kind == "b":
            return raw == "1"
        if kind == "e" or raw == "":
            return None
        if kind == "d":
            try:
                return datetime.fromisoformat(raw)
            except ValueError:
                return raw
        try:
            number: Any = int(raw)
        except ValueError:
            try:
                number = float(raw)
            except ValueError:
                return raw
        if self.style in self.date_styles:
            moment = self.epoch + timedelta(days=float(number))
            if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
                return moment.date()
            return moment
        return number


def first_rows_text(path: str | Path, fmt: str, limit: int = 5) -> list[list[str]]:
    """A few rows as text, for messages about a file whose header was not found."""
    reader = open_rows(path, fmt)
    result = []
    for _number, cells in reader.rows:
        result.append(["" if c is None else str(c) for c in cells])
        if len(result) >= limit:
            break
    return result


def excel_value_text(value: Any) -> str:
    """A cell value written back for the user (rejected-rows file, error messages)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M")
            if (value.hour or value.minute)
            else value.strftime("%d/%m/%Y")
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


__all__ = [
    "CSV",
    "XLSX",
    "FileRejected",
    "SheetReader",
    "check_xlsx_structure",
    "open_rows",
    "sniff",
]
