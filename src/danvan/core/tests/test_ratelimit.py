"""Database rate limits: hits counted per key and window, refused over the limit, old rows purged."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from danvan.core import ratelimit
from danvan.core.models import RateCounter

pytestmark = pytest.mark.django_db

# 10:00:05 UTC: inside the hour window that starts at 10:00.
NOW = datetime(2026, 12, 7, 10, 0, 5, tzinfo=UTC)
HOUR = 3600


def test_hits_are_allowed_up_to_the_limit_then_refused():
    allowed = [ratelimit.hit("portal:ip:10.0.0.1", limit=3, window=HOUR, now=NOW) for _ in range(5)]

    assert allowed == [True, True, True, False, False]
    assert ratelimit.peek("portal:ip:10.0.0.1", window=HOUR, now=NOW) == 5


def test_keys_are_counted_apart():
    for _ in range(3):
        ratelimit.hit("portal:ip:10.0.0.1", limit=3, window=HOUR, now=NOW)

    assert ratelimit.hit("portal:ip:10.0.0.2", limit=3, window=HOUR, now=NOW) is True
    assert ratelimit.peek("portal:ip:10.0.0.2", window=HOUR, now=NOW) == 1
    assert ratelimit.peek("portal:device:abc", window=HOUR, now=NOW) == 0


def test_the_window_rolls_over():
    for _ in range(3):
        ratelimit.hit("k", limit=2, window=HOUR, now=NOW)
    end_of_window = NOW + timedelta(minutes=59, seconds=54)  # 10:59:59
    next_window = NOW + timedelta(minutes=59, seconds=55)  # 11:00:00

    assert ratelimit.hit("k", limit=2, window=HOUR, now=end_of_window) is False
    assert ratelimit.hit("k", limit=2, window=HOUR, now=next_window) is True
    assert ratelimit.peek("k", window=HOUR, now=next_window) == 1
    assert RateCounter.objects.filter(key="k").count() == 2


def test_windows_of_different_lengths_do_not_share_a_count():
    ratelimit.hit("k", limit=1, window=60, now=NOW)

    assert ratelimit.hit("k", limit=1, window=60, now=NOW) is False
    assert ratelimit.hit("k", limit=1, window=86400, now=NOW) is True


def test_a_very_long_key_is_cut_the_same_way_every_time():
    key = "portal:device:" + "x" * 400

    ratelimit.hit(key, limit=1, window=HOUR, now=NOW)

    assert ratelimit.hit(key, limit=1, window=HOUR, now=NOW) is False
    assert ratelimit.peek(key, window=HOUR, now=NOW) == 2


def test_purge_removes_only_old_windows():
    ratelimit.hit("old", limit=5, window=HOUR, now=NOW - timedelta(days=2))
    ratelimit.hit("yesterday", limit=5, window=HOUR, now=NOW - timedelta(hours=23))
    ratelimit.hit("now", limit=5, window=HOUR, now=NOW)

    removed = ratelimit.purge(now=NOW)

    assert removed == 1
    assert set(RateCounter.objects.values_list("key", flat=True)) == {"yesterday", "now"}
    assert ratelimit.purge(older_than=timedelta(hours=1), now=NOW) == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["now"]


@pytest.mark.django_db(transaction=True)
def test_hits_from_several_servers_at_once_are_all_counted():
    if connection.vendor == "sqlite":
        pytest.skip("an in-memory SQLite database is not shared between threads")
    workers, hits_each = 4, 5
    start = threading.Barrier(workers)
    answers, errors = [], []

    def server():
        try:
            start.wait()
            for _ in range(hits_each):
                answers.append(ratelimit.hit("busy", limit=12, window=HOUR, now=NOW))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=server) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert ratelimit.peek("busy", window=HOUR, now=NOW) == workers * hits_each
    assert answers.count(True) == 12
    assert RateCounter.objects.filter(key="busy").count() == 1
