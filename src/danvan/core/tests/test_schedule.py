"""Periodic work: each registered task is enqueued once per time slot, however many workers tick,
and the worker's clock thread runs only in a long-lived worker."""

import threading
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.tasks import default_task_backend
from django.test import override_settings

from danvan.accounts.tests.factories import UserFactory
from danvan.core import notifications, schedule
from danvan.core.models import Notification, PeriodicRun

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOW = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)


def _enqueued_names() -> list[str]:
    by_task = {p.task.name: p.name for p in schedule.registered()}
    return sorted(by_task[result.task.name] for result in default_task_backend.results)


class CountingTask:
    """Stands in for a django.tasks Task; counts enqueues across threads."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def enqueue(self) -> None:
        with self._lock:
            self.count += 1


@pytest.fixture
def only_counting_tasks(monkeypatch):
    schedule.registered()  # import every app's tasks module first, so none registers later
    minutely, hourly = CountingTask(), CountingTask()
    monkeypatch.setattr(schedule, "_PERIODIC", {})
    schedule.register("test.minutely", every=timedelta(minutes=1), task=minutely)
    schedule.register("test.hourly", every=timedelta(hours=1), task=hourly)
    return minutely, hourly


def test_the_apps_register_their_periodic_work():
    names = {p.name for p in schedule.registered()}

    assert {
        "core.send_emails",
        "core.daily_digest",
        "core.purge_rate_counters",
        "dialogues.scan_deadlines",
    } <= names


@override_settings(TASKS=DUMMY_TASKS)
def test_tick_enqueues_every_task_once_per_slot_even_when_called_twice():
    first = schedule.tick(NOW)
    again = schedule.tick(NOW + timedelta(seconds=20))

    every_name = sorted(p.name for p in schedule.registered())
    assert sorted(first) == every_name
    assert again == []
    assert _enqueued_names() == every_name
    assert PeriodicRun.objects.count() == len(every_name)


@override_settings(TASKS=DUMMY_TASKS)
def test_the_next_slot_enqueues_again_only_what_has_come_round():
    schedule.tick(NOW)
    default_task_backend.clear()
    later = NOW + timedelta(minutes=15)

    enqueued = schedule.tick(later)

    due = sorted(
        p.name
        for p in schedule.registered()
        if schedule.slot_of(p, later) > schedule.slot_of(p, NOW)
    )
    assert sorted(enqueued) == due
    assert "core.send_emails" in enqueued
    assert "dialogues.scan_deadlines" in enqueued
    assert "core.daily_digest" not in enqueued
    assert _enqueued_names() == due
    next_day = schedule.tick(NOW + timedelta(days=1))
    assert "core.daily_digest" in next_day


def test_two_workers_ticking_in_the_same_slot_enqueue_once(only_counting_tasks):
    minutely, hourly = only_counting_tasks

    worker_a = schedule.tick(NOW)
    worker_b = schedule.tick(NOW)
    restarted = schedule.tick(NOW + timedelta(seconds=59))

    assert sorted(worker_a) == ["test.hourly", "test.minutely"]
    assert worker_b == restarted == []
    assert (minutely.count, hourly.count) == (1, 1)


def test_a_clock_that_goes_back_enqueues_nothing(only_counting_tasks):
    minutely, _ = only_counting_tasks
    schedule.tick(NOW)

    assert schedule.tick(NOW - timedelta(minutes=5)) == []
    assert minutely.count == 1
    assert schedule.tick(NOW + timedelta(minutes=1)) == ["test.minutely"]
    assert minutely.count == 2


def test_a_worker_that_loses_the_race_to_create_the_row_does_not_enqueue(only_counting_tasks):
    minutely, _ = only_counting_tasks
    periodic = schedule.registered()[1]
    real_exists = PeriodicRun.objects.exists

    def other_worker_creates_it_first(*args, **kwargs):
        PeriodicRun.objects.get_or_create(
            name=periodic.name, defaults={"slot": schedule.slot_of(periodic, NOW)}
        )
        return False  # what this worker saw a moment before

    with mock.patch("django.db.models.query.QuerySet.exists", other_worker_creates_it_first):
        claimed = schedule._claim(periodic, schedule.slot_of(periodic, NOW), NOW)

    assert periodic.name == "test.minutely"
    assert claimed is False
    assert real_exists() is True
    assert minutely.count == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_the_same_moment_enqueue_once(only_counting_tasks):
    if connection.vendor == "sqlite":
        pytest.skip("an in-memory SQLite database is not shared between threads")
    minutely, hourly = only_counting_tasks
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            start.wait()
            results.append(schedule.tick(NOW))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert (minutely.count, hourly.count) == (1, 1)
    assert sorted(name for names in results for name in names) == ["test.hourly", "test.minutely"]


def test_tick_with_the_immediate_backend_runs_the_tasks_once_per_slot():
    user = UserFactory(email="canbo@example.test")
    notifications.notify([user], kind="t", title="Overdue", email=True)

    schedule.tick(NOW)
    notifications.notify([user], kind="t", title="Second", email=True)
    schedule.tick(NOW + timedelta(seconds=30))  # same minute: the e-mail task does not run

    assert [m.subject for m in mail.outbox] == ["Overdue"]
    schedule.tick(NOW + timedelta(minutes=1))
    assert [m.subject for m in mail.outbox] == ["Overdue", "Second"]


def test_the_clock_survives_a_failing_tick_and_stops_when_told():
    stop = threading.Event()
    calls = []

    def failing_tick():
        calls.append(1)
        if len(calls) == 2:
            stop.set()
        raise RuntimeError("database went away")

    with mock.patch.object(schedule, "tick", failing_tick):
        schedule.run_forever(stop, interval=0)

    assert len(calls) == 2


# --- the worker command ------------------------------------------------------------------------


def test_worker_batch_runs_the_queue_without_starting_the_clock(transactional_db, settings):
    settings.TASKS = DB_TASKS
    from danvan.core.tasks import send_emails

    user = UserFactory(email="canbo@example.test")
    notifications.notify([user], kind="t", title="Overdue", email=True)
    send_emails.enqueue()

    with mock.patch.object(schedule, "run_forever") as clock:
        call_command("worker", "--batch", "--interval", "0", verbosity=0)

    clock.assert_not_called()
    assert not [t for t in threading.enumerate() if t.name == "danvan-clock"]
    assert [m.subject for m in mail.outbox] == ["Overdue"]
    assert Notification.objects.get().emailed_at is not None


def test_a_long_running_worker_starts_the_clock_and_stops_it_on_exit():
    started = threading.Event()
    seen_stop = []

    def fake_clock(stop):
        seen_stop.append(stop)
        started.set()

    with (
        mock.patch.object(schedule, "run_forever", fake_clock),
        mock.patch("danvan.core.management.commands.worker.call_command") as db_worker,
    ):
        call_command("worker", verbosity=0)

    assert started.wait(5)
    assert db_worker.call_args.args == ("db_worker",)
    assert db_worker.call_args.kwargs["batch"] is False
    assert seen_stop[0].is_set()


def test_no_clock_option_keeps_the_clock_off():
    with (
        mock.patch.object(schedule, "run_forever") as clock,
        mock.patch("danvan.core.management.commands.worker.call_command"),
    ):
        call_command("worker", "--no-clock", verbosity=0)

    clock.assert_not_called()
