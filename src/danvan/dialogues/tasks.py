"""Background tasks of dialogues: the deadline scan that sends reminders and escalates, and the
daily recount of the kept petition figures ("overdue now" moves on at midnight)."""

from datetime import timedelta

from django.tasks import task

from danvan.core import schedule
from danvan.dialogues import figures
from danvan.dialogues.services import reminders


@task()
def scan_deadlines() -> None:
    reminders.scan()


@task()
def refresh_figures() -> None:
    figures.ensure_current()


schedule.register("dialogues.scan_deadlines", every=timedelta(minutes=15), task=scan_deadlines)
# Checked every quarter of an hour, rebuilt once a day (or after units were re-mapped); until
# then the statistics count live.
schedule.register("dialogues.refresh_figures", every=timedelta(minutes=15), task=refresh_figures)
