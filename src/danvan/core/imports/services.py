"""The import pipeline: upload → check (background) → preview → all-or-nothing import (background).

Status changes follow the table `ALLOWED`; each is a conditional UPDATE (`WHERE status IN
(sources)`), so two clicks on "Import" or a task delivered twice cannot both proceed. The shared
workflow mechanism is built for territory-scoped records changed by users; a batch belongs to its
uploader and is mostly moved by the worker, so a small table is enough here.
"""

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danvan.core import context, jobs, scope
from danvan.core.errors import DomainError
from danvan.core.imports import readers
from danvan.core.imports.headers import HeaderMatch, find_header
from danvan.core.imports.registry import schema_class
from danvan.core.imports.report import RejectedRowsWriter
from danvan.core.imports.schema import ImportSchema, ParsedRow, RowErrors
from danvan.core.models import ImportBatch, ImportStatus

logger = logging.getLogger(__name__)

S = ImportStatus
ALLOWED: dict[str, set[str]] = {
    S.UPLOADED: {S.VALIDATING, S.FAILED},
    S.VALIDATING: {S.VALIDATED, S.INVALID, S.FAILED},
    S.VALIDATED: {S.COMMITTING},
    S.COMMITTING: {S.COMMITTED, S.FAILED},
}

DEFAULT_STORED_ERRORS = 1000
PREVIEW_ROWS = 20


class ImportAborted(Exception):
    """The file no longer passes the checks while importing; everything is rolled back."""


def _move(batch_id: int, *, to: str, **fields: Any) -> bool:
    sources = [state for state, targets in ALLOWED.items() if to in targets]
    touched = ImportBatch.objects.filter(pk=batch_id, status__in=sources).update(
        status=to, updated_at=timezone.now(), **fields
    )
    return touched == 1


# --- Reads -------------------------------------------------------------------------------


def import_batch_list_for_user(user) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(created_by=user).select_related("job")


def import_batch_get_for_user(user, pk) -> ImportBatch:
    """A batch is private to its uploader: anyone else gets 404."""
    try:
        return ImportBatch.objects.select_related("job").get(pk=pk, created_by=user)
    except (ImportBatch.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def previous_commit(batch: ImportBatch) -> ImportBatch | None:
    """An earlier import of the very same file, for the same data type and the same scope."""
    return (
        ImportBatch.objects.filter(
            schema=batch.schema, sha256=batch.sha256, scope_key=batch.scope_key, status=S.COMMITTED
        )
        .exclude(pk=batch.pk)
        .order_by("-committed_at")
        .first()
    )


def get_schema(key: str) -> type[ImportSchema]:
    try:
        return schema_class(key)
    except LookupError as exc:
        raise Http404 from exc


# --- Upload ------------------------------------------------------------------------------


@transaction.atomic
def import_upload(
    *, schema_key: str, upload: UploadedFile, actor, language: str = "", target: dict | None = None
) -> ImportBatch:
    """Store an uploaded file and queue its check; refuses oversize or non-spreadsheet files."""
    schema_cls = get_schema(schema_key)
    if not scope.can_anywhere(actor, schema_cls.action):
        raise PermissionDenied(schema_cls.action)
    limit = settings.DANVAN_IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise DomainError(
            _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)},
            code="too_large",
            field="file",
        )
    upload.seek(0)
    head = upload.read(64 * 1024)
    try:
        fmt = readers.sniff(head, upload.name or "")
    except readers.FileRejected as exc:
        raise DomainError(exc.message, code="bad_file", field="file") from exc
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    schema = _with_target(schema_cls(actor), target)
    batch = ImportBatch(
        schema=schema_key,
        created_by=actor,
        original_name=Path(upload.name or "file").name[:255],
        file_format=fmt,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        scope_key=schema.scope_key(),
    )
    batch.file.save(f"{fmt}-{digest.hexdigest()[:16]}.{fmt}", upload, save=False)
    if fmt == readers.XLSX:
        try:
            readers.check_xlsx_structure(batch.file.path)
        except readers.FileRejected as exc:
            batch.file.delete(save=False)
            raise DomainError(exc.message, code="bad_file", field="file") from exc
    job = jobs.job_create(
        kind="import.validate",
        title=_("Checking %(file)s") % {"file": batch.original_name},
        actor=actor,
        params={
            "language": language or translation.get_language() or settings.LANGUAGE_CODE,
            **({"target": target} if target else {}),
        },
    )
    batch.job = job
    batch.save()
    job.params["batch"] = batch.pk
    job.result = {"next_url": reverse("core:import-detail", args=[batch.pk])}
    job.save(update_fields=["params", "result"])
    _enqueue("import_validate", batch.pk)
    return batch


def _with_target(schema: ImportSchema, target: dict | None) -> ImportSchema:
    # Set after construction: schemas override __init__(actor) and need not know about it.
    schema.target = target or {}
    return schema


def _target_of(batch: ImportBatch) -> dict:
    return (batch.job.params.get("target") if batch.job else None) or {}


def _enqueue(task_name: str, batch_id: int) -> None:
    from danvan.core import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.enqueue(batch_id))


# --- Checking ----------------------------------------------------------------------------


@dataclass
class CheckResult:
    header: HeaderMatch | None = None
    message: str = ""
    row_count: int = 0
    valid_count: int = 0
    error_row_count: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    rejected_path: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.message and self.error_count == 0 and self.valid_count > 0


def _is_blank(cells: list[Any]) -> bool:
    for value in cells:
        if value is not None and (value.__class__ is not str or value.strip()):
            return False
    return True


def _open(
    schema: ImportSchema, path: str | Path, fmt: str
) -> tuple[HeaderMatch | None, Iterator, int | None, str]:
    reader = readers.open_rows(path, fmt)
    header, rows = find_header(reader.rows, schema.columns)
    if header is None:
        expected = ", ".join(str(c.label) for c in schema.columns if c.required)
        return (
            None,
            rows,
            reader.total_rows,
            _(
                "No header row was found in the first rows of the file. The header must name the columns, for example: %(columns)s."
            )
            % {"columns": expected},
        )
    missing = [str(c.label) for c in schema.columns if c.required and c.key not in header.mapping]
    if missing:
        return (
            header,
            rows,
            reader.total_rows,
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)},
        )
    return header, rows, reader.total_rows, ""


def check_file(
    schema: ImportSchema,
    path: str | Path,
    fmt: str,
    *,
    progress: jobs.ProgressReporter | None = None,
    write_rejected: bool = True,
) -> CheckResult:
    """Parse and check every row, streaming: counts, the first errors, a preview of valid rows,
    and (optionally) an XLSX of the rejected rows."""
    keep_errors = getattr(settings, "DANVAN_IMPORT_MAX_STORED_ERRORS", DEFAULT_STORED_ERRORS)
    result = CheckResult()
    header, rows, total, message = _open(schema, path, fmt)
    result.header = header
    if message:
        result.message = message
        return result
    if progress is not None and total:
        progress.total = max(0, total - header.row_number)
        progress.step = max(200, progress.total // 100)
        progress._next = progress.step
    writer = RejectedRowsWriter(header.labels) if write_rejected else None
    mapping = header.mapping
    labels = {c.key: str(c.label) for c in schema.columns}
    parse_cells, check_row = schema.parse_cells, schema.check_row
    try:
        for number, cells in rows:
            if _is_blank(cells):
                continue
            result.row_count += 1
            errors = RowErrors()
            row = parse_cells(number, cells, mapping, errors)
            if not errors:
                check_row(row, errors)
            if errors:
                result.error_row_count += 1
                result.error_count += len(errors.items)
                messages = []
                for key, text in errors.items:
                    label = labels.get(key, "")
                    messages.append(f"{label}: {text}" if label else text)
                    if len(result.errors) < keep_errors:
                        result.errors.append({"row": number, "column": label, "message": text})
                if writer is not None:
                    writer.add(number, cells, messages)
            else:
                result.valid_count += 1
                if len(result.preview) < PREVIEW_ROWS:
                    result.preview.append([str(number), *(str(c) for c in schema.preview_row(row))])
            if progress is not None:
                progress(result.row_count)
    finally:
        if writer is not None:
            path_written = writer.close()
            if result.error_row_count:
                result.rejected_path = path_written
            else:
                path_written.unlink(missing_ok=True)
    if not result.row_count:
        result.message = _("The file has no data rows below the header.")
    return result


def valid_rows(schema: ImportSchema, path: str | Path, fmt: str) -> Iterator[ParsedRow]:
    """Rows of a checked file, checked again against the current data; stops at the first error."""
    schema.reset()
    header, rows, _total, message = _open(schema, path, fmt)
    if message:
        raise ImportAborted(message)
    for number, cells in rows:
        if _is_blank(cells):
            continue
        errors = RowErrors()
        row = schema.parse_cells(number, cells, header.mapping, errors)
        if not errors:
            schema.check_row(row, errors)
        if errors:
            key, text = errors.items[0]
            label = schema.column_label(key)
            raise ImportAborted(
                _(
                    "Row %(row)s no longer passes the checks (%(problem)s). Nothing was imported; upload the file again."
                )
                % {"row": number, "problem": f"{label}: {text}" if label else text}
            )
        yield row


def import_validate_run(batch_id: int) -> None:
    """Task body: check the uploaded file. Safe to run twice (a finished batch is left alone)."""
    if not _move(batch_id, to=S.VALIDATING):
        return
    batch = ImportBatch.objects.select_related("created_by", "job").get(pk=batch_id)
    job_id = batch.job_id
    language = (batch.job.params.get("language") if batch.job else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        if job_id:
            jobs.job_start(job_id, message=_("Checking the rows…"))
        try:
            schema = _with_target(schema_class(batch.schema)(batch.created_by), _target_of(batch))
            progress = jobs.ProgressReporter(job_id)
            result = check_file(schema, batch.file.path, batch.file_format, progress=progress)
        except readers.FileRejected as exc:
            _move(batch_id, to=S.INVALID, message=exc.message)
            if job_id:
                jobs.job_fail(job_id, error=exc.message)
            return
        except Exception:
            logger.exception("Import batch %s could not be checked", batch_id)
            message = _(
                "The file could not be checked because of an internal error. Nothing was imported."
            )
            _move(batch_id, to=S.FAILED, message=message)
            if job_id:
                jobs.job_fail(job_id, error=message)
            return
        fields: dict[str, Any] = {
            "message": result.message,
            "header_row": result.header.row_number if result.header else None,
            "columns": {
                "mapping": result.header.mapping if result.header else {},
                "ignored": result.header.ignored if result.header else [],
            },
            "row_count": result.row_count,
            "valid_count": result.valid_count,
            "error_row_count": result.error_row_count,
            "error_count": result.error_count,
            "errors": result.errors,
            "preview": {"rows": result.preview},
            "validated_at": timezone.now(),
        }
        if result.rejected_path is not None:
            batch.rejected_file.save(
                f"rejected-{batch.pk}.xlsx", File(result.rejected_path.open("rb")), save=False
            )
            result.rejected_path.unlink(missing_ok=True)
            fields["rejected_file"] = batch.rejected_file.name
        _move(batch_id, to=S.VALIDATED if result.ok else S.INVALID, **fields)
        if job_id:
            jobs.job_succeed(
                job_id,
                result={"next_url": reverse("core:import-detail", args=[batch_id])},
                message=_("%(rows)s rows checked, %(errors)s with errors.")
                % {"rows": result.row_count, "errors": result.error_row_count},
            )


# --- Committing --------------------------------------------------------------------------


@transaction.atomic
def import_commit_request(*, batch: ImportBatch, actor) -> ImportBatch:
    """Queue the import of a checked batch; only its uploader, only when no row has errors."""
    if batch.created_by_id != getattr(actor, "pk", None):
        raise Http404
    schema_cls = get_schema(batch.schema)
    if not scope.can_anywhere(actor, schema_cls.action):
        raise PermissionDenied(schema_cls.action)
    if batch.status != S.VALIDATED or batch.error_count or not batch.valid_count:
        raise DomainError(
            _("Only a checked file without errors can be imported."), code="not_ready"
        )
    job = jobs.job_create(
        kind="import.commit",
        title=_("Importing %(file)s") % {"file": batch.original_name},
        actor=actor,
        params={
            "batch": batch.pk,
            "language": translation.get_language() or settings.LANGUAGE_CODE,
            # The commit job replaces the check's on the batch: keep what the rows go into.
            **({"target": _target_of(batch)} if _target_of(batch) else {}),
        },
    )
    job.result = {"next_url": reverse("core:import-detail", args=[batch.pk])}
    job.save(update_fields=["result"])
    if not _move(batch.pk, to=S.COMMITTING, job=job, message=""):
        raise DomainError(_("This file is already being imported."), code="not_ready")
    _enqueue("import_commit", batch.pk)
    batch.refresh_from_db()
    return batch


def import_commit_run(batch_id: int) -> None:
    """Task body: write every row in ONE transaction; any problem rolls everything back."""
    batch = ImportBatch.objects.select_related("created_by", "job").get(pk=batch_id)
    if batch.status != S.COMMITTING:
        return
    job_id = batch.job_id
    language = (batch.job.params.get("language") if batch.job else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        if job_id:
            jobs.job_start(
                job_id,
                message=_("Writing %(rows)s rows to the database…") % {"rows": batch.valid_count},
            )
        actor = batch.created_by
        try:
            if actor is None or not actor.is_active:
                raise ImportAborted(_("The account that uploaded this file is no longer active."))
            schema = _with_target(schema_class(batch.schema)(actor), _target_of(batch))
            with context.acting(source=f"import:{batch.pk}"), transaction.atomic():
                current = ImportBatch.objects.select_for_update().get(pk=batch_id)
                if current.status != S.COMMITTING:
                    return
                counts = schema.commit(
                    valid_rows(schema, batch.file.path, batch.file_format), batch=current
                )
                # The status changes in the same transaction as the data, so a crash can never
                # leave rows written under a batch that still says "importing".
                moved = _move(
                    batch_id,
                    to=S.COMMITTED,
                    committed_at=timezone.now(),
                    created_count=counts.created,
                    updated_count=counts.updated,
                    unchanged_count=counts.unchanged,
                    result={**current.result, **counts.extra},
                    message="",
                )
                if not moved:
                    raise ImportAborted(_("The import was interrupted."))
        except ImportAborted as exc:
            _fail_commit(batch_id, job_id, str(exc))
            return
        except Exception:
            logger.exception("Import batch %s failed while writing", batch_id)
            _fail_commit(
                batch_id,
                job_id,
                _("The import failed because of an internal error. Nothing was imported."),
            )
            return
        if job_id:
            jobs.job_succeed(
                job_id,
                result={"next_url": reverse("core:import-detail", args=[batch_id])},
                message=_("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                },
            )


def _fail_commit(batch_id: int, job_id, message: str) -> None:
    _move(batch_id, to=S.FAILED, message=message)
    if job_id:
        jobs.job_fail(job_id, error=message)
