"""Accent- and case-insensitive search shared by every search box and API filter.

Each searchable model keeps a normalised copy of its name in an indexed column (`search_name`);
queries are normalised the same way and matched token by token. On PostgreSQL a trigram index
(see `core.migration_ops.CreateTrigramIndex`) makes the `LIKE '%token%'` lookups indexed.
"""

import re
import unicodedata

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

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


def filter_by_words(
    queryset: QuerySet,
    query: str | None,
    field: str = "search_text",
    vector_column: str = "search_vector",
) -> QuerySet:
    """Keep rows whose normalised text holds every word of the query (the last one, from three
    letters, may be unfinished: it matches as a prefix).

    For long texts (a summary, not a name). On PostgreSQL the table carries a stored tsvector
    column computed from `field` (see `core.migration_ops.AddWordVector`), matched by full text
    and served by a GIN index, which stays fast when a common word matches a hundred thousand
    rows; elsewhere this falls back to the substring match of `filter_by_search`.
    """
    tokens = normalize(query).split()
    if not tokens:
        return queryset
    if connections[queryset.db].vendor != "postgresql":
        return filter_by_search(queryset, query, field=field)
    # A short last word stays whole: as a prefix "cu" would match half the language.
    last = f"{tokens[-1]}:*" if len(tokens[-1]) >= 3 else tokens[-1]
    # Tokens are [0-9a-z]+ after normalising, so they cannot break the tsquery syntax.
    tsquery = " & ".join([*tokens[:-1], last])
    table = connections[queryset.db].ops.quote_name(queryset.model._meta.db_table)
    column = connections[queryset.db].ops.quote_name(vector_column)
    # The column exists on PostgreSQL only, outside the model, so it is named in raw SQL.
    match = RawSQL(  # noqa: S611 - quoted identifiers; the words go as a parameter
        f"{table}.{column} @@ to_tsquery('simple'::regconfig, %s)",
        [tsquery],
        output_field=BooleanField(),
    )
    return queryset.filter(match)


def nfc(text: str | None) -> str:
    """Names are stored NFC-normalised so that equal-looking names compare equal."""
    return unicodedata.normalize("NFC", text or "").strip()
