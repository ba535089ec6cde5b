"""Accent- and case-insensitive search shared by every search box and API filter.

Each searchable model keeps a normalised copy of its name in an indexed column (`search_name`);
queries are normalised the same way and matched token by token. On PostgreSQL a trigram index
(see `core.migration_ops.CreateTrigramIndex`) makes the `LIKE '%token%'` lookups indexed.
"""

import re
import unicodedata

from django.db.models import Q, QuerySet

# Administrative prefixes that people may or may not type; longest first so that
# "thanh pho" wins over a bare "tp".
ADMIN_PREFIXES = (
    "thanh pho trung uong",
    "thanh pho",
    "dac khu",
    "thi tran",
    "thi xa",
    "phuong",
    "huyen",
    "quan",
    "tinh",
    "tp",
    "xa",
)

_NON_WORD = re.compile(r"[^0-9a-z]+")
_D_LIKE = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def normalize(text: str | None) -> str:
    """Lower-case ASCII form: 'Đông Triều' -> 'dong trieu'."""
    if not text:
        return ""
    # Đ does not decompose, so map it by hand; Ð (the Icelandic eth) is a common look-alike
    # in data typed on older Vietnamese keyboards.
    text = unicodedata.normalize("NFKD", str(text).translate(_D_LIKE))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub(" ", text).strip()


def strip_admin_prefix(normalized: str) -> str:
    for prefix in ADMIN_PREFIXES:
        if normalized == prefix:
            return normalized
        if normalized.startswith(prefix + " "):
            return normalized[len(prefix) + 1 :]
    return normalized


def search_key(*parts: str | None) -> str:
    """The value stored in a `search_name` column for a record made of these parts."""
    return " ".join(p for p in (normalize(part) for part in parts) if p)


def query_tokens(query: str | None) -> list[str]:
    return strip_admin_prefix(normalize(query)).split()


def filter_by_search(queryset: QuerySet, query: str | None, field: str = "search_name") -> QuerySet:
    """Keep rows whose normalised column contains every word of the query."""
    tokens = query_tokens(query)
    if not tokens:
        return queryset
    condition = Q()
    for token in tokens:
        condition &= Q(**{f"{field}__contains": token})
    return queryset.filter(condition)


def nfc(text: str | None) -> str:
    """Names are stored NFC-normalised so that equal-looking names compare equal."""
    return unicodedata.normalize("NFC", text or "").strip()
