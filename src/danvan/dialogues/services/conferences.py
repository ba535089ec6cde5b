"""Dialogue conferences, their yearly plans, and the deadline rules."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.core import scope, workflow
from danvan.core.errors import ConflictError, DomainError
from danvan.core.search import nfc, search_key
from danvan.dialogues.models import (
    Category,
    Channel,
    Conference,
    ConferencePlan,
    ConferenceStatus,
    DeadlineRule,
    OrganiserRole,
)
from danvan.dialogues.transitions import CONFERENCE_LIFECYCLE

MAX_PARTICIPANTS = 100_000
MAX_RULE_DAYS = 365
MAX_NOTICE_DAYS = 30


@dataclass
class ConferenceData:
    territory: object
    organiser_role: str
    topic: str
    starts_at: datetime
    place: str
    organiser_name: str = ""
    organisation: object = None
    invited: list = field(default_factory=list)
    invited_other: str = ""
    agenda: str = ""


EDITABLE = ("territory", "organiser_role", "organiser_name", "organisation", "topic", "starts_at",
            "place", "invited_other", "agenda")  # fmt: skip


def _check(data: ConferenceData, actor) -> None:
    if data.territory is None:
        raise DomainError(_("Choose the unit."), code="territory", field="territory")
    scope.require(actor, "dialogues.change", data.territory)
    if not data.territory.is_current:
        raise DomainError(
            _("Conferences are held in today's units."), code="territory", field="territory"
        )
    if data.organiser_role not in OrganiserRole.values:
        raise DomainError(
            _("Choose who chairs the conference."), code="organiser", field="organiser_role"
        )
    if not data.topic:
        raise DomainError(_("Enter the topic."), code="topic", field="topic")
    if not data.place:
        raise DomainError(_("Enter the place."), code="place", field="place")
    if data.starts_at is None:
        raise DomainError(_("Enter the date and time."), code="starts_at", field="starts_at")
    for org in [data.organisation, *data.invited]:
        if (
            org is not None
            and not scope.can(actor, "dialogues.view", org.territory)
            and not (data.territory.scope_path.startswith(org.territory.scope_path))
        ):
            raise DomainError(
                _("Choose organisations of this unit or above it."),
                code="organisation",
                field="invited",
            )


def _apply(conference: Conference, data: ConferenceData) -> None:
    for name in EDITABLE:
        value = getattr(data, name)
        setattr(conference, name, nfc(value).strip() if isinstance(value, str) else value)
    conference.search_text = search_key(conference.topic, conference.place)[:400]


def _snapshot(conference: Conference) -> dict:
    snap = audit.snapshot(conference)
    for noise in ("updated_at", "version", "search_text"):
        snap.pop(noise, None)
    return snap


def _invited_ids(conference: Conference) -> list[int]:
    return sorted(conference.invited.values_list("pk", flat=True))


@transaction.atomic
def conference_create(*, data: ConferenceData, actor) -> Conference:
    _check(data, actor)
    conference = Conference(created_by=actor if getattr(actor, "pk", None) else None)
    _apply(conference, data)
    conference.save()
    conference.invited.set(data.invited)
    changes = _snapshot(conference)
    changes["invited"] = _invited_ids(conference)
    audit.record_one(audit.Action.CREATE, conference, actor=actor, changes=changes)
    return conference


@transaction.atomic
def conference_update(
    *,
    conference: Conference,
    data: ConferenceData,
    actor,
    expected_version: int | None = None,
    participants: int | None = None,
    minutes: str | None = None,
) -> Conference:
    """Edit a conference; participants and minutes can be filled in after it was held."""
    scope.require(actor, "dialogues.change", conference.territory)
    _check(data, actor)
    current = Conference.objects.select_for_update().get(pk=conference.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    if current.status == ConferenceStatus.CANCELLED:
        raise DomainError(_("A cancelled conference cannot be edited."), code="cancelled")
    before, before_invited = _snapshot(current), _invited_ids(current)
    _apply(current, data)
    if participants is not None:
        current.participants = _participants(participants)
    if minutes is not None:
        current.minutes = nfc(minutes).strip()
    current.version += 1
    current.save()
    current.invited.set(data.invited)
    changes = audit.diff(before, _snapshot(current))
    if (after_invited := _invited_ids(current)) != before_invited:
        changes["invited"] = [before_invited, after_invited]
    if changes:
        audit.record_one(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


def _participants(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PARTICIPANTS:
        raise DomainError(
            _("Enter the number of participants (1 to %(max)s).") % {"max": MAX_PARTICIPANTS},
            code="participants",
            field="participants",
        )
    return value


def conference_hold(
    *,
    conference: Conference,
    participants: int,
    actor,
    minutes: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Conference:
    """Record that the conference took place, with how many came (and the minutes if ready)."""
    if conference.starts_at > (now or timezone.now()):
        raise DomainError(
            _("A conference cannot be recorded as held before its date."), code="future"
        )
    extra = {"participants": _participants(participants)}
    if minutes.strip():
        extra["minutes"] = nfc(minutes).strip()
    return workflow.apply(
        CONFERENCE_LIFECYCLE,
        conference,
        name="hold",
        actor=actor,
        expected_version=expected_version,
        extra=extra,
    )


def conference_publish_minutes(
    *, conference: Conference, actor, minutes: str = "", expected_version: int | None = None
) -> Conference:
    text = nfc(minutes or conference.minutes).strip()
    if not text:
        raise DomainError(_("Write the minutes first."), code="minutes", field="minutes")
    return workflow.apply(
        CONFERENCE_LIFECYCLE,
        conference,
        name="publish_minutes",
        actor=actor,
        expected_version=expected_version,
        extra={"minutes": text},
    )


def conference_cancel(
    *, conference: Conference, reason: str, actor, expected_version: int | None = None
) -> Conference:
    return workflow.apply(
        CONFERENCE_LIFECYCLE,
        conference,
        name="cancel",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        extra={"cancel_reason": nfc(reason or "").strip()},
    )


# --- yearly plans -------------------------------------------------------------------------------


@transaction.atomic
def plan_save(*, territory, year: int, planned_count: int, actor, note: str = "") -> ConferencePlan:
    """Set how many conferences a unit must hold in `year` (creates or changes the plan)."""
    if territory is None:
        raise DomainError(_("Choose the unit."), code="territory", field="territory")
    scope.require(actor, "dialogues.change", territory)
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year + 1:
        raise DomainError(
            _("Enter a year between %(first)s and %(last)s.")
            % {"first": 2000, "last": this_year + 1},
            code="year",
            field="year",
        )
    if (
        isinstance(planned_count, bool)
        or not isinstance(planned_count, int)
        or not (0 <= planned_count <= 366)
    ):
        raise DomainError(
            _("Enter the number of conferences (0 to 366)."),
            code="planned_count",
            field="planned_count",
        )
    plan = ConferencePlan.objects.select_for_update().filter(territory=territory, year=year).first()
    before = audit.snapshot(plan) if plan else {}
    if plan is None:
        plan = ConferencePlan(territory=territory, year=year, planned_count=planned_count)
    else:
        plan.version += 1
    plan.planned_count, plan.note = planned_count, nfc(note or "").strip()
    plan.save()
    after = audit.snapshot(plan)
    for snap in (before, after):
        snap.pop("updated_at", None)
        snap.pop("version", None)
    changes = audit.diff(before, after)
    if changes:
        audit.record_one(
            audit.Action.UPDATE if before else audit.Action.CREATE,
            plan,
            actor=actor,
            changes=changes,
        )
    return plan


# --- deadline rules ------------------------------------------------------------------------------


def _check_rule(
    *, territory, category: str, channel: str, days, due_soon_days, escalate_after_days
):
    if category and category not in Category.values:
        raise DomainError(_("Choose a field, or none for every field."), field="category")
    if channel and channel not in Channel.values:
        raise DomainError(_("Choose a channel, or none for every channel."), field="channel")
    for name, value, low, high in (
        ("days", days, 1, MAX_RULE_DAYS),
        ("due_soon_days", due_soon_days, 0, MAX_NOTICE_DAYS),
        ("escalate_after_days", escalate_after_days, 0, MAX_RULE_DAYS),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise DomainError(
                _("Enter a whole number of days from %(low)s to %(high)s.")
                % {"low": low, "high": high},
                code=name,
                field=name,
            )


@transaction.atomic
def rule_save(
    *,
    actor,
    territory=None,
    category: str = "",
    channel: str = "",
    days: int,
    due_soon_days: int = 3,
    escalate_after_days: int = 7,
    note: str = "",
    rule: DeadlineRule | None = None,
    expected_version: int | None = None,
) -> DeadlineRule:
    """Create a rule, or change `rule`. A national rule (no unit) needs a nationwide grant.

    New deadlines follow the rule; petitions already received keep theirs.
    """
    scope.require(actor, "dialogues.configure", territory)
    if rule is not None:
        scope.require(actor, "dialogues.configure", rule.territory)
    _check_rule(territory=territory, category=category, channel=channel, days=days,
                due_soon_days=due_soon_days, escalate_after_days=escalate_after_days)  # fmt: skip
    if rule is not None:
        rule = DeadlineRule.objects.select_for_update().get(pk=rule.pk)
        if expected_version is not None and rule.version != expected_version:
            raise ConflictError()
    before = audit.snapshot(rule) if rule else {}
    rule = rule or DeadlineRule()
    rule.territory, rule.category, rule.channel = territory, category, channel
    rule.days, rule.due_soon_days, rule.escalate_after_days = (
        days,
        due_soon_days,
        escalate_after_days,
    )
    rule.note = nfc(note or "").strip()[:300]
    if before:
        rule.version += 1
    # SQLite has no unique index treating empty units as equal (nulls_distinct=False), so the
    # duplicate is looked for first; the index still settles a race on PostgreSQL.
    same_key = DeadlineRule.objects.filter(
        territory=territory, category=category, channel=channel
    ).exclude(pk=rule.pk)
    if same_key.exists():
        raise DomainError(
            _("A rule for this unit, field and channel exists already."), code="duplicate"
        )
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:
        raise DomainError(
            _("A rule for this unit, field and channel exists already."), code="duplicate"
        ) from exc
    after = audit.snapshot(rule)
    before.pop("version", None)
    after.pop("version", None)
    if changes := audit.diff(before, after):
        audit.record_one(
            audit.Action.UPDATE if before else audit.Action.CREATE,
            rule,
            actor=actor,
            changes=changes,
        )
    return rule


@transaction.atomic
def rule_delete(*, rule: DeadlineRule, actor) -> None:
    scope.require(actor, "dialogues.configure", rule.territory)
    audit.record_one(
        audit.Action.DELETE, rule, actor=actor, changes=audit.diff(audit.snapshot(rule), {})
    )
    rule.delete()
