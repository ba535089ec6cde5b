"""Background tasks of the core app. Tasks receive IDs, reload the rows and are safe to run twice."""

from datetime import timedelta

from django.tasks import task

from danvan.core import exports, notifications, ratelimit, schedule, text_extraction
from danvan.core.imports import services as imports


@task()
def import_validate(batch_id: int) -> None:
    imports.import_validate_run(batch_id)


@task()
def import_commit(batch_id: int) -> None:
    imports.import_commit_run(batch_id)


@task()
def export_run(job_id: str) -> None:
    exports.export_run(job_id)


@task()
def attachment_extract_text(attachment_id: int) -> None:
    text_extraction.attachment_extract_text(attachment_id)


@task()
def send_emails() -> None:
    notifications.send_pending_emails()


@task()
def daily_digest() -> None:
    notifications.send_daily_digests()
    notifications.send_pending_emails()


@task()
def purge_rate_counters() -> None:
    ratelimit.purge()


schedule.register("core.send_emails", every=timedelta(minutes=1), task=send_emails)
# Daily slots start at 00:00 UTC, which is 07:00 in Vietnam: the digest is there at the start of
# the working day.
schedule.register("core.daily_digest", every=timedelta(days=1), task=daily_digest)
schedule.register("core.purge_rate_counters", every=timedelta(hours=1), task=purge_rate_counters)
