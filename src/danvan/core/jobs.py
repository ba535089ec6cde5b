"""Bookkeeping for background jobs: what the UI polls to show progress and failures.

Tasks receive the job's ID, call `job_start`, report progress through a `ProgressReporter` (which
writes at most about once per percent, with a single UPDATE), and end with `job_succeed` or
`job_fail`. Every function is a plain UPDATE on one row, so it is cheap and safe to repeat.
"""

import logging
import uuid
from typing import Any

from django.core.files.base import File
from django.db.models import Q
from django.utils import timezone

from danvan.core.models import Job, JobStatus

logger = logging.getLogger(__name__)

MESSAGE_MAX = 255


def job_create(*, kind: str, title: str, actor, params: dict[str, Any] | None = None) -> Job:
    """Register a queued job for `actor`; the task is enqueued by the caller on commit."""
    return Job.objects.create(
        kind=kind,
        title=str(title)[:255],
        created_by=actor if getattr(actor, "pk", None) else None,
        params=params or {},
    )


def job_start(job_id: uuid.UUID | str, *, message: str = "") -> bool:
    """Mark the job running; False when it already finished (a task delivered twice)."""
    touched = (
        Job.objects.filter(pk=job_id)
        .filter(~Q(status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]))
        .update(
            status=JobStatus.RUNNING,
            started_at=timezone.now(),
            message=str(message)[:MESSAGE_MAX],
            error="",
            progress_done=0,
        )
    )
    return touched == 1


def job_progress(
    job_id: uuid.UUID | str, *, done: int, total: int | None = None, message: str | None = None
) -> None:
    values: dict[str, Any] = {"progress_done": max(0, int(done))}
    if total is not None:
        values["progress_total"] = max(0, int(total))
    if message is not None:
        values["message"] = str(message)[:MESSAGE_MAX]
    Job.objects.filter(pk=job_id).update(**values)


def job_succeed(
    job_id: uuid.UUID | str,
    *,
    result: dict[str, Any] | None = None,
    file: tuple[str, File] | None = None,
    message: str = "",
) -> None:
    """Finish the job; `file` is (filename, django File) offered for download on the job page."""
    job = Job.objects.get(pk=job_id)
    job.status = JobStatus.SUCCEEDED
    job.finished_at = timezone.now()
    job.message = str(message)[:MESSAGE_MAX]
    job.error = ""
    job.result = result or {}
    if job.progress_total is not None:
        job.progress_done = job.progress_total
    if file is not None:
        name, content = file
        job.result.setdefault("filename", name)
        job.result_file.save(name, content, save=False)
    job.save()


def job_fail(job_id: uuid.UUID | str, *, error: str) -> None:
    """Finish the job as failed with a message written for the user (never a traceback)."""
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
    )


class ProgressReporter:
    """Calls `job_progress` when the count has moved by about 1% (or `every` rows without a total)."""

    def __init__(
        self, job_id: uuid.UUID | str | None, *, total: int | None = None, every: int = 5000
    ) -> None:
        self.job_id = job_id
        self.total = total
        self.step = max(200, total // 100) if total else every
        self._next = self.step

    def __call__(self, done: int, *, message: str | None = None, force: bool = False) -> None:
        if self.job_id is None:
            return
        if force or done >= self._next:
            self._next = done + self.step
            job_progress(self.job_id, done=done, total=self.total, message=message)
