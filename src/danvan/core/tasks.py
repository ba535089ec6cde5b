"""Background tasks of the core app. Tasks receive IDs, reload the rows and are safe to run twice."""

from django.tasks import task

from danvan.core import exports
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
