"""Finding the header row: Vietnamese headers with or without accents, any case, extra spaces
and line breaks, with title rows (often merged cells) above it."""

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

from danvan.core.imports.schema import Column, header_aliases
from danvan.core.search import normalize

SCAN_ROWS = 20


@dataclass
class HeaderMatch:
    row_number: int
    mapping: dict[str, int]  # column key -> cell index
    labels: list[str]  # the header cells as written
    ignored: list[str]  # header cells that match no column


def match_cells(cells: list[Any], columns: list[Column]) -> tuple[dict[str, int], list[str]]:
    """Map header cells to columns: exact match on label or alias first, then the longest alias
    that starts the header ("Số thành viên (người)" is "Số thành viên")."""
    aliases = {column.key: header_aliases(column) for column in columns}
    normalized = [normalize(str(c)) if c is not None else "" for c in cells]
    mapping: dict[str, int] = {}
    for index, name in enumerate(normalized):
        if not name:
            continue
        for key, names in aliases.items():
            if key not in mapping and name in names:
                mapping[key] = index
                break
    for index, name in enumerate(normalized):
        if not name or index in mapping.values():
            continue
        best_key, best_len = None, 0
        for key, names in aliases.items():
            if key in mapping:
                continue
            for alias in names:
                if len(alias) > best_len and name.startswith(alias + " "):
                    best_key, best_len = key, len(alias)
        if best_key is not None:
            mapping[best_key] = index
    used = set(mapping.values())
    ignored = [str(c).strip() for i, c in enumerate(cells) if i not in used and normalized[i]]
    return mapping, ignored


def find_header(
    rows: Iterator[tuple[int, list[Any]]], columns: list[Column], scan: int = SCAN_ROWS
) -> tuple[HeaderMatch | None, Iterator[tuple[int, list[Any]]]]:
    """Look at the first `scan` rows, pick the one matching the most columns; return it and an
    iterator over the rows after it."""
    head: list[tuple[int, list[Any]]] = []
    for item in rows:
        head.append(item)
        if len(head) >= scan:
            break
    best: HeaderMatch | None = None
    best_position = -1
    for position, (number, cells) in enumerate(head):
        mapping, ignored = match_cells(cells, columns)
        if mapping and (best is None or len(mapping) > len(best.mapping)):
            labels = ["" if c is None else str(c) for c in cells]
            best, best_position = HeaderMatch(number, mapping, labels, ignored), position
    if best is None:
        return None, chain(head, rows)
    return best, chain(head[best_position + 1 :], rows)
