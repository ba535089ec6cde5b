"""Periodic background work (reminders, digests, clean-ups) without a separate cron.

An app registers a task and how often it should run:

    schedule.register("dialogues.scan", every=timedelta(minutes=15), task=tasks.scan_deadlines)

Every `danvan worker` runs `tick` about once a minute. Time is cut into slots of `every`; a
worker enqueues the task for the current slot only if it moves the `PeriodicRun` row forward
with a conditional UPDATE, so with several workers (or a restarted one) each slot is enqueued
once. The tasks themselves stay idempotent anyway (notifications carry keys).
"""

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from danvan.core.models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task: object  # a django.tasks Task taking no arguments


_PERIODIC: dict[str, Periodic] = {}


def register(name: str, *, every: timedelta, task) -> None:
    _PERIODIC[name] = Periodic(name, every, task)


def registered() -> list[Periodic]:
    # Apps register their periodic work in their `tasks` module.
    autodiscover_modules("tasks")
    return sorted(_PERIODIC.values(), key=lambda p: p.name)


def slot_of(periodic: Periodic, now: datetime) -> int:
    return int(now.timestamp() // periodic.every.total_seconds())


def _claim(periodic: Periodic, slot: int, now: datetime) -> bool:
    touched = PeriodicRun.objects.filter(name=periodic.name, slot__lt=slot).update(
        slot=slot, enqueued_at=now
    )
    if touched:
        return True
    if PeriodicRun.objects.filter(name=periodic.name).exists():
        return False
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(name=periodic.name, slot=slot, enqueued_at=now)
    except IntegrityError:
        return False  # another worker created it a moment ago and owns this slot
    return True


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every periodic task whose slot has come; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for periodic in registered():
        if _claim(periodic, slot_of(periodic, now), now):
            periodic.task.enqueue()
            enqueued.append(periodic.name)
    return enqueued


def run_forever(stop: threading.Event, *, interval: float = 60.0) -> None:
    """The worker's clock thread."""
    while not stop.is_set():
        try:
            close_old_connections()
            tick()
        except Exception:  # the clock must outlive a database hiccup
            logger.exception("Periodic tick failed")
        finally:
            close_old_connections()
        stop.wait(interval)
