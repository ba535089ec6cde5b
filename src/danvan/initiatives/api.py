"""Models of the "Dân vận khéo" movement and their councils over the API.

The same selectors and services as the pages, within scope: outside it a record is not found
(404), inside it without the right the answer is 403.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from danvan.audit.api import register_history
from danvan.core import attachments, scope
from danvan.core.api_utils import error_responses, field_error, paginated, unknown_choice
from danvan.initiatives import selectors, services
from danvan.initiatives.models import (
    Council,
    Entry,
    Initiative,
    MemberRole,
    Replication,
    RoundStatus,
)
from danvan.initiatives.schemas import (
    CloseIn,
    CouncilDetailOut,
    CouncilIn,
    CouncilMemberOut,
    CouncilOut,
    EntriesIn,
    EvaluationIn,
    EvaluationOut,
    FieldOut,
    IndicatorKindOut,
    InitiativeFiltersIn,
    InitiativeIn,
    InitiativeListOut,
    InitiativeOut,
    InitiativePatchIn,
    InitiativeUpdateIn,
    MemberIn,
    MyEntriesOut,
    ReplicationIn,
    ReplicationOut,
    RoundIn,
    RoundOut,
    ScoreIn,
    ScoreOut,
    TransitionIn,
)
from danvan.initiatives.services.councils import member_of
from danvan.initiatives.transitions import MODEL_LIFECYCLE, PAGE_STEPS
from danvan.organisations.forms import parent_choices
from danvan.territories.models import Territory

router = Router(tags=["initiatives"])
register_history("initiatives.initiative", selectors.initiative_get_for_user)
register_history("initiatives.council", selectors.council_get_for_user)
register_history("initiatives.reviewround", selectors.round_get_for_user)

NULLABLE = {"started_on"}
WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)


class Shown:
    """A row as the caller is allowed to see it: computed parts shadow the row's own."""

    def __init__(self, row: Any, **parts: Any) -> None:
        self._row = row
        self.__dict__.update(parts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


# --- reference data --------------------------------------------------------------------------


@router.get("/fields", response=list[FieldOut])
def field_list(request):
    """Fields (lĩnh vực) a model is filed under."""
    return selectors.active_fields()


@router.get("/indicator-kinds", response=list[IndicatorKindOut])
def indicator_kind_list(request):
    """Kinds of result a model reports; VND amounts and counts take whole numbers."""
    return selectors.active_indicator_kinds()


# --- models ----------------------------------------------------------------------------------


def _organisation(user, organisation_id: int, territory, name: str):
    # The organisations the page offers for the unit: visible, active, in the same province.
    organisation = parent_choices(user, territory).filter(pk=organisation_id).first()
    if organisation is None:
        raise unknown_choice(name)
    return organisation


def _indicators(values: dict[str, Any]) -> dict:
    kinds = {kind.code: kind for kind in selectors.active_indicator_kinds()}
    indicators = {}
    for code, value in values.items():
        kind = kinds.get(code)
        name = f"indicators.{code}"
        if kind is None:
            raise unknown_choice(name)
        if value != value.to_integral_value():
            if kind.is_money:
                raise field_error(
                    name,
                    _("%(name)s is an amount in VND: enter a whole number, without decimals.")
                    % {"name": kind.name},
                )
            if kind.is_whole:
                raise field_error(name, _("%(name)s must be a whole number.") % {"name": kind.name})
        indicators[kind] = value
    return indicators


def _resolved(user, values: dict[str, Any], current: Initiative | None = None) -> dict[str, Any]:
    """Schema fields turned into InitiativeData fields (codes and ids to the rows they name)."""
    fields = dict(values)
    fields.pop("version", None)
    for name, value in fields.items():
        if value is None and name not in NULLABLE:
            raise field_error(name, _("This field is required."))
    if "field" in fields:
        field = selectors.active_fields().filter(code=fields["field"]).first()
        if field is None:
            raise unknown_choice("field")
        fields["field"] = field
    territory = current.territory if current is not None else None
    if "territory_id" in fields:
        territory = Territory.objects.filter(pk=fields.pop("territory_id")).first()
        if territory is None:
            raise unknown_choice("territory_id")
        fields["territory"] = territory
    if "organisation_id" in fields:
        fields["organisation"] = _organisation(
            user, fields.pop("organisation_id"), territory, "organisation_id"
        )
    if "indicators" in fields:
        fields["indicators"] = _indicators(fields["indicators"])
    return fields


def _get(request, initiative_id: int) -> Initiative:
    return selectors.initiative_get_for_user(request.user, initiative_id)


def _detail(request, initiative_id: int) -> Shown:
    """The model with everything its page shows, narrowed to what the caller may see."""
    user = request.user
    initiative = _get(request, initiative_id)
    related = selectors.initiative_detail_related(initiative, user)
    can_see_scores = scope.can(user, "initiatives.scores.view", initiative.territory)
    replications = [
        Shown(replication, visible_copy_id=replication.copy_id if copy_visible else None)
        for replication, copy_visible in related["replications"]
    ]
    recognitions = [
        Shown(recognition, visible_score=recognition.score if can_see_scores else None)
        for recognition in related["recognitions"]
    ]
    reviews = None
    if can_see_scores:
        reviews = [
            {
                "entry_id": entry.pk,
                "round_id": entry.review_round_id,
                "round_name": entry.review_round.name,
                "level": entry.level,
                "average": entry.average,
                "score_count": entry.score_count,
                "recognised": entry.recognised,
            }
            for entry in selectors.scores_for(initiative, user)
        ]
    steps = [
        step.name
        for step in MODEL_LIFECYCLE.available_for(initiative, user)
        if step.name in PAGE_STEPS
    ]
    return Shown(
        initiative,
        indicators=related["indicators"],
        replications=replications,
        recognitions=recognitions,
        evaluations=related["evaluations"],
        reviews=reviews,
        attachments=list(attachments.attachments_for(initiative)),
        steps=steps,
    )


@router.get("", response={200: list[InitiativeListOut], **error_responses(422)})
@paginated
def initiative_list(request, filters: Query[InitiativeFiltersIn]):
    """Models within the caller's scope, searched, filtered and sorted."""
    territory = None
    if filters.territory_id is not None:
        territory = Territory.objects.filter(pk=filters.territory_id).first()
        if territory is None:
            raise unknown_choice("territory_id", source="query")
    return selectors.initiative_list_for_user(
        request.user,
        selectors.InitiativeFilters(
            query=filters.q,
            year=filters.year,
            level=filters.level or "",
            field=filters.field,
            subject=filters.subject or "",
            kind=filters.kind or "",
            status=filters.status or "",
            territory=territory,
            organisation_id=filters.organisation_id,
            tag=filters.tag,
        ),
        sort=filters.sort,
    )


@router.post("", response={201: InitiativeOut, **WRITE_ERRORS})
def initiative_create(request, payload: InitiativeIn):
    """Register a model as a draft."""
    if not scope.can_anywhere(request.user, "initiatives.change"):
        raise PermissionDenied("initiatives.change")
    fields = _resolved(request.user, payload.dict())
    initiative = services.initiative_create(
        data=services.InitiativeData(**fields), actor=request.user
    )
    return Status(201, _detail(request, initiative.pk))


@router.get("/{int:initiative_id}", response={200: InitiativeOut, **error_responses(404)})
def initiative_detail(request, initiative_id: int):
    """A model with its indicators, recognitions, replications, evaluations, files and steps."""
    return _detail(request, initiative_id)


def _update(request, initiative_id: int, values: dict[str, Any], version: int | None):
    initiative = _get(request, initiative_id)
    data = services.data_from_instance(
        initiative, **_resolved(request.user, values, current=initiative)
    )
    services.initiative_update(
        initiative=initiative, data=data, actor=request.user, expected_version=version
    )
    return _detail(request, initiative_id)


@router.put("/{int:initiative_id}", response={200: InitiativeOut, **WRITE_ERRORS})
def initiative_replace(request, initiative_id: int, payload: InitiativeUpdateIn):
    """Replace every field of a draft; send the `version` you read to refuse a newer edit."""
    return _update(request, initiative_id, payload.dict(), payload.version)


@router.patch("/{int:initiative_id}", response={200: InitiativeOut, **WRITE_ERRORS})
def initiative_patch(request, initiative_id: int, payload: InitiativePatchIn):
    """Change only the fields sent of a draft; `version` works as with PUT."""
    return _update(request, initiative_id, payload.dict(exclude_unset=True), payload.version)


@router.post("/{int:initiative_id}/transitions", response={200: InitiativeOut, **WRITE_ERRORS})
def initiative_transition(request, initiative_id: int, payload: TransitionIn):
    """Take one of the steps listed in the detail's `steps` (returning needs a reason)."""
    services.initiative_transition(
        initiative=_get(request, initiative_id),
        name=payload.name,
        actor=request.user,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _detail(request, initiative_id)


@router.post("/{int:initiative_id}/replications", response={201: ReplicationOut, **WRITE_ERRORS})
def replication_add(request, initiative_id: int, payload: ReplicationIn):
    """Record that a recognised model was taken up in another unit."""
    initiative = _get(request, initiative_id)
    territory = Territory.objects.filter(pk=payload.territory_id).first()
    if territory is None:
        raise unknown_choice("territory_id")
    copy = None
    if payload.copy_id is not None:
        try:
            copy = selectors.initiative_get_for_user(request.user, payload.copy_id)
        except Http404:
            raise unknown_choice("copy_id") from None
    replication = services.replication_add(
        initiative=initiative,
        territory=territory,
        year=payload.year,
        note=payload.note,
        copy=copy,
        actor=request.user,
    )
    return Status(201, Shown(replication, visible_copy_id=replication.copy_id))


@router.delete(
    "/{int:initiative_id}/replications/{int:replication_id}",
    response={204: None, **error_responses(403, 404)},
)
def replication_delete(request, initiative_id: int, replication_id: int):
    initiative = _get(request, initiative_id)
    replication = Replication.objects.filter(initiative=initiative, pk=replication_id).first()
    if replication is None:
        raise Http404
    services.replication_delete(replication=replication, actor=request.user)
    return Status(204, None)


@router.post("/{int:initiative_id}/evaluations", response={201: EvaluationOut, **WRITE_ERRORS})
def evaluation_add(request, initiative_id: int, payload: EvaluationIn):
    """The yearly evaluation; "ineffective" (with a note) ends the recognition."""
    evaluation = services.evaluation_record(
        initiative=_get(request, initiative_id),
        year=payload.year,
        outcome=payload.outcome,
        note=payload.note,
        actor=request.user,
    )
    return Status(201, evaluation)


# --- councils --------------------------------------------------------------------------------


def _council_detail(request, council: Council) -> Shown:
    return Shown(
        council,
        members=list(council.members.select_related("user", "organisation")),
        criteria=list(council.criteria_set.criteria.all()),
        rounds=list(council.rounds.all()),
        can_manage=scope.can(request.user, "initiatives.council.manage", council.territory),
    )


@router.get("/councils", response=list[CouncilOut])
@paginated
def council_list(request):
    """Councils in the caller's scope, and those the caller sits on."""
    return selectors.council_list_for_user(request.user)


@router.post("/councils", response={201: CouncilDetailOut, **WRITE_ERRORS})
def council_create(request, payload: CouncilIn):
    user = request.user
    if not scope.can_anywhere(user, "initiatives.council.manage"):
        raise PermissionDenied("initiatives.council.manage")
    territory = Territory.objects.filter(pk=payload.territory_id).first()
    if territory is None:
        raise unknown_choice("territory_id")
    issuer = _organisation(user, payload.issuer_id, territory, "issuer_id")
    criteria_set = selectors.criteria_sets_for(user, territory).filter(pk=payload.criteria_set_id)
    if not criteria_set:
        raise unknown_choice("criteria_set_id")
    council = services.council_create(
        data=services.CouncilData(
            name=payload.name,
            year=payload.year,
            level=payload.level,
            territory=territory,
            issuer=issuer,
            criteria_set=criteria_set[0],
            pass_score=payload.pass_score,
        ),
        actor=user,
    )
    return Status(201, _council_detail(request, council))


@router.get("/councils/{int:council_id}", response={200: CouncilDetailOut, **error_responses(404)})
def council_detail(request, council_id: int):
    """A council with its members, criteria and rounds."""
    return _council_detail(request, selectors.council_get_for_user(request.user, council_id))


@router.post("/councils/{int:council_id}/members", response={201: CouncilMemberOut, **WRITE_ERRORS})
def council_member_add(request, council_id: int, payload: MemberIn):
    """Seat a reviewer (by username) as a member or as the chair."""
    user = request.user
    council = selectors.council_get_for_user(user, council_id)
    # Managers only, before any lookup: nobody else learns which usernames exist.
    scope.require(user, "initiatives.council.manage", council.territory)
    person = selectors.person_for_seat(user, payload.username)
    if person is None:
        raise field_error("username", _("No such user in your scope."))
    member = services.council_member_add(
        council=council, user=person, role=payload.role, actor=user
    )
    return Status(201, member)


@router.delete(
    "/councils/{int:council_id}/members/{int:member_id}",
    response={204: None, **error_responses(400, 403, 404)},
)
def council_member_remove(request, council_id: int, member_id: int):
    """Unseat a member who has not scored yet."""
    council = selectors.council_get_for_user(request.user, council_id)
    member = council.members.filter(pk=member_id).select_related("council__territory").first()
    if member is None:
        raise Http404
    services.council_member_remove(member=member, actor=request.user)
    return Status(204, None)


@router.post("/councils/{int:council_id}/rounds", response={201: RoundOut, **WRITE_ERRORS})
def round_create(request, council_id: int, payload: RoundIn):
    """Open a review round with a scoring deadline."""
    council = selectors.council_get_for_user(request.user, council_id)
    review_round = services.round_create(
        council=council, name=payload.name, deadline=payload.deadline, actor=request.user
    )
    return Status(201, _round(request, review_round.pk))


# --- review rounds ---------------------------------------------------------------------------


def _round(request, round_id: int) -> Shown:
    """A round with its ranked entries; averages only for those who may see scores."""
    user = request.user
    review_round = selectors.round_get_for_user(user, round_id)
    council = review_round.council
    member = member_of(council, user)
    is_open = review_round.status == RoundStatus.OPEN
    can_see_scores = scope.can(user, "initiatives.scores.view", council.territory)
    entries = []
    for entry in selectors.ranked(selectors.round_entries(review_round)):
        passes = entry.average is not None and entry.average >= council.pass_score
        hidden = {} if can_see_scores else {"average": None, "score_count": None}
        entries.append(Shown(entry, passes=passes if can_see_scores else None, **hidden))
    return Shown(
        review_round,
        entries=entries,
        attachments=list(attachments.attachments_for(review_round)),
        my_role=member.role if member else None,
        can_score=is_open
        and member is not None
        and scope.can(user, "initiatives.score", council.territory),
        can_close=is_open
        and member is not None
        and member.role == MemberRole.CHAIR
        and scope.can(user, "initiatives.decide", council.territory),
    )


@router.get("/rounds/{int:round_id}", response={200: RoundOut, **error_responses(404)})
def round_detail(request, round_id: int):
    """A round, its entries ranked, and the decision files once it is closed."""
    return _round(request, round_id)


@router.post("/rounds/{int:round_id}/entries", response={201: RoundOut, **WRITE_ERRORS})
def round_add_entries(request, round_id: int, payload: EntriesIn):
    """Put submitted models before the council (all or none); their review starts."""
    user = request.user
    review_round = selectors.round_get_for_user(user, round_id)
    council = review_round.council
    scope.require(user, "initiatives.review", council.territory)
    wanted = list(dict.fromkeys(payload.initiative_ids))
    candidates = selectors.submitted_for_council(council, user).in_bulk(wanted)
    if len(candidates) != len(wanted):
        raise unknown_choice("initiative_ids")
    with transaction.atomic():
        for initiative_id in wanted:
            services.entry_add(
                review_round=review_round, initiative=candidates[initiative_id], actor=user
            )
    return Status(201, _round(request, round_id))


@router.get(
    "/rounds/{int:round_id}/my-entries", response={200: MyEntriesOut, **error_responses(403, 404)}
)
def round_my_entries(request, round_id: int):
    """What the caller, a council member, has to score (their own organisation's left out)."""
    review_round = selectors.round_get_for_user(request.user, round_id)
    council = review_round.council
    member = member_of(council, request.user)
    if member is None:
        raise PermissionDenied("initiatives.score")
    entries = selectors.entries_to_score(review_round, member)
    sheets = {s.entry_id: s for s in member.sheets.filter(entry__review_round=review_round)}
    return {
        "criteria": list(council.criteria_set.criteria.all()),
        "entries": [Shown(entry, sheet=sheets.get(entry.pk)) for entry in entries],
        "conflicted": review_round.entries.count() - len(entries),
        "is_open": review_round.status == RoundStatus.OPEN,
    }


@router.put(
    "/rounds/{int:round_id}/entries/{int:entry_id}/score",
    response={200: ScoreOut, **WRITE_ERRORS},
)
def entry_score(request, round_id: int, entry_id: int, payload: ScoreIn):
    """Give or correct the caller's scores for one entry; the entry's average follows."""
    user = request.user
    review_round = selectors.round_get_for_user(user, round_id)
    entry = Entry.objects.filter(review_round=review_round, pk=entry_id).first()
    if entry is None:
        raise Http404
    sheet = services.score_submit(
        entry=entry, actor=user, values=payload.values, comment=payload.comment
    )
    entry.refresh_from_db()
    can_see_scores = scope.can(user, "initiatives.scores.view", review_round.council.territory)
    return {
        "sheet": sheet,
        "entry": {
            "id": entry.pk,
            "average": entry.average if can_see_scores else None,
            "score_count": entry.score_count if can_see_scores else None,
        },
    }


@router.post("/rounds/{int:round_id}/close", response={200: RoundOut, **WRITE_ERRORS})
def round_close(request, round_id: int, payload: CloseIn):
    """The chair closes the round: recognitions, and the decision as DOCX and PDF files.

    Without `recognised_entry_ids`, every entry reaching the council's pass score is recognised.
    """
    review_round = selectors.round_get_for_user(request.user, round_id)
    chosen = None
    if payload.recognised_entry_ids is not None:
        chosen = set(payload.recognised_entry_ids)
        if chosen - set(review_round.entries.values_list("pk", flat=True)):
            raise unknown_choice("recognised_entry_ids")
    services.round_close(
        review_round=review_round,
        actor=request.user,
        recognised_entry_ids=chosen,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
        signer_name=payload.signer_name,
        signer_position=payload.signer_position,
        expected_version=payload.version,
    )
    return _round(request, round_id)
