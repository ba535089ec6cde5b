"""Dialogue conferences, their yearly plans and the petition deadline rules over the API.

Reads go through the scope filter (outside the caller's scope a record is not found: 404),
writes through the services (inside the scope without the right: 403; a broken rule: 400 with
a message; a stale `version`: 409).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Status

from danvan.audit.api import register_history
from danvan.core import scope
from danvan.core.api_utils import error_responses, paginated, unknown_choice
from danvan.core.errors import DomainError
from danvan.core.search import filter_by_search
from danvan.dialogues import selectors
from danvan.dialogues.forms_conferences import agencies_for
from danvan.dialogues.models import DeadlineRule
from danvan.dialogues.schemas_conferences import (
    CancelIn,
    ConferenceFiltersIn,
    ConferenceIn,
    ConferenceListOut,
    ConferenceOut,
    ConferenceUpdateIn,
    FollowUpOut,
    HoldIn,
    PlanIn,
    PlanOut,
    PublishMinutesIn,
    RuleIn,
    RuleOut,
    RuleUpdateIn,
)
from danvan.dialogues.services import conferences as services
from danvan.dialogues.transitions import CONFERENCE_LIFECYCLE
from danvan.dialogues.views.conferences import conference_get, rule_get, rules_visible
from danvan.territories.models import Territory

router = Router(tags=["dialogues"])
register_history("dialogues.conference", conference_get)

VIEW, CHANGE, CONFIGURE = "dialogues.view", "dialogues.change", "dialogues.configure"
WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)
# The services name the model's fields; the API takes ids.
SENT_AS = {"territory": "territory_id", "organisation": "organisation_id", "invited": "invited_ids"}


class Shown:
    """A row with computed parts (steps, follow-up) put over its own attributes."""

    def __init__(self, row, **parts) -> None:
        self._row = row
        self.__dict__.update(parts)

    def __getattr__(self, name: str):
        return getattr(self._row, name)


def _renamed(exc: DomainError) -> DomainError:
    if exc.field:
        exc.field = SENT_AS.get(exc.field, exc.field)
    return exc


def _territory(pk: int | None, name: str = "territory_id", *, source: str = "body"):
    if pk is None:
        return None
    territory = Territory.objects.filter(pk=pk).first()
    if territory is None:
        raise unknown_choice(name, source=source)
    return territory


def _detail(request, conference_id: int) -> Shown:
    conference = conference_get(request.user, conference_id)
    steps = [
        {"name": t.name, "label": str(t.label), "requires_reason": t.requires_reason}
        for t in CONFERENCE_LIFECYCLE.available_for(conference, request.user)
    ]
    return Shown(conference, steps=steps, follow_up=selectors.conference_follow_up(conference))


def _data(request, payload: ConferenceIn) -> services.ConferenceData:
    territory = _territory(payload.territory_id)
    # The unit is judged before the agencies, so an out-of-scope unit answers 403, not 422.
    scope.require(request.user, CHANGE, territory)
    agencies = agencies_for(request.user, territory)
    organisation = None
    if payload.organisation_id is not None:
        organisation = agencies.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise unknown_choice("organisation_id")
    wanted = list(dict.fromkeys(payload.invited_ids))
    found = agencies.in_bulk(wanted)
    if len(found) != len(wanted):
        raise unknown_choice("invited_ids")
    starts_at = payload.starts_at
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    return services.ConferenceData(
        territory=territory,
        organiser_role=payload.organiser_role,
        organiser_name=payload.organiser_name,
        organisation=organisation,
        topic=payload.topic,
        starts_at=starts_at,
        place=payload.place,
        invited=[found[pk] for pk in wanted],
        invited_other=payload.invited_other,
        agenda=payload.agenda,
    )


# --- conferences ----------------------------------------------------------------------------


@router.get("/conferences", response={200: list[ConferenceListOut], **error_responses(403, 422)})
@paginated
def conference_list(request, filters: Query[ConferenceFiltersIn]):
    """Conferences within the caller's scope, filtered; newest first (upcoming: soonest first)."""
    if not scope.can_anywhere(request.user, VIEW):
        raise PermissionDenied(VIEW)
    rows = selectors.conferences_visible(request.user).select_related("territory")
    if filters.territory_id is not None:
        territory = _territory(filters.territory_id, source="query")
        rows = rows.filter(territory__scope_path__under=territory.path)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.year is not None:
        rows = rows.filter(starts_at__year=filters.year)
    if filters.organiser_role:
        rows = rows.filter(organiser_role=filters.organiser_role)
    rows = filter_by_search(rows, filters.q, field="search_text")
    now = timezone.now()
    if filters.when == "upcoming":
        return rows.filter(starts_at__gte=now).order_by("starts_at", "pk")
    if filters.when == "past":
        return rows.filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    return rows.order_by("-starts_at", "-pk")


@router.post("/conferences", response={201: ConferenceOut, **WRITE_ERRORS})
def conference_create(request, payload: ConferenceIn):
    """Plan a conference in a unit of the caller's scope (status "planned")."""
    if not scope.can_anywhere(request.user, CHANGE):
        raise PermissionDenied(CHANGE)
    try:
        conference = services.conference_create(data=_data(request, payload), actor=request.user)
    except DomainError as exc:
        raise _renamed(exc) from None
    return Status(201, _detail(request, conference.pk))


@router.get(
    "/conferences/{int:conference_id}", response={200: ConferenceOut, **error_responses(404)}
)
def conference_detail(request, conference_id: int):
    """A conference with its invited agencies, minutes, the caller's steps and the follow-up."""
    return _detail(request, conference_id)


@router.put("/conferences/{int:conference_id}", response={200: ConferenceOut, **WRITE_ERRORS})
def conference_update(request, conference_id: int, payload: ConferenceUpdateIn):
    """Replace every field; participants and minutes may be corrected once it was held."""
    conference = conference_get(request.user, conference_id)
    scope.require(request.user, CHANGE, conference.territory)
    try:
        services.conference_update(
            conference=conference,
            data=_data(request, payload),
            actor=request.user,
            expected_version=payload.version,
            participants=payload.participants,
            minutes=payload.minutes,
        )
    except DomainError as exc:
        raise _renamed(exc) from None
    return _detail(request, conference_id)


@router.post("/conferences/{int:conference_id}/hold", response={200: ConferenceOut, **WRITE_ERRORS})
def conference_hold(request, conference_id: int, payload: HoldIn):
    """Record that the conference took place: how many came, and the minutes if ready."""
    services.conference_hold(
        conference=conference_get(request.user, conference_id),
        participants=payload.participants,
        minutes=payload.minutes,
        actor=request.user,
        expected_version=payload.version,
    )
    return _detail(request, conference_id)


@router.post(
    "/conferences/{int:conference_id}/publish-minutes",
    response={200: ConferenceOut, **WRITE_ERRORS},
)
def conference_publish_minutes(request, conference_id: int, payload: PublishMinutesIn):
    """Publish the minutes of a held conference (the text sent, or the one recorded)."""
    services.conference_publish_minutes(
        conference=conference_get(request.user, conference_id),
        minutes=payload.minutes,
        actor=request.user,
        expected_version=payload.version,
    )
    return _detail(request, conference_id)


@router.post(
    "/conferences/{int:conference_id}/cancel", response={200: ConferenceOut, **WRITE_ERRORS}
)
def conference_cancel(request, conference_id: int, payload: CancelIn):
    """Cancel a planned conference; the reason is required."""
    services.conference_cancel(
        conference=conference_get(request.user, conference_id),
        reason=payload.reason,
        actor=request.user,
        expected_version=payload.version,
    )
    return _detail(request, conference_id)


@router.get(
    "/conferences/{int:conference_id}/follow-up",
    response={200: FollowUpOut, **error_responses(404)},
)
def conference_follow_up(request, conference_id: int):
    """Of the petitions raised there: how many, answered, still open, overdue today."""
    return selectors.conference_follow_up(conference_get(request.user, conference_id))


# --- yearly plans ---------------------------------------------------------------------------


def _plan_out(progress) -> dict:
    plan = progress.plan
    return {
        "territory": plan.territory,
        "year": plan.year,
        "planned_count": plan.planned_count,
        "note": plan.note,
        "version": plan.version,
        "held": progress.held,
        "required_by_now": progress.required_by_now,
        "behind": progress.behind,
    }


@router.get("/conference-plans", response={200: list[PlanOut], **error_responses(403, 422)})
def plan_list(request, year: int | None = Query(None, ge=2000, le=2100)):
    """Each visible unit's plan for the year (default: this year), with what was held so far."""
    if not scope.can_anywhere(request.user, VIEW):
        raise PermissionDenied(VIEW)
    year = year or timezone.localdate().year
    return [_plan_out(row) for row in selectors.plan_progress(request.user, year)]


@router.put(
    "/conference-plans/{int:year}/{int:territory_id}",
    response={200: PlanOut, **WRITE_ERRORS},
)
def plan_put(request, year: int, territory_id: int, payload: PlanIn):
    """Set how many conferences the unit must hold in the year."""
    territory = (
        scope.filter(request.user, VIEW, Territory.objects.filter(pk=territory_id), via=None)
        .select_related("parent")
        .first()
    )
    if territory is None:
        raise Http404
    plan = services.plan_save(
        territory=territory,
        year=year,
        planned_count=payload.planned_count,
        note=payload.note,
        actor=request.user,
    )
    rows = [r for r in selectors.plan_progress(request.user, year) if r.plan.pk == plan.pk]
    return _plan_out(rows[0])


# --- deadline rules -------------------------------------------------------------------------


@router.get("/deadline-rules", response={200: list[RuleOut], **error_responses(403)})
@paginated
def rule_list(request):
    """National rules, the rules of units in the caller's scope and of the units above them."""
    if not scope.can_anywhere(request.user, VIEW):
        raise PermissionDenied(VIEW)
    return rules_visible(request.user).order_by("territory__path", "category", "channel", "pk")


def _save_rule(request, payload: RuleIn, rule: DeadlineRule | None = None, version=None):
    territory = _territory(payload.territory_id)
    return services.rule_save(
        actor=request.user,
        territory=territory,
        category=payload.category,
        channel=payload.channel,
        days=payload.days,
        due_soon_days=payload.due_soon_days,
        escalate_after_days=payload.escalate_after_days,
        note=payload.note,
        rule=rule,
        expected_version=version,
    )


@router.post("/deadline-rules", response={201: RuleOut, **WRITE_ERRORS})
def rule_create(request, payload: RuleIn):
    """Add a rule; a national rule (no unit) needs a nationwide grant."""
    if not scope.can_anywhere(request.user, CONFIGURE):
        raise PermissionDenied(CONFIGURE)
    return Status(201, _save_rule(request, payload))


@router.put("/deadline-rules/{int:rule_id}", response={200: RuleOut, **WRITE_ERRORS})
def rule_update(request, rule_id: int, payload: RuleUpdateIn):
    """Replace every field of a rule; petitions already received keep their deadline."""
    rule = rule_get(request.user, rule_id)
    return _save_rule(request, payload, rule, payload.version)


@router.delete("/deadline-rules/{int:rule_id}", response={204: None, **error_responses(403, 404)})
def rule_delete(request, rule_id: int):
    """Remove a rule; new petitions then follow the next matching one."""
    services.rule_delete(rule=rule_get(request.user, rule_id), actor=request.user)
    return Status(204, None)
