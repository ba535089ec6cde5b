"""Background tasks of the reports app; they receive IDs and are safe to run twice."""

from django.tasks import task

from danvan.reports import services


@task()
def report_build(report_id: int) -> None:
    services.report_build_run(report_id)
