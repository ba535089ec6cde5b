"""Progress reports of a plan or of a campaign: figures typed by hand or computed from a source.

Every function here takes the owner (a `Plan` or a `Campaign`) or a report of either, so the
plans and campaigns pages share one set of rules: the owner's unit decides who may act, values
of computed indicators come only from their source, and a submitted report is frozen until a
leader reopens it.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.core import indicators, scope, workflow
from danvan.core.errors import ConflictError, DomainError
from danvan.core.search import nfc
from danvan.plans.models import (
    Campaign,
    Indicator,
    IndicatorValue,
    Period,
    Plan,
    ProgressReport,
    ReportStatus,
    period_bounds,
)
from danvan.plans.transitions import report_lifecycle

# DecimalField(max_digits=16, decimal_places=2): 14 digits before the point.
MAX_VALUE = Decimal("99999999999999.99")
CENT = Decimal("0.01")
NOTE_MAX = 500

Owner = Plan | Campaign


def owner_of(report: ProgressReport) -> Owner:
    return report.plan if report.plan_id else report.campaign


def owner_lookup(owner: Owner) -> dict:
    """The keyword that ties an indicator or a report to `owner` ({"plan": p} or {"campaign": c})."""
    if isinstance(owner, Plan):
        return {"plan": owner}
    if isinstance(owner, Campaign):
        return {"campaign": owner}
    raise TypeError(f"Not a plan or a campaign: {owner!r}")


def owner_years(owner: Owner) -> range:
    """The years in which `owner` may report."""
    if isinstance(owner, Plan):
        return range(owner.year, owner.year + 1)
    return range(owner.starts_on.year, owner.ends_on.year + 1)


def report_bounds(report: ProgressReport) -> tuple[date, date]:
    """The dates a report's figures cover; a campaign's never reach outside its own run."""
    first, last = period_bounds(report.year, report.period)
    owner = owner_of(report)
    if isinstance(owner, Campaign):
        first, last = max(first, owner.starts_on), min(last, owner.ends_on)
    return first, last


def _check_period(owner: Owner, year, period) -> tuple[int, str]:
    if period not in Period.values:
        raise DomainError(_("Choose a reporting period."), code="period", field="period")
    if isinstance(year, bool) or not isinstance(year, int) or year not in owner_years(owner):
        years = owner_years(owner)
        raise DomainError(
            _("The report year must be between %(first)s and %(last)s.")
            % {"first": years.start, "last": years.stop - 1},
            code="year",
            field="year",
        )
    if isinstance(owner, Campaign):
        first, last = period_bounds(year, period)
        if last < owner.starts_on or first > owner.ends_on:
            raise DomainError(
                _("The campaign does not run during this period."), code="period", field="period"
            )
    return year, period


def progress_report_get_or_create(*, owner: Owner, year: int, period: str, actor) -> ProgressReport:
    """The owner's report for one period, created empty (draft) the first time it is asked for."""
    scope.require(actor, "plans.view", owner.territory)
    year, period = _check_period(owner, year, period)
    lookup = {**owner_lookup(owner), "year": year, "period": period}
    existing = ProgressReport.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    scope.require(actor, "plans.change", owner.territory)
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(**lookup)
            audit.record_one(
                audit.Action.CREATE,
                report,
                actor=actor,
                changes={"year": year, "period": period},
            )
    except IntegrityError:
        # Someone opened the same period at the same moment: theirs is the report.
        return ProgressReport.objects.get(**lookup)
    return report


def parse_value(raw) -> Decimal | None:
    """A figure as typed (`1.234,5`, `12,5`, `1234.5`) or given by the API; None when empty."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise DomainError(_("Enter a number."), code="value")
    if isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        text = text.rstrip("%")
        if "," in text:
            # Vietnamese: dots group thousands, the comma is the decimal sign.
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1 or (
            text.count(".") == 1 and len(text.split(".")[1]) == 3 and len(text) > 4
        ):
            # "1.234" and "1.234.567" are thousands; "12.5" stays a decimal.
            text = text.replace(".", "")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise DomainError(
                _("“%(value)s” is not a number.") % {"value": raw}, code="value"
            ) from exc
    return check_value(value)


def check_value(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite():
        raise DomainError(_("Enter a number."), code="value")
    if value < 0:
        raise DomainError(_("Figures cannot be negative."), code="value")
    if value > MAX_VALUE:
        raise DomainError(_("This figure is too large."), code="value")
    if value != value.quantize(CENT):
        raise DomainError(_("Use at most two decimal places."), code="value")
    return value.quantize(CENT)


def _lock_draft(report: ProgressReport, version: int | None) -> ProgressReport:
    current = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if version is not None and current.version != version:
        raise ConflictError()
    if current.status != ReportStatus.DRAFT:
        raise DomainError(
            _("This report was submitted; a leader must reopen it before figures change."),
            code="submitted",
        )
    return current


def _bump(report: ProgressReport) -> None:
    ProgressReport.objects.filter(pk=report.pk).update(
        version=report.version + 1, updated_at=timezone.now()
    )
    report.refresh_from_db()


def _value_key(indicator: Indicator) -> str:
    return f"indicator:{indicator.pk}"


@transaction.atomic
def progress_values_save(
    *,
    report: ProgressReport,
    values: dict[int, Decimal | None],
    notes: dict[int, str] | None = None,
    version: int | None,
    actor,
    note: str | None = None,
) -> ProgressReport:
    """Store the figures typed by hand (and the per-indicator notes) of a draft report.

    Computed indicators are refused: their values come only from `progress_compute`. `note`
    is the report's overall assessment.
    """
    owner = owner_of(report)
    scope.require(actor, "plans.change", owner.territory)
    current = _lock_draft(report, version)
    notes = notes or {}
    by_id = {
        i.pk: i for i in Indicator.objects.filter(**owner_lookup(owner), pk__in={*values, *notes})
    }
    unknown = {*values, *notes} - set(by_id)
    if unknown:
        raise DomainError(_("Some indicators do not belong to this report."), code="indicator")
    cleaned: dict[int, Decimal | None] = {}
    for pk, raw in values.items():
        indicator = by_id[pk]
        if indicator.source:
            raise DomainError(
                _("“%(name)s” is computed from the platform's records and cannot be typed.")
                % {"name": indicator.name},
                code="computed",
                field=f"value_{pk}",
            )
        try:
            cleaned[pk] = check_value(raw) if not isinstance(raw, str) else parse_value(raw)
        except DomainError as exc:
            raise DomainError(
                _("%(name)s: %(problem)s") % {"name": indicator.name, "problem": exc.message},
                code="value",
                field=f"value_{pk}",
            ) from exc
    clean_notes = {pk: nfc(text or "").strip()[:NOTE_MAX] for pk, text in notes.items()}

    existing = {
        v.indicator_id: v
        for v in IndicatorValue.objects.select_for_update().filter(
            report=current, indicator_id__in=by_id
        )
    }
    changes: dict[str, list] = {}
    for pk in by_id:
        row = existing.get(pk)
        old_value, old_note = (row.value, row.note) if row else (None, "")
        new_value = cleaned.get(pk, old_value)
        new_note = clean_notes.get(pk, old_note)
        if row is None and new_value is None and not new_note:
            continue
        if new_value != old_value:
            changes[_value_key(by_id[pk])] = [
                audit.json_value(old_value),
                audit.json_value(new_value),
            ]
        if new_note != old_note:
            changes[f"note:{pk}"] = [old_note, new_note]
        if row is None:
            IndicatorValue.objects.create(
                report=current, indicator=by_id[pk], value=new_value, note=new_note
            )
        elif (new_value, new_note) != (old_value, old_note):
            row.value, row.note = new_value, new_note
            row.save(update_fields=["value", "note"])
    if note is not None:
        clean = nfc(note).strip()
        if clean != current.note:
            changes["note"] = [current.note, clean]
            ProgressReport.objects.filter(pk=current.pk).update(note=clean)
    if changes:
        _bump(current)
        audit.record_one(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


@transaction.atomic
def progress_compute(
    *, report: ProgressReport, actor, version: int | None = None
) -> ProgressReport:
    """Fill every indicator that names a registered source from the platform's records.

    The figure covers the owner's unit subtree and the report's period; the value keeps its
    source and the time it was computed, so the page can show where it came from.
    """
    owner = owner_of(report)
    scope.require(actor, "plans.change", owner.territory)
    current = _lock_draft(report, version)
    first, last = report_bounds(current)
    computed = list(
        Indicator.objects.filter(**owner_lookup(owner)).exclude(source="").order_by("pk")
    )
    existing = {
        v.indicator_id: v for v in IndicatorValue.objects.select_for_update().filter(report=current)
    }
    now = timezone.now()
    changes: dict[str, list] = {}
    for indicator in computed:
        value = indicators.compute(indicator.source, owner.territory, first, last)
        if value is None:  # the source is no longer registered: leave the last figure alone
            continue
        value = value.quantize(CENT)
        row = existing.get(indicator.pk)
        old = row.value if row else None
        if row is None:
            IndicatorValue.objects.create(
                report=current,
                indicator=indicator,
                value=value,
                source=indicator.source,
                computed_at=now,
            )
        else:
            row.value, row.source, row.computed_at = value, indicator.source, now
            row.save(update_fields=["value", "source", "computed_at"])
        if old != value:
            changes[_value_key(indicator)] = [audit.json_value(old), audit.json_value(value)]
    _bump(current)
    audit.record_one(
        audit.Action.UPDATE,
        current,
        actor=actor,
        changes={**changes, "computed": [first.isoformat(), last.isoformat()]},
        reason=_("Computed from the platform's records"),
    )
    return current


def progress_report_submit(
    *, report: ProgressReport, actor, version: int | None = None
) -> ProgressReport:
    """Submit the figures to the level above (a leader's step); they are frozen afterwards."""
    return workflow.apply(
        report_lifecycle(report),
        report,
        name="submit",
        actor=actor,
        expected_version=version,
        extra={"submitted_by": actor if getattr(actor, "pk", None) else None},
    )


def progress_report_reopen(
    *, report: ProgressReport, actor, reason: str, version: int | None = None
) -> ProgressReport:
    """Reopen a submitted report for corrections (a leader's step, with a reason)."""
    return workflow.apply(
        report_lifecycle(report),
        report,
        name="reopen",
        actor=actor,
        reason=reason,
        expected_version=version,
    )
