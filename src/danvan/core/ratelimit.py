"""Fixed-window rate limits kept in the database, so every app server counts together.

    if not ratelimit.hit(f"portal-submit:ip:{ip}", limit=5, window=3600):
        ... refuse with a clear message ...

A window is counted by one row per key, advanced with a single UPDATE; old rows are removed by
`purge` (a periodic task).
"""

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from danvan.core.models import RateCounter


def _window_start(now: datetime, window: int) -> datetime:
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % window, tz=UTC)


def hit(key: str, *, limit: int, window: int, now: datetime | None = None) -> bool:
    """Count one hit of `key`; False when it is over `limit` hits in the current `window` seconds."""
    now = now or timezone.now()
    start = _window_start(now, window)
    key = key[:200]
    counters = RateCounter.objects.filter(key=key, window_start=start)
    # One transaction: the UPDATE keeps the row locked until commit, so the count read back is
    # this hit's own and not one that a concurrent hit has already moved on.
    with transaction.atomic():
        if not counters.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:
                counters.update(count=F("count") + 1)
        count = counters.values_list("count", flat=True).first() or 0
    return count <= limit


def peek(key: str, *, window: int, now: datetime | None = None) -> int:
    """Hits of `key` so far in the current window, without counting one."""
    start = _window_start(now or timezone.now(), window)
    return (
        RateCounter.objects.filter(key=key[:200], window_start=start)
        .values_list("count", flat=True)
        .first()
        or 0
    )


def purge(*, older_than: timedelta = timedelta(days=1), now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - older_than
    deleted, _ = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
