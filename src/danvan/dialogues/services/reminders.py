"""Reminders, overdue alerts and escalation, run by the worker every few minutes.

`scan(now=...)` looks only at open petitions whose deadline is near or past and whose
`reminder_stage` has not reached the stage they are in, so each run touches the few rows that
changed since the last one. Stages only move forward for one deadline: "" -> due_soon -> overdue
-> escalated. Each notification carries a key naming the petition, the stage and the deadline,
so a run repeated after a crash (before the stage was saved) stores nothing twice.
"""

from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.core import notifications
from danvan.dialogues.models import OPEN_STATES, Petition
from danvan.dialogues.services import deadlines, recipients
from danvan.dialogues.services.petitions import format_code

DUE_SOON, OVERDUE, ESCALATED = "due_soon", "overdue", "escalated"
_ORDER = {"": 0, DUE_SOON: 1, OVERDUE: 2, ESCALATED: 3}
# No rule asks for more notice than this; the scan reads nothing further ahead.
MAX_NOTICE_DAYS = 30


def _stage_due(petition: Petition, terms: deadlines.Terms, today) -> str:
    if petition.deadline < today - timedelta(days=terms.escalate_after_days):
        return ESCALATED
    if petition.deadline < today:
        return OVERDUE
    if petition.deadline <= today + timedelta(days=terms.due_soon_days):
        return DUE_SOON
    return ""


def _people(petition: Petition) -> list:
    return [petition.officer] if petition.officer_id else recipients.handlers_of(petition)


def _send(petition: Petition, stage: str, now: datetime) -> int:
    url = reverse("dialogues:petition_detail", args=[petition.pk])
    key = f"petition:{petition.pk}:{stage}:{petition.deadline.isoformat()}"
    labels = {
        "code": format_code(petition.code),
        "deadline": petition.deadline.strftime("%d/%m/%Y"),
    }
    if stage == DUE_SOON:
        return notifications.notify(
            _people(petition),
            kind="dialogues.due_soon",
            title=_("Petition %(code)s is due on %(deadline)s") % labels,
            body=petition.title,
            url=url,
            key=key,
            now=now,
        )
    if stage == OVERDUE:
        return notifications.notify(
            _people(petition),
            kind="dialogues.overdue",
            title=_("Petition %(code)s is overdue (deadline %(deadline)s)") % labels,
            body=petition.title,
            url=url,
            key=key,
            email=True,
            now=now,
        )
    # Escalated: the level above hears of it, and so do the people who were late.
    sent = notifications.notify(
        recipients.escalation_targets(petition),
        kind="dialogues.escalated",
        title=_("Escalated: petition %(code)s is long overdue (deadline %(deadline)s)") % labels,
        body=petition.title,
        url=url,
        key=key,
        email=True,
        now=now,
    )
    return sent + notifications.notify(
        _people(petition),
        kind="dialogues.escalated",
        title=_("Petition %(code)s has been escalated to the level above") % labels,
        body=petition.title,
        url=url,
        key=key,
        now=now,
    )


def scan(*, now: datetime | None = None, batch: int = 500) -> Counter:
    """Send what is due; returns counts per stage reached (for logs and tests)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts: Counter = Counter()
    terms_cache: dict[tuple, deadlines.Terms] = {}
    candidates = (
        Petition.objects.filter(
            status__in=OPEN_STATES, deadline__lte=today + timedelta(days=MAX_NOTICE_DAYS)
        )
        .exclude(reminder_stage=ESCALATED)
        .select_related("territory")
        .order_by("deadline", "pk")
    )
    last_pk = 0
    while True:
        rows = list(candidates.filter(pk__gt=last_pk).order_by("pk")[:batch])
        if not rows:
            break
        last_pk = rows[-1].pk
        for petition in rows:
            cache_key = (petition.territory_id, petition.category, petition.channel)
            terms = terms_cache.get(cache_key)
            if terms is None:
                terms = terms_cache[cache_key] = deadlines.terms_for(
                    territory=petition.territory,
                    category=petition.category,
                    channel=petition.channel,
                )
            stage = _stage_due(petition, terms, today)
            if _ORDER[stage] <= _ORDER[petition.reminder_stage]:
                continue
            with transaction.atomic():
                _send(petition, stage, now)
                changes = {"reminder_stage": [petition.reminder_stage, stage]}
                fields = {"reminder_stage": stage}
                if stage == ESCALATED:
                    fields["escalated_at"] = now
                    changes["escalated_at"] = [None, audit.json_value(now)]
                # Only if nobody moved the petition meanwhile (answered, reassigned).
                touched = Petition.objects.filter(
                    pk=petition.pk, version=petition.version, status__in=OPEN_STATES
                ).update(**fields)
                if touched and stage == ESCALATED:
                    audit.record_one(audit.Action.UPDATE, petition, actor=None, changes=changes)
            if touched:
                counts[stage] += 1
    return counts
