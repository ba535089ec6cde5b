"""What an app declares to plug a spreadsheet into the import pipeline.

A schema lists its columns (label, aliases, parser, required), checks each parsed row against
the database (`validate_row`: lookups, scope, cross-field rules), names the row's natural key
(for de-duplication within the file and against the database) and writes the rows in bulk
(`commit`). The pipeline in `services` handles files, headers, errors, progress and transactions.
"""

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from danvan.core import scope
from danvan.core.imports import parsers
from danvan.core.search import normalize
from danvan.core.templatetags.vn import format_date, format_number

_MISSING = object()


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy translation: the header written in templates and shown in errors
    parser: Callable[[Any], Any] | str = parsers.text
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: Any = ""
    # How the parsed value is shown in the preview; by default by its type.
    display: Callable[[Any], str] | None = None


@dataclass
class RowErrors:
    """Errors of one row, keyed by column key ("" for the row as a whole)."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, column: str, message: str) -> None:
        self.items.append((column, message))

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class CommitCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedRow:
    number: int
    values: dict[
        str, Any
    ]  # column key -> parsed value (None when empty); schemas add resolved keys
    present: frozenset[str]  # column keys the file has


def display_value(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (date, datetime)):
        return format_date(value)
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, Decimal):
        decimals = 0 if value == value.to_integral_value() else min(2, -value.as_tuple().exponent)
        return format_number(value, decimals)
    return str(value)


class ImportSchema:
    key: ClassVar[str]
    label: ClassVar[Any]
    action: ClassVar[str]
    columns: ClassVar[list[Column]]
    # Extra text for the upload page: what the natural key is, what empty cells mean.
    help_text: ClassVar[Any] = ""
    template_filename: ClassVar[str] = "mau-nhap.xlsx"
    # Pages receive the schema class itself; templates must read it, not call it.
    do_not_call_in_templates: ClassVar[bool] = True

    def __init__(self, actor) -> None:
        self.actor = actor
        # What the upload was for, when the rows go into one record (a plan's indicators):
        # given to `import_upload(target=...)`, kept on the batch's job and set by the pipeline.
        self.target: dict = {}
        self._parsers: dict[str, Callable[[Any], Any]] = {
            c.key: getattr(self, c.parser) if isinstance(c.parser, str) else c.parser
            for c in self.columns
        }
        self._seen: set[int] = set()

    # --- hooks for subclasses ------------------------------------------------------------

    def validate_row(self, row: ParsedRow, errors: RowErrors) -> None:
        """Check one row whose cells all parsed: lookups, scope, cross-field rules."""

    def natural_key(self, row: ParsedRow) -> Hashable | None:
        """What identifies the row's record; None when the row has no key."""
        return None

    def describe_key(self, row: ParsedRow) -> str:
        return ""

    def commit(self, rows: Iterable[ParsedRow], *, batch) -> CommitCounts:
        """Write every row (already valid) in bulk, with audit records; runs in one transaction."""
        raise NotImplementedError

    def preview_row(self, row: ParsedRow) -> list[str]:
        result = []
        for column in self.columns:
            value = row.values.get(column.key)
            result.append(
                column.display(value)
                if column.display and value is not None
                else display_value(value)
            )
        return result

    # --- shared machinery ----------------------------------------------------------------

    def scope_key(self) -> str:
        paths = scope.scope_paths(self.actor, self.action)
        return "*" if paths is None else ",".join(sorted(paths))

    def parse_cells(
        self, number: int, cells: list[Any], mapping: dict[str, int], errors: RowErrors
    ) -> ParsedRow:
        values: dict[str, Any] = {}
        width = len(cells)
        parsers_by_key = self._parsers
        for column in self.columns:
            index = mapping.get(column.key)
            raw = cells[index] if index is not None and index < width else None
            if raw is None or (raw.__class__ is str and not raw.strip()):
                if column.required:
                    errors.add(column.key, _("This column is required."))
                values[column.key] = None
                continue
            try:
                values[column.key] = parsers_by_key[column.key](raw)
            except parsers.ParseError as exc:
                errors.add(column.key, exc.message)
                values[column.key] = None
        return ParsedRow(number, values, frozenset(mapping))

    def check_row(self, row: ParsedRow, errors: RowErrors) -> None:
        """Cross checks, then de-duplication within the file."""
        self.validate_row(row, errors)
        if errors:
            return
        key = self.natural_key(row)
        if key is None:
            return
        # A 64-bit hash instead of the key itself keeps a million-row file in memory budget; a
        # collision (odds around 1 in 10^7 for a million rows) would only flag a false duplicate.
        digest = hash(key)
        if digest in self._seen:
            errors.add(
                "",
                _("This row repeats an earlier row of the file (%(what)s).")
                % {"what": self.describe_key(row)},
            )
        else:
            self._seen.add(digest)

    def reset(self) -> None:
        """Forget what was seen, before reading the file again (commit after validation)."""
        self._seen = set()

    def column_label(self, key: str) -> str:
        for column in self.columns:
            if column.key == key:
                return str(column.label)
        return ""


def header_aliases(column: Column) -> set[str]:
    names = {normalize(str(column.label)), normalize(column.key.replace("_", " "))}
    names.update(normalize(alias) for alias in column.aliases)
    names.discard("")
    return names


def chunked(rows: Iterable[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    chunk: list[ParsedRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


__all__ = [
    "Column",
    "CommitCounts",
    "ImportSchema",
    "ParsedRow",
    "RowErrors",
    "chunked",
    "display_value",
    "header_aliases",
]
