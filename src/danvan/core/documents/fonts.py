"""Finding a Unicode serif TrueType font (Times New Roman or a metric twin) for PDF output."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont, TTLibError

from danvan.core.errors import DomainError

DEFAULT_FONT_DIRS = (
    "/usr/share/fonts/truetype/msttcorefonts",
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/dejavu",
)

# Letters a font must have to be used. Liberation 1.x (Debian 12's fonts-liberation) lacks the
# Vietnamese letters with two diacritics, so only Liberation 2 (fonts-liberation2) qualifies.
VIETNAMESE_LETTERS = (
    "ĂÂĐÊÔƠƯăâđêôơư"
    "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
    "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
)

# File names of (regular, bold, italic, bold italic), best first. Liberation Serif has the
# metrics of Times New Roman, so line breaks match the Word output.
FAMILIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "Times_New_Roman.ttf",
        "Times_New_Roman_Bold.ttf",
        "Times_New_Roman_Italic.ttf",
        "Times_New_Roman_Bold_Italic.ttf",
    ),
    ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"),
    (
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ),
    (
        "DejaVuSerif.ttf",
        "DejaVuSerif-Bold.ttf",
        "DejaVuSerif-Italic.ttf",
        "DejaVuSerif-BoldItalic.ttf",
    ),
)


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


def find_fonts(search_dirs: Sequence[str | Path]) -> FontFiles:
    """The first complete serif family in `search_dirs` (in order); DomainError when none."""
    return _find_fonts(tuple(str(d) for d in search_dirs))


@lru_cache(maxsize=8)
def _find_fonts(search_dirs: tuple[str, ...]) -> FontFiles:
    for directory in map(Path, search_dirs):
        for family in FAMILIES:
            paths = [directory / name for name in family]
            if all(p.is_file() and _writes_vietnamese(p) for p in paths):
                return FontFiles(*paths)
    raise DomainError(
        _(
            "No font with Vietnamese letters was found for PDF documents. Install the Debian "
            "package fonts-liberation2 (apt-get install fonts-liberation2; fonts-liberation "
            "from Debian 13 on) or name a folder with Times New Roman in the "
            "DANVAN_PDF_FONT_DIRS setting. Folders searched: %(folders)s"
        )
        % {"folders": ", ".join(search_dirs)},
        code="pdf_font_missing",
    )


def _writes_vietnamese(path: Path) -> bool:
    try:
        with TTFont(path, lazy=True) as font:
            characters = font.getBestCmap() or {}
    except (TTLibError, OSError):
        return False
    return all(ord(letter) in characters for letter in VIETNAMESE_LETTERS)


def pdf_fonts() -> FontFiles:
    """The font for PDFs: folders in settings.DANVAN_PDF_FONT_DIRS first, then the usual places."""
    configured = getattr(settings, "DANVAN_PDF_FONT_DIRS", None) or []
    if isinstance(configured, str):
        configured = [configured]
    return find_fonts([*configured, *DEFAULT_FONT_DIRS])
