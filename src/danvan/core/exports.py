"""Spreadsheet (XLSX) exports of list pages: small ones download at once, large ones run as a job.

An app declares an export once, with a key and a builder::

    def initiative_export(user, params: dict) -> ExportSpec:
        rows = initiative_list_for_user(user, **clean(params))
        return ExportSpec(
            filename="Danh sách mô hình.xlsx",
            title=_("Skilled mass mobilisation models"),
            columns=[ExportColumn(_("Name"), lambda m: m.name, width=40), ...],
            queryset_or_rows=rows,
            count=rows.count(),
            filters_line=describe(params),
        )

    register_export("initiatives.list", initiative_export)

and its view answers with `export_response_or_job(request, "initiatives.list", params)`.

Scope is the builder's job: it must read its rows through the app's selectors
(`…_list_for_user`), which apply `danvan.core.scope`. The builder runs twice for a large export:
in the request (to count the rows) and again in the background task, as the user who asked for
the export, so rights withdrawn in between are respected and nobody receives rows they could not
see on the list page. `params` is stored on the job, so it must be JSON-serialisable.

Cells: strings are always written with `write_string`, so a value such as "=1+1" or "@SUM(A1)"
typed by a user stays text and never becomes a formula when the file is opened.
"""

import logging
import math
import os
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Literal
from urllib.parse import quote

import xlsxwriter
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danvan.core import jobs
from danvan.core.errors import DomainError
from danvan.core.models import Job
from danvan.core.templatetags.vn import format_number

logger = logging.getLogger(__name__)

ColumnKind = Literal["text", "int", "money", "date", "decimal", "percent"]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel shows these with the reader's own separators (1.234.567 on a Vietnamese system).
NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "money": "#,##0",
    "decimal": "#,##0.00",
    "percent": "0.0%",
    "date": "dd/mm/yyyy",
}
EXCEL_MAX_ROWS = 1_048_576
DEFAULT_INLINE_ROWS = 5000


@dataclass(frozen=True)
class ExportColumn:
    """One column: its header, how to read the value from a row, and how Excel shows it.

    `percent` values are percentages as people write them (45.5 for 45,5%); `money` is integer
    VND; `text` keeps even numbers as text (codes with leading zeros, CCCD numbers).
    """

    label: str
    value: Callable[[Any], Any]
    kind: ColumnKind = "text"
    width: int = 18

    def __post_init__(self) -> None:
        if self.kind != "text" and self.kind not in NUMBER_FORMATS:
            raise ValueError(f"Unknown export column kind {self.kind!r}")


@dataclass
class ExportSpec:
    """What a builder returns: the file's name and title, its columns and the scoped rows."""

    filename: str
    title: str
    columns: list[ExportColumn]
    queryset_or_rows: Iterable[Any]
    count: int
    filters_line: str = ""
    sheet_title: str = ""  # defaults to the title


ExportBuilder = Callable[[Any, dict], ExportSpec]

_EXPORTS: dict[str, ExportBuilder] = {}


def register_export(key: str, builder: ExportBuilder | None = None):
    """Declare a named export; also usable as a decorator (`@register_export("app.list")`)."""

    def add(function: ExportBuilder) -> ExportBuilder:
        _EXPORTS[key] = function
        return function

    return add if builder is None else add(builder)


def export_builder(key: str) -> ExportBuilder:
    try:
        return _EXPORTS[key]
    except KeyError as exc:
        raise LookupError(f"Unknown export {key!r}: declare it with register_export") from exc


# --- cells and sheets ------------------------------------------------------------------------


def write_cell(
    sheet,
    row: int,
    col: int,
    value: Any,
    date_format=None,
    number_format=None,
    *,
    kind: str = "auto",
) -> None:
    """Write one value: numbers as numbers, dates as dates, anything else as text.

    `kind="auto"` decides from the value (what the rejected-rows report needs); an export column
    passes its own kind, so a `text` column keeps "001234" and 42 as text.
    """
    if value is None or value == "":
        return
    if kind == "text":
        sheet.write_string(row, col, _as_text(value))
        return
    if isinstance(value, bool):
        if kind == "auto":
            sheet.write_boolean(row, col, value)
        else:
            sheet.write_number(row, col, int(value), number_format)
        return
    if isinstance(value, (int, float, Decimal)):
        number = value if isinstance(value, int) else float(value)
        if not math.isfinite(number):
            sheet.write_string(row, col, str(value))
            return
        if kind == "percent":
            number = float(Decimal(str(value)) / 100)
        sheet.write_number(row, col, number, number_format)
        return
    if isinstance(value, (datetime, date)):
        if isinstance(value, datetime) and timezone.is_aware(value):
            # Excel has no time zones: show the local wall-clock time people expect.
            value = timezone.localtime(value)
        if isinstance(value, datetime):
            # A date column holds the local day only, so Excel's date filters group it right.
            value = value.date() if kind == "date" else value.replace(tzinfo=None)
        sheet.write_datetime(row, col, value, date_format)
        return
    sheet.write_string(row, col, _as_text(value))


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    return str(value)


def sheet_name(text: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = re.sub(r"[\[\]:*?/\\\x00-\x1f]", " ", str(text)).strip(" '") or "Sheet1"
    return cleaned[:31]


def write_xlsx(
    *,
    path_or_file: str | Path | BinaryIO,
    sheet_title: str,
    title: str | None,
    columns: list[ExportColumn],
    rows: Iterable[Any],
    filters_line: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Stream `rows` into one worksheet (optional title and filters lines, then a bold frozen
    header); returns how many rows were written. Memory stays flat however many rows come."""
    target = str(path_or_file) if isinstance(path_or_file, (str, Path)) else path_or_file
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet(sheet_name(sheet_title))
        title_format = workbook.add_format({"bold": True, "font_size": 14})
        filters_format = workbook.add_format({"italic": True, "font_color": "#5b5862"})
        header_format = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#f0eef3", "border": 1}
        )
        formats = {
            kind: workbook.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()
        }
        row = 0
        if title:
            sheet.write_string(row, 0, str(title), title_format)
            row += 1
        if filters_line:
            sheet.write_string(row, 0, str(filters_line), filters_format)
            row += 1
        header_row = row
        for col, column in enumerate(columns):
            sheet.set_column(col, col, column.width)
            sheet.write_string(header_row, col, str(column.label), header_format)
        sheet.freeze_panes(header_row + 1, 0)
        limit = EXCEL_MAX_ROWS - header_row - 1
        count = 0
        for item in _iterate(rows):
            if count >= limit:
                raise DomainError(
                    _("Too many rows for one spreadsheet; narrow the filters and try again."),
                    code="too_many_rows",
                )
            row = header_row + 1 + count
            for col, column in enumerate(columns):
                write_cell(
                    sheet,
                    row,
                    col,
                    column.value(item),
                    formats["date"],
                    formats.get(column.kind),
                    kind=column.kind,
                )
            count += 1
            if progress is not None:
                progress(count)
        if columns:
            sheet.autofilter(header_row, 0, header_row + count, len(columns) - 1)
    finally:
        workbook.close()
    return count


def _iterate(rows: Iterable[Any]) -> Iterable[Any]:
    # A queryset is read in chunks instead of being cached whole in memory.
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=2000)
    return rows


# --- download or background job --------------------------------------------------------------


def export_response_or_job(request, key: str, params: dict) -> HttpResponse:
    """The XLSX as a download when it is small; otherwise a queued job and a redirect to it."""
    spec = export_builder(key)(request.user, params)
    limit = getattr(settings, "DANVAN_EXPORT_INLINE_ROWS", DEFAULT_INLINE_ROWS)
    if spec.count <= limit:
        return _download(spec)
    job = jobs.job_create(
        kind=f"export:{key}"[:60],
        title=_("Export: %(title)s") % {"title": spec.title},
        actor=request.user,
        params={"export": key, "params": params, "language": translation.get_language()},
    )
    job_id = str(job.pk)

    def enqueue() -> None:
        from danvan.core import tasks

        tasks.export_run.enqueue(job_id)

    transaction.on_commit(enqueue)
    url = reverse("core:job-detail", args=[job.pk])
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _download(spec: ExportSpec) -> FileResponse:
    handle = tempfile.TemporaryFile(prefix="danvan-export-", suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        _write_spec(spec, handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    filename = safe_filename(spec.filename)
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(filename)
    return response


def _write_spec(
    spec: ExportSpec, target: str | Path | BinaryIO, progress: Callable[[int], None] | None = None
) -> int:
    return write_xlsx(
        path_or_file=target,
        sheet_title=spec.sheet_title or spec.title,
        title=spec.title,
        columns=spec.columns,
        rows=spec.queryset_or_rows,
        filters_line=spec.filters_line,
        progress=progress,
    )


def safe_filename(name: str) -> str:
    """The file name without path separators, control or reserved characters, ending .xlsx."""
    name = unicodedata.normalize("NFC", str(name))
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', " ", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if name.lower().endswith(".xlsx"):
        name = name[:-5].rstrip(" .")
    return f"{name[:150] or 'export'}.xlsx"


def attachment_header(filename: str) -> str:
    """Content-Disposition for a download: an ASCII name for old clients and, when the name
    has Vietnamese letters, the exact name as UTF-8 (RFC 6266 `filename*`)."""
    folded = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    fallback = "".join(ch for ch in folded if not unicodedata.combining(ch))
    fallback = re.sub(r"[^\x20-\x7e]", "_", fallback).replace("\\", "_").replace('"', "'")
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def export_run(job_id: uuid.UUID | str) -> None:
    """Task body: build the export again as the job's creator and store the file on the job.

    Safe to run twice: a finished job is left alone.
    """
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return
    language = job.params.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        if not jobs.job_start(job_id, message=_("Preparing the file…")):
            return
        user = job.created_by
        if user is None or not user.is_active:
            jobs.job_fail(job_id, error=_("The account that asked for this export is not active."))
            return
        fd, name = tempfile.mkstemp(prefix="danvan-export-", suffix=".xlsx")
        os.close(fd)
        path = Path(name)
        try:
            spec = export_builder(job.params["export"])(user, job.params.get("params") or {})
            jobs.job_progress(job_id, done=0, total=spec.count)
            count = _write_spec(spec, path, jobs.ProgressReporter(job_id, total=spec.count))
            with path.open("rb") as handle:
                jobs.job_succeed(
                    job_id,
                    result={"rows": count},
                    file=(safe_filename(spec.filename), File(handle)),
                    message=_("%(rows)s rows exported.") % {"rows": format_number(count)},
                )
        except DomainError as exc:
            jobs.job_fail(job_id, error=str(exc.message))
        except Exception:
            logger.exception("Export job %s failed", job_id)
            jobs.job_fail(
                job_id,
                error=_(
                    "The file could not be made. Try again; if it fails again, tell the "
                    "administrator."
                ),
            )
        finally:
            path.unlink(missing_ok=True)
