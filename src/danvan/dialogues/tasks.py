"""Background tasks of dialogues: the deadline scan that sends reminders and escalates."""

from datetime import timedelta

from django.tasks import task

from danvan.core import schedule
from danvan.dialogues.services import reminders


@task()
def scan_deadlines() -> None:
    reminders.scan()


schedule.register("dialogues.scan_deadlines", every=timedelta(minutes=15), task=scan_deadlines)
