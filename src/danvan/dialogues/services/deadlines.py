"""Deadlines of petitions: which rule applies, when an answer is due, what is overdue.

Rules are data (`DeadlineRule`). For a petition of category C through channel H in unit U the
most specific rule wins: a rule of the nearest unit above U (or U itself) beats a national rule;
within the same unit, category and channel both matching beats category only, which beats
channel only, which beats the catch-all. Without any rule, `DEFAULT_DAYS` applies (the domain
brief: a province setting, 15 days by default). Days are calendar days.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from danvan.dialogues.models import OPEN_STATES, DeadlineRule

DEFAULT_DAYS = 15
DEFAULT_DUE_SOON_DAYS = 3
DEFAULT_ESCALATE_AFTER_DAYS = 7


@dataclass(frozen=True)
class Terms:
    days: int
    due_soon_days: int
    escalate_after_days: int
    rule_id: int | None = None


DEFAULT_TERMS = Terms(DEFAULT_DAYS, DEFAULT_DUE_SOON_DAYS, DEFAULT_ESCALATE_AFTER_DAYS)


def _prefixes(scope_path: str) -> list[str]:
    """ "2025/48/20341/" -> ["2025/48/", "2025/48/20341/"]: the unit and the units above it."""
    parts = scope_path.strip("/").split("/")
    return ["/".join(parts[: n + 1]) + "/" for n in range(1, len(parts))]


def terms_for(*, territory, category: str, channel: str) -> Terms:
    """The terms that apply to a petition of `category` via `channel` filed in `territory`."""
    prefixes = _prefixes(territory.scope_path) if territory is not None else []
    rules = list(
        DeadlineRule.objects.filter(
            Q(territory__isnull=True) | Q(territory__path__in=prefixes),
            Q(category="") | Q(category=category),
            Q(channel="") | Q(channel=channel),
        ).select_related("territory")
    )
    if not rules:
        return DEFAULT_TERMS

    def specificity(rule: DeadlineRule) -> tuple[int, int]:
        depth = len(rule.territory.path) if rule.territory_id else 0
        return depth, (2 if rule.category else 0) + (1 if rule.channel else 0)

    best = max(rules, key=specificity)
    return Terms(best.days, best.due_soon_days, best.escalate_after_days, best.pk)


def deadline_from(received: datetime | date, days: int) -> date:
    day = timezone.localdate(received) if isinstance(received, datetime) else received
    return day + timedelta(days=days)


def today(now: datetime | None = None) -> date:
    return timezone.localdate(now) if now is not None else timezone.localdate()


def overdue_q(on: date) -> Q:
    """Petitions still open whose deadline has passed by `on`."""
    return Q(status__in=OPEN_STATES, deadline__lt=on)


def due_soon_q(on: date, days: int = DEFAULT_DUE_SOON_DAYS) -> Q:
    return Q(status__in=OPEN_STATES, deadline__gte=on, deadline__lte=on + timedelta(days=days))


def is_overdue(petition, on: date | None = None) -> bool:
    return petition.status in OPEN_STATES and petition.deadline < (on or today())


def days_late(petition, on: date | None = None) -> int:
    """Days past the deadline: for an open petition until `on`, for an answered one until the answer."""
    if petition.answered_at is not None and petition.status not in OPEN_STATES:
        end = timezone.localdate(petition.answered_at)
    else:
        end = on or today()
    return max(0, (end - petition.deadline).days)
