"""What an official document says, independent of the file format it is written to."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Style = Literal["state", "party"]
Align = Literal["left", "center", "right", "justify"]

# The fixed wording of the header is prescribed by law (Decree 30/2020 for state bodies, the
# Party's Guidance 36-HD/VPTW for party bodies). It stays Vietnamese whatever the UI language.
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
RECIPIENTS_LABEL = "Nơi nhận:"

STYLES: tuple[Style, ...] = ("state", "party")
ALIGNS: tuple[Align, ...] = ("left", "center", "right", "justify")


def nfc(text: str) -> str:
    """Composed Unicode, so that every Vietnamese letter is one glyph in the font."""
    return unicodedata.normalize("NFC", text)


def number_label(style: Style, number: int, type_symbol: str, issuer_symbol: str) -> str:
    """The document number line: "Số: 12/QĐ-UBND" (state) or "Số 15-QĐ/BTGDVTU" (party)."""
    if style == "state":
        return f"Số: {number}/{type_symbol}-{issuer_symbol}"
    if style == "party":
        return f"Số {number}-{type_symbol}/{issuer_symbol}"
    raise ValueError(f"unknown document style {style!r}")


def date_line(place: str, day: date) -> str:
    """Place and date as written under the motto: "Quảng Ninh, ngày 05 tháng 3 năm 2025".

    Decree 30/2020: days below 10 and the months 1 and 2 take a leading zero (so that nobody can
    turn "tháng 1" into "tháng 12"); other months are written without one.
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    written = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {written}" if place else written


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    align: Align = "justify"
    indent_first: bool = True


@dataclass(frozen=True)
class Heading:
    """A bold line inside the body ("Điều 1.", "I. KẾT QUẢ ĐẠT ĐƯỢC")."""

    text: str


@dataclass(frozen=True)
class Table:
    """A bordered table; the first row (the column titles) repeats on every page it spans.

    `widths` are relative (only their proportions count); `align` gives one alignment per column.
    """

    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None
    align: list[Align] | None = None

    def column_widths(self) -> list[float]:
        """The widths as fractions of the table width, summing to 1."""
        widths = self.widths or [1.0] * len(self.columns)
        if len(widths) != len(self.columns) or any(w <= 0 for w in widths):
            raise ValueError("a table needs one positive width per column")
        total = sum(widths)
        return [w / total for w in widths]

    def column_aligns(self) -> list[Align]:
        aligns = self.align or ["left"] * len(self.columns)
        if len(aligns) != len(self.columns) or any(a not in ALIGNS for a in aligns):
            raise ValueError("a table needs one alignment per column")
        return list(aligns)

    def padded_rows(self) -> list[list[str]]:
        """Rows cut or filled with empty cells to the number of columns."""
        size = len(self.columns)
        return [[*row[:size], *[""] * (size - len(row))] for row in self.rows]


Block = Paragraph | Heading | Table


@dataclass(frozen=True)
class Signer:
    """The signature block: "TM. BAN THƯỜNG VỤ" / "KT. TRƯỞNG BAN" (may be empty), position, name."""

    authority: str
    position: str
    name: str


@dataclass(frozen=True)
class OfficialDocument:
    style: Style
    parent_body: str  # the body above the issuer ("UBND TỈNH QUẢNG NINH", "TỈNH ỦY QUẢNG NINH")
    issuer: str
    number_label: str  # built with number_label()
    place: str
    issued_on: date
    doc_type: str  # "QUYẾT ĐỊNH", "BÁO CÁO"
    summary: str  # trích yếu
    blocks: list[Block] = field(default_factory=list)
    signer: Signer = field(default_factory=lambda: Signer("", "", ""))
    recipients: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"unknown document style {self.style!r}")

    @property
    def header_title(self) -> str:
        return NATIONAL_NAME if self.style == "state" else PARTY_NAME

    @property
    def date_line(self) -> str:
        return date_line(self.place, self.issued_on)
