"""The lifecycle of a generated report: queued → being generated → ready, or failed (retried)."""

from danvan.reports.models import ReportStatus

ALLOWED = {
    ReportStatus.QUEUED: {ReportStatus.RUNNING, ReportStatus.FAILED},
    ReportStatus.RUNNING: {ReportStatus.DONE, ReportStatus.FAILED},
    # A failed run may be queued again; a ready report is final (the number was issued).
    ReportStatus.FAILED: {ReportStatus.QUEUED},
    ReportStatus.DONE: set(),
}


def can_move(current: str, target: str) -> bool:
    return target in ALLOWED.get(ReportStatus(current), set())
