"""Petition statistics: received, answered on time and late, overdue now, response days and
satisfaction, by unit (with drill-down), agency, field, channel or month, within scope.

The page, its XLSX export and the API all call `petition_statistics_for_user`, so they show the
same numbers. They are read from the counts kept per unit and month (`dialogues.figures`) when
those can answer, else counted from the petitions with the same rules. The totals are the sums
of the groups; the 90th percentile of response days comes from the days-taken counts.

Rules of counting:
- merged duplicates and spam are not petitions and are left out of every figure;
- "answered" is answered or closed; on time when the local day of the answer is on or before the
  deadline, late otherwise (also when an answered petition has no answer time);
- "overdue now" is an open petition past its deadline today (`services.deadlines.overdue_q`);
- response days are (answered_at - received_at) in days, for answered petitions; the average is
  exact, the 90th percentile is the smallest whole number of days within which nine in ten of
  them were answered;
- satisfaction counts the citizens' replies; the rate is "satisfied" among all replies.
- the period bounds the day the petition was received (local days, both ends included).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import DateField, F, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core import drilldown, scope
from danvan.core.templatetags.vn import format_date, format_number
from danvan.dialogues import figures
from danvan.dialogues.models import (
    HIDDEN_STATES,
    Category,
    Channel,
    FigureFacet,
    PetitionFigures,
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


# --- figures: the counting rules live in `dialogues.figures`, shared with the kept counts -------

Figures = figures.Figures


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
        return TruncMonth("received_at", DateField())
    return F(group_by)


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
    only: tuple[str, ...] | None = None,
) -> PetitionStatistics:
    """The figures per group of `group_by` and in total, within the user's scope.

    They come from the counts kept in advance when those can answer (rows correct for today,
    whole months, at most one of field, channel and agency involved), else from the petitions.
    Charts that only need some counts name them in `only` (the others stay 0).
    """
    if group_by not in GROUP_VALUES:
        raise ValueError(group_by)
    on = on or deadlines.today()
    facet = _kept_facet(filters, group_by)
    if facet is not None and figures.is_current(on):
        by_key = _kept_counts(user, unit, group_by, facet, filters)
    else:
        petitions = counted_petitions(user, filters, unit)
        key = _group_key(user, unit, group_by)
        by_key = {
            group[0]: f
            for group, f in figures.count(petitions, {"group_key": key}, on, only=only).items()
        }
    totals = Figures()
    if with_totals:
        # Every counted petition is in exactly one group, so the groups add up to the total,
        # the days taken included (the 90th percentile is read from those).
        for group_figures in by_key.values():
            totals.add(group_figures)
    rows = _rows(user, unit, group_by, by_key, filters)
    return PetitionStatistics(
        unit=unit, filters=filters, group_by=group_by, rows=rows, totals=totals
    )


def _kept_facet(filters: StatisticsFilters, group_by: str) -> str | None:
    """The facet of the kept rows that answers this question, or None when none does: a
    period that does not start and end with a month, or two of field, channel and agency."""
    first, last = filters.date_from, filters.date_to
    if first is not None and first.day != 1:
        return None
    if last is not None and (last + timedelta(days=1)).day != 1:
        return None
    wanted = set()
    if filters.category or group_by == CATEGORY:
        wanted.add(FigureFacet.CATEGORY)
    if filters.channel or group_by == CHANNEL:
        wanted.add(FigureFacet.CHANNEL)
    if filters.agency_id is not None or filters.no_agency or group_by == AGENCY:
        wanted.add(FigureFacet.AGENCY)
    if len(wanted) > 1:
        return None
    return wanted.pop().value if wanted else FigureFacet.NONE.value


def _kept_counts(user, unit, group_by: str, facet: str, filters: StatisticsFilters) -> dict:
    """{group key: Figures} from the kept rows, keyed like the live count."""
    whole_country = unit is None and scope.scope_paths(user, VIEW) is None
    # A province's rollup row stands for all its units' rows: the country reads only those.
    rows = PetitionFigures.objects.filter(rollup=whole_country, facet=facet)
    if not whole_country:
        rows = scope.filter(user, VIEW, rows)
    if unit is not None:
        rows = rows.filter(territory__scope_path__under=unit.path)
    if filters.date_from is not None:
        rows = rows.filter(month__gte=filters.date_from)
    if filters.date_to is not None:
        rows = rows.filter(month__lte=filters.date_to)
    for name in (filters.category, filters.channel):
        if name:
            rows = rows.filter(value=name)
    if filters.no_agency:
        rows = rows.filter(value="none")
    elif filters.agency_id is not None:
        rows = rows.filter(value=str(filters.agency_id))
    if group_by in (CATEGORY, CHANNEL, AGENCY):
        key = F("value")
    elif group_by == MONTH:
        key = F("month")
    else:
        key = drilldown.child_key(user, VIEW, unit)
    sums = {n: Sum(n) for n in (*figures.COUNTS, "response_seconds", *figures.DAY_COLUMNS)}
    by_key = {}
    for values in rows.order_by().annotate(group_key=key).values("group_key").annotate(**sums):
        group = figures.figures_from(values)
        group.histogram = [values[c] or 0 for c in figures.DAY_COLUMNS]
        group_key = values["group_key"]
        if group_by == AGENCY:
            group_key = None if group_key == "none" else int(group_key)
        by_key[group_key] = group
    return by_key


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
    for group in by_key.values():
        leftover.add(group)
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
    for moment, group in by_key.items():
        if moment is None:
            continue
        day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
        firsts[day.replace(day=1)] = group
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
    ("p90_days", gettext_lazy("90th percentile response days"), "int"),
    ("satisfied", gettext_lazy("Satisfied"), "int"),
    ("partly_satisfied", gettext_lazy("Partly satisfied"), "int"),
    ("dissatisfied", gettext_lazy("Not satisfied"), "int"),
    ("satisfaction_rate", gettext_lazy("Satisfied (%)"), "percent"),
]
