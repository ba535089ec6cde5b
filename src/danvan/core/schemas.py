from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema


class JobOut(Schema):
    """A background job as its owner follows it: status, progress, and why it failed."""

    id: UUID
    kind: str
    title: str
    status: str
    status_label: str
    progress_done: int
    progress_total: int | None
    percent: int | None
    message: str
    error: str
    result: dict[str, Any]
    result_file: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    is_finished: bool

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_result_file(obj) -> str | None:
        return obj.result_file.url if obj.result_file else None
