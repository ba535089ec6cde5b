"""Petition figures: the counting rules of the statistics, and the same counts kept in advance.

Counting a nationwide scope live means reading two million petitions; the statistics page must
answer in a fraction of a second. So the counts are also kept per unit, month of receipt and
one facet (field, channel or agency) in `PetitionFigures`, with a rollup per province:

- every change of a petition recounts its unit and month in the same transaction: saves through
  a `post_save` receiver, lifecycle steps through the workflow's `on_applied` hook, the few
  other `QuerySet.update` writes and moves to another unit or month by explicit calls; on
  PostgreSQL under a per-province lock, so two officers of one province never write the same
  rows at once;
- "overdue now" depends on the day, so the rows are only used when `PetitionFiguresState.as_of`
  is today; the worker rebuilds them all shortly after midnight (`tasks.refresh_figures`), and
  until it has, the statistics count live (right, only slower);
- `danvan petition-figures --check` compares every row with a live count.

Both paths share the rules below (`count`), so they cannot disagree.
"""

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from danvan.core.demo.bulk import copy_rows
from danvan.dialogues.models import (
    ANSWERED_STATES,
    HIDDEN_STATES,
    OPEN_STATES,
    RESPONSE_DAYS_COUNTED,
    FigureFacet,
    Petition,
    PetitionFigures,
    PetitionFiguresState,
    Satisfaction,
)
from danvan.dialogues.services import deadlines
from danvan.territories.models import Era, Level, Territory

logger = logging.getLogger(__name__)

SECONDS_PER_DAY = 86400
# The lock namespace of `pg_advisory_xact_lock(namespace, province id)`.
LOCK_NAMESPACE = 6006
COUNTS = (
    "received",
    "answered",
    "on_time",
    "open",
    "overdue",
    "satisfied",
    "partly_satisfied",
    "dissatisfied",
)
DAY_COLUMNS = tuple(f"days_{d}" for d in range(RESPONSE_DAYS_COUNTED + 1))
FACET_FIELDS = {
    FigureFacet.CATEGORY: "category",
    FigureFacet.CHANNEL: "channel",
    FigureFacet.AGENCY: "agency_id",
}


# --- the figures of one group --------------------------------------------------------------------


def days(seconds) -> Decimal | None:
    if seconds is None:
        return None
    # To the second first: SQLite's julianday() is a float, off by a fraction of a millisecond.
    return (Decimal(round(float(seconds))) / SECONDS_PER_DAY).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _empty_histogram() -> list[int]:
    return [0] * (RESPONSE_DAYS_COUNTED + 1)


@dataclass
class Figures:
    """The numbers of one group or of a total. `histogram[d]`: answered petitions that took d
    days (rounded up) to answer, the last entry d days or more."""

    received: int = 0
    answered: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0
    satisfied: int = 0
    partly_satisfied: int = 0
    dissatisfied: int = 0
    response_seconds: float = 0.0  # summed over the answered petitions
    histogram: list[int] = field(default_factory=_empty_histogram)

    @staticmethod
    def percent(part: int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def on_time_rate(self) -> Decimal | None:
        """Answered on time, in percent of the answered."""
        return self.percent(self.on_time, self.answered)

    @property
    def rated(self) -> int:
        return self.satisfied + self.partly_satisfied + self.dissatisfied

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """Satisfied, in percent of the citizens who said how satisfied they were."""
        return self.percent(self.satisfied, self.rated)

    @property
    def average_days(self) -> Decimal | None:
        if not self.answered:
            return None
        return days(self.response_seconds / self.answered)

    @property
    def p90_days(self) -> int | None:
        """Nine in ten answered petitions took at most this many whole days (the smallest such
        number; `RESPONSE_DAYS_COUNTED` reads "that many or more")."""
        timed = sum(self.histogram)
        if not timed:
            return None
        needed = -(-timed * 9 // 10)  # 0.9 of them, rounded up
        seen = 0
        for day, count in enumerate(self.histogram):
            seen += count
            if seen >= needed:
                return day
        return RESPONSE_DAYS_COUNTED

    @property
    def p90_capped(self) -> bool:
        """The 90th percentile reached the last day counted: it reads "that many or more"."""
        return self.p90_days == RESPONSE_DAYS_COUNTED

    def add(self, other: "Figures") -> None:
        for name in (*COUNTS, "late"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.response_seconds += other.response_seconds
        self.histogram = [a + b for a, b in zip(self.histogram, other.histogram, strict=True)]


# --- counting petitions live ---------------------------------------------------------------------


class ResponseSeconds(Func):
    """Seconds from receiving a petition to answering it (NULL without an answer time)."""

    output_field = FloatField()

    def __init__(self) -> None:
        super().__init__(F("answered_at"), F("received_at"))

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class ResponseDays(Func):
    """Whole days from receipt to answer, rounded up from the second: 0 to the last day counted
    (anything longer is put on the last day)."""

    template = (
        "MIN(MAX((CAST(ROUND(%(expressions)s) AS BIGINT) + 86399) / 86400, 0), "
        f"{RESPONSE_DAYS_COUNTED})"
    )

    def __init__(self) -> None:
        super().__init__(ResponseSeconds(), output_field=IntegerField())

    def as_postgresql(self, compiler, connection, **extra_context):
        template = (
            "LEAST(GREATEST((ROUND(%(expressions)s)::bigint + 86399) / 86400, 0), "
            f"{RESPONSE_DAYS_COUNTED})"
        )
        return super().as_sql(compiler, connection, template=template, **extra_context)


def _measures(on: date) -> dict:
    answered = Q(status__in=ANSWERED_STATES)
    on_time = answered & Q(answered_at__date__lte=F("deadline"))
    return {
        "received": Count("pk"),
        "answered": Count("pk", filter=answered),
        "on_time": Count("pk", filter=on_time),
        "open": Count("pk", filter=Q(status__in=OPEN_STATES)),
        "overdue": Count("pk", filter=deadlines.overdue_q(on)),
        "satisfied": Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        "partly_satisfied": Count("pk", filter=Q(satisfaction=Satisfaction.PARTLY)),
        "dissatisfied": Count("pk", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
        "response_seconds": Sum(ResponseSeconds(), filter=answered, output_field=FloatField()),
    }


def figures_from(values: dict) -> Figures:
    figures = Figures(**{name: values.get(name) or 0 for name in COUNTS})
    figures.late = figures.answered - figures.on_time
    figures.response_seconds = float(values.get("response_seconds") or 0)
    return figures


def count(
    petitions: QuerySet, keys: dict, on: date, *, only: tuple[str, ...] | None = None
) -> dict[tuple, Figures]:
    """Figures of `petitions` grouped by the expressions `keys` (name → expression), keyed by
    the tuple of their values. Two queries: the counts, then the answered petitions per day
    taken (skipped when `only` names the counts wanted and leaves the days out)."""
    petitions = petitions.exclude(status__in=HIDDEN_STATES).order_by()
    names = list(keys)
    measures = _measures(on)
    if only is not None:
        measures = {name: m for name, m in measures.items() if name in only}
    by_key: dict[tuple, Figures] = {}
    grouped = petitions.annotate(**keys).values(*names)
    for values in grouped.annotate(**measures):
        by_key[tuple(values[n] for n in names)] = figures_from(values)
    if only is None or "histogram" in only:
        answered = petitions.filter(status__in=ANSWERED_STATES, answered_at__isnull=False)
        per_day = answered.annotate(**keys, response_days=ResponseDays()).values(
            *names, "response_days"
        )
        for values in per_day.annotate(n=Count("pk")):
            figures = by_key.get(tuple(values[n] for n in names))
            if figures is not None:
                figures.histogram[values["response_days"]] += values["n"]
    return by_key


# --- the rows kept in advance --------------------------------------------------------------------


def month_of(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    following = (month + timedelta(days=32)).replace(day=1)
    start = timezone.make_aware(datetime.combine(month, time.min))
    return start, timezone.make_aware(datetime.combine(following, time.min))


def province_path(scope_path: str) -> str | None:
    """ "2025/48/20341/" → "2025/48/" (the province a unit rolls up to)."""
    parts = scope_path.split("/")
    return "/".join(parts[:2]) + "/" if len(parts) > 2 and parts[1] else None


def _lock(province_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, province_id])


# The columns written, in the order of the tuples below.
COLUMNS = (
    "territory",
    "rollup",
    "month",
    "facet",
    "value",
    *COUNTS,
    "response_seconds",
    *DAY_COLUMNS,
)


def _unit_rows(petitions: QuerySet, on: date) -> list[tuple]:
    """The unit rows of `petitions`: per unit and month, the total and each facet value."""
    base = {"key_unit": F("territory_id"), "key_month": TruncMonth("received_at", DateField())}
    rows = []
    for facet in FigureFacet:
        keys = dict(base)
        if facet:
            keys["key_value"] = F(FACET_FIELDS[facet])
        for key, figures in count(petitions, keys, on).items():
            value = key[2] if facet else ""
            value = "none" if value is None else str(value)
            rows.append((key[0], False, key[1], facet.value, value, *_numbers_of(figures)))
    return rows


def _numbers_of(figures: Figures) -> tuple:
    counts = (getattr(figures, name) for name in COUNTS)
    return (*counts, figures.response_seconds, *figures.histogram)


def _rollup_rows(province, months: Iterable[date] | None, only: Q | None = None) -> list[tuple]:
    """The province's rows: its unit rows (its own and every unit that rolls up to it) added;
    `only` narrows them (a recount redoes only the facet values it touched)."""
    units = PetitionFigures.objects.filter(rollup=False, territory__scope_path__under=province.path)
    if months is not None:
        units = units.filter(month__in=list(months))
    if only is not None:
        units = units.filter(only)
    summed = (*COUNTS, "response_seconds", *DAY_COLUMNS)
    sums = {name: Sum(name) for name in summed}
    return [
        (province.pk, True, v["month"], v["facet"], v["value"], *(v[n] or 0 for n in summed))
        for v in units.values("month", "facet", "value").annotate(**sums).order_by()
    ]


def _write(rows: list[tuple]) -> int:
    copy_rows(PetitionFigures, COLUMNS, rows, batch_size=2000)
    return len(rows)


def _current_provinces():
    return Territory.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("path")


def _provinces(paths: Iterable[str]) -> dict:
    return {t.path: t for t in Territory.objects.filter(path__in=set(paths)).order_by("path")}


_deferral = threading.local()


@contextmanager
def deferred():
    """Changes inside the block only note their (unit, month) pairs; each is recounted once
    when the block ends (a bulk step over many petitions of the same units and months)."""
    if getattr(_deferral, "keys", None) is not None:  # already inside one
        yield
        return
    _deferral.keys = set()
    try:
        yield
        keys = _deferral.keys
    finally:
        _deferral.keys = None
    refresh(keys)


def refresh(keys: Iterable[tuple[int, date]], *, on: date | None = None) -> int:
    """Recount the rows of these (unit id, month) pairs and their provinces' rollups."""
    keys = set(keys)
    pending = getattr(_deferral, "keys", None)
    if pending is not None:
        pending.update(keys)
        return 0
    if not keys:
        return 0
    on = on or deadlines.today()
    scope_paths = dict(
        Territory.objects.filter(pk__in={t for t, _m in keys}).values_list("pk", "scope_path")
    )
    by_province: dict[str, set] = defaultdict(set)
    for territory_id, month in keys:
        path = province_path(scope_paths.get(territory_id, ""))
        if path:
            by_province[path].add((territory_id, month))
    written = 0
    with transaction.atomic():
        provinces = _provinces(by_province)
        for path, province in provinces.items():  # in path order: locks taken in one order
            _lock(province.pk)
            pairs = by_province[path]
            where = Q()
            for territory_id, month in pairs:
                start, end = _month_bounds(month)
                where |= Q(territory_id=territory_id, received_at__gte=start, received_at__lt=end)
            stale = Q()
            for territory_id, month in pairs:
                stale |= Q(territory_id=territory_id, month=month)
            old = PetitionFigures.objects.filter(stale, rollup=False)
            # A province has hundreds of agencies: only those of these units are recounted.
            agencies = set(old.filter(facet=FigureFacet.AGENCY).values_list("value", flat=True))
            old.delete()
            rows = _unit_rows(Petition.objects.filter(where), on)
            agencies.update(row[4] for row in rows if row[3] == FigureFacet.AGENCY)
            written += _write(rows)
            months = {month for _t, month in pairs}
            touched = ~Q(facet=FigureFacet.AGENCY) | Q(value__in=agencies)
            PetitionFigures.objects.filter(
                touched, rollup=True, territory=province, month__in=months
            ).delete()
            written += _write(_rollup_rows(province, months, touched))
    return written


def refresh_petitions(petitions: Iterable[Petition]) -> int:
    return refresh({(p.territory_id, month_of(p.received_at)) for p in petitions})


def rebuild(*, on: date | None = None) -> int:
    """Recount every row, one province per transaction, then mark the rows correct for `on`."""
    on = on or deadlines.today()
    started = timezone.now()
    written = 0
    for province in _current_provinces():
        with transaction.atomic():
            _lock(province.pk)
            PetitionFigures.objects.filter(
                Q(rollup=True, territory=province)
                | Q(rollup=False, territory__scope_path__under=province.path)
            ).delete()
            petitions = Petition.objects.filter(territory__scope_path__under=province.path)
            written += _write(_unit_rows(petitions, on))
            written += _write(_rollup_rows(province, None))
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner: the table was just rewritten.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dialogues_petitionfigures")
    PetitionFiguresState.objects.update_or_create(
        pk=1, defaults={"as_of": on, "rebuilt_at": started}
    )
    logger.info("petition figures rebuilt for %s: %s rows", on, written)
    return written


def is_current(on: date) -> bool:
    """Are the kept rows right for day `on` (so the statistics may read them)?"""
    state = PetitionFiguresState.objects.filter(pk=1).values_list("as_of", flat=True).first()
    return state == on


def mark_stale() -> None:
    """After units were re-mapped: count live until the next rebuild."""
    PetitionFiguresState.objects.filter(pk=1).update(as_of=None)


def ensure_current(*, on: date | None = None) -> bool:
    """Rebuild when the rows are not for today; True if it rebuilt."""
    on = on or deadlines.today()
    if is_current(on):
        return False
    rebuild(on=on)
    return True


# --- checking ------------------------------------------------------------------------------------


def differences(*, limit: int = 20) -> list[str]:
    """Kept rows that differ from a live count (empty when all agree), rollups included."""
    on = PetitionFiguresState.objects.filter(pk=1).values_list("as_of", flat=True).first()
    if on is None:
        return ["not built"]
    expected = _unit_rows(Petition.objects.all(), on)
    # The rollups as they must be: the live unit rows added per province.
    per_province: dict[tuple, list] = {}
    province_of = {p.path: p.pk for p in _current_provinces()}
    paths = dict(Territory.objects.values_list("pk", "scope_path"))
    for row in expected:
        province = province_of.get(province_path(paths[row[0]]) or "")
        if province is None:
            continue
        key = (province, True, *row[2:5])
        numbers = row[5:]
        old = per_province.get(key)
        per_province[key] = (
            numbers if old is None else [a + b for a, b in zip(old, numbers, strict=True)]
        )
    expected += [(*key, *numbers) for key, numbers in per_province.items()]
    kept = PetitionFigures.objects.values_list(*[_attname(c) for c in COLUMNS])
    by_key = {tuple(row[:5]): _rounded(row[5:]) for row in kept}
    live = {tuple(row[:5]): _rounded(row[5:]) for row in expected}
    problems = []
    for key in sorted(set(by_key) | set(live), key=str):
        if by_key.get(key) != live.get(key):
            problems.append(f"{key}: kept {by_key.get(key)}, live {live.get(key)}")
            if len(problems) >= limit:
                break
    return problems


def _attname(column: str) -> str:
    return "territory_id" if column == "territory" else column


def _rounded(numbers) -> tuple:
    # Summed seconds are floats: compare them to the second.
    return tuple(round(n) for n in numbers)
