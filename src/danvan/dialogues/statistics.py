"""Petition statistics: received, answered on time and late, overdue now, response days and
satisfaction, by unit (with drill-down), agency, field, channel or month, within scope.

The page, its XLSX export and the API all call `petition_statistics_for_user`, so they show the
same numbers. It runs one query over the petitions grouped by the chosen dimension; the totals
are the sums of the groups, except the 90th percentile of response days, which cannot be added
up from the groups and takes one more query over the answered petitions. On PostgreSQL the
percentile is `percentile_cont(0.9)`; on SQLite (development and tests) the answered petitions'
response times are read once more and the same interpolation is done in Python.

Rules of counting:
- merged duplicates and spam are not petitions and are left out of every figure;
- "answered" is answered or closed; on time when the local day of the answer is on or before the
  deadline, late otherwise (also when an answered petition has no answer time);
- "overdue now" is an open petition past its deadline today (`services.deadlines.overdue_q`);
- response days are (answered_at - received_at) in days, for answered petitions;
- satisfaction counts the citizens' replies; the rate is "satisfied" among all replies.
- the period bounds the day the petition was received (local days, both ends included).
"""

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core import drilldown
from danvan.core.templatetags.vn import format_date, format_number
from danvan.dialogues.models import (
    ANSWERED_STATES,
    HIDDEN_STATES,
    OPEN_STATES,
    Category,
    Channel,
    Satisfaction,
)
from danvan.dialogues.selectors import petitions_visible
from danvan.dialogues.services import deadlines
from danvan.territories.models import Level as TerritoryLevel
from danvan.territories.models import Territory

VIEW = "dialogues.view"

UNIT, AGENCY, CATEGORY, CHANNEL, MONTH = "unit", "agency", "category", "channel", "month"
GROUPS = [
    (UNIT, gettext_lazy("Unit")),
    (AGENCY, gettext_lazy("Agency")),
    (CATEGORY, gettext_lazy("Field")),
    (CHANNEL, gettext_lazy("Channel")),
    (MONTH, gettext_lazy("Month")),
]
GROUP_VALUES = [value for value, _label in GROUPS]
# `agency=none`: petitions not assigned to any agency yet.
NO_AGENCY = "none"
SECONDS_PER_DAY = 86400
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
_DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
_DAY_SHAPE = re.compile(r"^\d{1,4}[/-]\d{1,2}[/-]\d{1,4}$")


# --- filters ------------------------------------------------------------------------------------


def parse_day(text: str) -> date | None:
    """A day written dd/mm/yyyy (or yyyy-mm-dd, what date pickers send); None otherwise."""
    text = text.strip()
    if not _DAY_SHAPE.match(text):
        return None
    for pattern in _DAY_FORMATS:
        try:
            day = datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a day, no time
        except ValueError:
            continue
        return day if FIRST_DAY <= day <= LAST_DAY else None
    return None


@dataclass(frozen=True)
class StatisticsFilters:
    """Received from-to (local days, inclusive), field, channel and agency (an id or none)."""

    date_from: date | None = None
    date_to: date | None = None
    category: str = ""
    channel: str = ""
    agency_id: int | None = None
    no_agency: bool = False
    agency_name: str = ""

    @classmethod
    def from_params(cls, params) -> tuple["StatisticsFilters", dict[str, str]]:
        """Filters from query parameters, with a message per parameter that had to be ignored
        (keyed by its name): the page shows them, the API answers 422 with them."""
        from danvan.organisations.models import Organisation

        errors: dict[str, str] = {}

        def get(name: str) -> str:
            return str(params.get(name) or "").strip()[:40]

        days: dict[str, date | None] = {}
        for name in ("date_from", "date_to"):
            text = get(name)
            days[name] = parse_day(text) if text else None
            if text and days[name] is None:
                errors[name] = _(
                    "Enter a date as dd/mm/yyyy between 01/01/2000 and 31/12/2100; "
                    "“%(value)s” was ignored."
                ) % {"value": text}
        low, high = days["date_from"], days["date_to"]
        if low is not None and high is not None and low > high:
            errors["date_to"] = _(
                "The end of the period comes before its start; they were swapped."
            )
            low, high = high, low
        category, channel = get("category"), get("channel")
        if category and category not in Category.values:
            errors["category"] = _("Unknown field “%(value)s” was ignored.") % {"value": category}
            category = ""
        if channel and channel not in Channel.values:
            errors["channel"] = _("Unknown channel “%(value)s” was ignored.") % {"value": channel}
            channel = ""
        agency_text = get("agency")
        agency_id, no_agency, agency_name = None, False, ""
        if agency_text == NO_AGENCY:
            no_agency = True
        elif agency_text:
            agency = None
            if agency_text.isdigit() and len(agency_text) <= 9:
                agency = Organisation.objects.filter(pk=int(agency_text)).first()
            if agency is None:
                errors["agency"] = _("Unknown agency “%(value)s” was ignored.") % {
                    "value": agency_text
                }
            else:
                agency_id, agency_name = agency.pk, agency.name
        filters = cls(
            date_from=low,
            date_to=high,
            category=category,
            channel=channel,
            agency_id=agency_id,
            no_agency=no_agency,
            agency_name=agency_name,
        )
        return filters, errors

    def as_params(self) -> dict:
        """JSON-friendly parameters (links, the export job), read back by `from_params`."""
        params: dict = {}
        if self.date_from:
            params["date_from"] = self.date_from.strftime("%d/%m/%Y")
        if self.date_to:
            params["date_to"] = self.date_to.strftime("%d/%m/%Y")
        if self.category:
            params["category"] = self.category
        if self.channel:
            params["channel"] = self.channel
        if self.no_agency:
            params["agency"] = NO_AGENCY
        elif self.agency_id:
            params["agency"] = self.agency_id
        return params

    def describe(self) -> str:
        parts = []
        if self.date_from and self.date_to:
            parts.append(
                _("Received %(first)s to %(last)s")
                % {"first": format_date(self.date_from), "last": format_date(self.date_to)}
            )
        elif self.date_from:
            parts.append(_("Received from %(day)s") % {"day": format_date(self.date_from)})
        elif self.date_to:
            parts.append(_("Received up to %(day)s") % {"day": format_date(self.date_to)})
        else:
            parts.append(_("All periods"))
        if self.category:
            parts.append(_("Field: %(name)s") % {"name": Category(self.category).label})
        if self.channel:
            parts.append(_("Channel: %(name)s") % {"name": Channel(self.channel).label})
        if self.no_agency:
            parts.append(_("Agency: not assigned yet"))
        elif self.agency_id:
            parts.append(_("Agency: %(name)s") % {"name": self.agency_name})
        return " · ".join(parts)


def parse_group_by(value) -> tuple[str, str | None]:
    """The dimension asked for (unit by default) and a message when the value was unknown."""
    text = str(value or "").strip()[:20]
    if not text:
        return UNIT, None
    if text in GROUP_VALUES:
        return text, None
    choices = ", ".join(GROUP_VALUES)
    return UNIT, _("Group by one of %(choices)s; “%(value)s” was ignored.") % {
        "choices": choices,
        "value": text,
    }


# --- figures ------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The numbers of one group or of the total. Days are Decimals with one decimal place."""

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
    p90_days: Decimal | None = None

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

    def add(self, other: "Figures") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.response_seconds += other.response_seconds
        # A percentile cannot be merged; the caller sets it when it knows it.
        self.p90_days = None


COUNTS = (
    "received",
    "answered",
    "on_time",
    "late",
    "open",
    "overdue",
    "satisfied",
    "partly_satisfied",
    "dissatisfied",
)


def days(seconds) -> Decimal | None:
    if seconds is None:
        return None
    # To the second first: SQLite's julianday() is a float, off by a fraction of a millisecond.
    return (Decimal(round(float(seconds))) / SECONDS_PER_DAY).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def percentile_cont(values: list[float], fraction: float = 0.9) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


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


class Percentile90(Aggregate):
    """percentile_cont(0.9) of an expression (PostgreSQL only)."""

    function = "percentile_cont"
    name = "Percentile90"
    template = "%(function)s(0.9) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _answered_seconds():
    """Response seconds of answered petitions, NULL for the others (aggregates skip NULLs)."""
    return Case(When(status__in=ANSWERED_STATES, then=ResponseSeconds()), output_field=FloatField())


def _measures(on: date, *, with_percentile: bool = True) -> dict:
    answered = Q(status__in=ANSWERED_STATES)
    on_time = answered & Q(answered_at__date__lte=F("deadline"))
    measures = {
        "received": Count("pk"),
        "answered": Count("pk", filter=answered),
        "on_time": Count("pk", filter=on_time),
        "open": Count("pk", filter=Q(status__in=OPEN_STATES)),
        "overdue": Count("pk", filter=deadlines.overdue_q(on)),
        "satisfied": Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        "partly_satisfied": Count("pk", filter=Q(satisfaction=Satisfaction.PARTLY)),
        "dissatisfied": Count("pk", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
        "response_seconds": Sum(_answered_seconds()),
    }
    if with_percentile and connection.vendor == "postgresql":
        measures["p90_seconds"] = Percentile90(_answered_seconds())
    return measures


def _figures(values: dict) -> Figures:
    figures = Figures(**{name: values.get(name) or 0 for name in COUNTS})
    figures.late = figures.answered - figures.on_time
    figures.response_seconds = float(values.get("response_seconds") or 0)
    if "p90_seconds" in values:
        figures.p90_days = days(values["p90_seconds"])
    return figures


# --- the records and their groups ---------------------------------------------------------------


def counted_petitions(user, filters: StatisticsFilters, unit: Territory | None) -> QuerySet:
    """The petitions the statistics count: in scope, under the unit, matching the filters."""
    rows = petitions_visible(user, VIEW).exclude(status__in=HIDDEN_STATES)
    if unit is not None:
        rows = rows.filter(territory__scope_path__under=unit.path)
    if filters.date_from is not None:
        rows = rows.filter(received_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        rows = rows.filter(received_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.no_agency:
        rows = rows.filter(agency__isnull=True)
    elif filters.agency_id is not None:
        rows = rows.filter(agency_id=filters.agency_id)
    # Default orderings would end up in GROUP BY.
    return rows.order_by()


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _group_key(user, unit: Territory | None, group_by: str):
    if group_by == UNIT:
        return drilldown.child_key(user, VIEW, unit)
    if group_by == AGENCY:
        return F("agency_id")
    if group_by == MONTH:
        return TruncMonth("received_at")
    return F(group_by)


def _python_p90(petitions: QuerySet, key=None) -> dict:
    """{group key: p90 seconds} computed in Python (databases without percentile_cont)."""
    answered = petitions.filter(status__in=ANSWERED_STATES, answered_at__isnull=False)
    answered = answered.annotate(seconds=ResponseSeconds())
    values: dict = defaultdict(list)
    if key is None:
        for seconds in answered.values_list("seconds", flat=True):
            values[None].append(seconds)
    else:
        for group, seconds in answered.annotate(group_key=key).values_list("group_key", "seconds"):
            values[group].append(seconds)
    return {group: percentile_cont(items) for group, items in values.items()}


@dataclass
class StatisticsRow:
    key: str  # unit path, agency id, field or channel code, yyyy-mm; "" for leftovers
    label: str
    figures: Figures
    territory: Territory | None = None
    can_drill: bool = False
    month: date | None = None
    drill_url: str | None = None  # set by the page


@dataclass
class PetitionStatistics:
    unit: Territory | None  # None: the user's whole scope
    filters: StatisticsFilters
    group_by: str
    rows: list[StatisticsRow]
    totals: Figures = field(default_factory=Figures)


def petition_statistics_for_user(
    user,
    filters: StatisticsFilters,
    unit: Territory | None,
    group_by: str = UNIT,
    *,
    on: date | None = None,
    with_totals: bool = True,
    with_percentile: bool = True,
    only: tuple[str, ...] | None = None,
) -> PetitionStatistics:
    """The figures per group of `group_by` and in total, within the user's scope.

    Charts that only need counts pass `with_totals=False, with_percentile=False`: one query,
    without the sort the percentile needs; `only` names the counts they need (the others stay
    0), which spares the database the rest.
    """
    if group_by not in GROUP_VALUES:
        raise ValueError(group_by)
    on = on or deadlines.today()
    petitions = counted_petitions(user, filters, unit)
    key = _group_key(user, unit, group_by)
    measures = _measures(on, with_percentile=with_percentile)
    if only is not None:
        measures = {name: m for name, m in measures.items() if name in only}
    by_key: dict = {}
    for values in petitions.annotate(group_key=key).values("group_key").annotate(**measures):
        by_key[values["group_key"]] = _figures(values)
    in_python = with_percentile and connection.vendor != "postgresql"
    if by_key and in_python:
        for group, seconds in _python_p90(petitions, key).items():
            if group in by_key:
                by_key[group].p90_days = days(seconds)

    totals = Figures()
    if with_totals:
        # Every counted petition is in exactly one group, so the counts add up; only the
        # percentile needs the petitions again, and only the answered ones.
        for figures in by_key.values():
            totals.add(figures)
        if with_percentile and totals.answered:
            if in_python:
                totals.p90_days = days(_python_p90(petitions).get(None))
            else:
                answered = petitions.filter(status__in=ANSWERED_STATES)
                totals.p90_days = days(
                    answered.aggregate(p90=Percentile90(ResponseSeconds()))["p90"]
                )
    rows = _rows(user, unit, group_by, by_key, filters)
    return PetitionStatistics(
        unit=unit, filters=filters, group_by=group_by, rows=rows, totals=totals
    )


def _rows(user, unit, group_by: str, by_key: dict, filters: StatisticsFilters) -> list:
    if group_by == UNIT:
        return _unit_rows(user, unit, by_key)
    if group_by == MONTH:
        return _month_rows(by_key)
    if group_by == AGENCY:
        from danvan.organisations.models import Organisation

        names = dict(
            Organisation.objects.filter(pk__in=[k for k in by_key if k is not None]).values_list(
                "pk", "name"
            )
        )
        rows = [
            StatisticsRow(key=str(pk), label=names.get(pk, str(pk)), figures=figures)
            for pk, figures in by_key.items()
            if pk is not None
        ]
        rows.sort(key=lambda r: (-r.figures.received, r.label))
        if None in by_key:
            rows.append(
                StatisticsRow(key=NO_AGENCY, label=_("Not assigned yet"), figures=by_key[None])
            )
        return rows
    choices = Category.choices if group_by == CATEGORY else Channel.choices
    return [
        StatisticsRow(key=value, label=str(label), figures=by_key.get(value) or Figures())
        for value, label in choices
        if value in by_key or not (filters.category if group_by == CATEGORY else filters.channel)
    ]


def _unit_rows(user, unit, by_key: dict) -> list[StatisticsRow]:
    rows = []
    children = drilldown.child_units(user, VIEW, unit)
    for child in children:
        rows.append(
            StatisticsRow(
                key=child.path,
                label=child.name,
                figures=by_key.pop(child.path, None) or Figures(),
                territory=child,
                can_drill=child.level != TerritoryLevel.COMMUNE,
            )
        )
    # What is left was filed at the unit itself, or under a historic unit whose area went to
    # several units below it (its scope_path stops at this unit).
    leftover = Figures()
    for figures in by_key.values():
        leftover.add(figures)
    if len(by_key) == 1:
        leftover.p90_days = next(iter(by_key.values())).p90_days
    if unit is not None and not children:
        # A commune: its own figures are the only row.
        rows.append(StatisticsRow(key=unit.path, label=unit.name, figures=leftover, territory=unit))
    elif leftover.received:
        name = unit.name if unit is not None else _("the country")
        label = _("Directly under %(unit)s") % {"unit": name}
        rows.append(StatisticsRow(key="", label=label, figures=leftover))
    return rows


def _month_rows(by_key: dict) -> list[StatisticsRow]:
    """Every month from the first to the last with petitions, the empty ones included."""
    firsts = {}
    for moment, figures in by_key.items():
        if moment is None:
            continue
        day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
        firsts[day.replace(day=1)] = figures
    if not firsts:
        return []
    month, last = min(firsts), max(firsts)
    rows = []
    while month <= last:
        rows.append(
            StatisticsRow(
                key=month.strftime("%Y-%m"),
                label=month.strftime("%m/%Y"),
                figures=firsts.get(month) or Figures(),
                month=month,
            )
        )
        month = (month + timedelta(days=32)).replace(day=1)
    return rows


# --- the unit shown, words -----------------------------------------------------------------------


def statistics_unit_for_user(user, territory_id: int | None = None) -> Territory | None:
    return drilldown.unit_for_user(user, VIEW, territory_id)


def unit_breadcrumb(user, unit: Territory | None) -> list[Territory]:
    return drilldown.unit_breadcrumb(user, VIEW, unit)


def statistics_summary(data: PetitionStatistics) -> str:
    """One sentence, e.g. "1.234 petitions received; 1.000 answered, 900 on time; 12 overdue now."."""
    totals = data.totals
    return _(
        "%(received)s petitions received; %(answered)s answered, %(on_time)s of them on time; "
        "%(overdue)s overdue now."
    ) % {
        "received": format_number(totals.received),
        "answered": format_number(totals.answered),
        "on_time": format_number(totals.on_time),
        "overdue": format_number(totals.overdue),
    }


def describe(data: PetitionStatistics) -> str:
    """The unit and filters as a line of text (the export's second line)."""
    unit = data.unit.name if data.unit else _("all units in scope")
    return " · ".join([_("Unit: %(unit)s") % {"unit": unit}, data.filters.describe()])


# Columns shared by the page, the export and the API: (attribute, label, kind).
COLUMNS = [
    ("received", gettext_lazy("Received"), "int"),
    ("answered", gettext_lazy("Answered"), "int"),
    ("on_time", gettext_lazy("Answered on time"), "int"),
    ("late", gettext_lazy("Answered late"), "int"),
    ("on_time_rate", gettext_lazy("On time (%)"), "percent"),
    ("open", gettext_lazy("Open"), "int"),
    ("overdue", gettext_lazy("Overdue now"), "int"),
    ("average_days", gettext_lazy("Average response days"), "decimal"),
    ("p90_days", gettext_lazy("90th percentile response days"), "decimal"),
    ("satisfied", gettext_lazy("Satisfied"), "int"),
    ("partly_satisfied", gettext_lazy("Partly satisfied"), "int"),
    ("dissatisfied", gettext_lazy("Not satisfied"), "int"),
    ("satisfaction_rate", gettext_lazy("Satisfied (%)"), "percent"),
]
