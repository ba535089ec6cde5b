"""Petitions over the API (staff): the inbox with its filters and tab counts, one petition, entry
and correction, and one POST per step.

Reads go through the selectors (outside the caller's scope a petition is not found: 404), writes
through the services (inside the scope without the right: 403; a broken rule: 400; a stale
`version`: 409). The submitter's ID, phone and e-mail are masked unless the detail is asked for
with `?reveal=1` by a role that may see them; that view is written to the audit trail.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from danvan.accounts.models import User
from danvan.audit.api import register_history
from danvan.core import personal, scope
from danvan.core.api_utils import error_responses, field_error, paginated, unknown_choice
from danvan.core.errors import DomainError
from danvan.dialogues import selectors
from danvan.dialogues.models import Conference, Petition, PetitionStatus
from danvan.dialogues.schemas import (
    AnswerIn,
    AssignIn,
    BulkAssignIn,
    BulkAssignOut,
    InboxCountsOut,
    MergeIn,
    PetitionFiltersIn,
    PetitionIn,
    PetitionListOut,
    PetitionOut,
    PetitionUpdateIn,
    ReasonIn,
    StepIn,
    SuggestionOut,
)
from danvan.dialogues.services import petitions as services
from danvan.dialogues.transitions import PETITION_LIFECYCLE
from danvan.organisations.models import Organisation
from danvan.territories.models import Territory

router = Router(tags=["dialogues"])
register_history("dialogues.petition", selectors.petition_get)

WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)
PERSONAL_ACTION = "dialogues.personal"
PERSONAL_FIELDS = ("submitter_id_number", "submitter_phone", "submitter_email")
# The services name the model's fields; the API takes ids.
SENT_AS = {
    "territory": "territory_id",
    "conference": "conference_id",
    "agency": "agency_id",
    "officer": "officer_id",
    "merged_into": "into_id",
}


class Shown:
    """A row as the caller may see it: computed parts shadow the row's own attributes."""

    def __init__(self, row: Any, **parts: Any) -> None:
        self._row = row
        self.__dict__.update(parts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


class RevealIn(Schema):
    reveal: bool = Field(
        False, description="Show ID, phone and e-mail in full (logged; 403 if not allowed)."
    )
    reason: str = Field("", max_length=255, description="Why, kept with the access log.")


def _as_sent(exc: DomainError) -> DomainError:
    if exc.field:
        exc.field = SENT_AS.get(exc.field, exc.field)
    return exc


def _get(request, petition_id: int) -> Petition:
    return selectors.petition_get(request.user, petition_id)


def _masked(petition: Petition) -> dict[str, str]:
    return {
        "submitter_id_number": personal.mask_id_number(petition.submitter_id_number),
        "submitter_phone": personal.mask_phone(petition.submitter_phone),
        "submitter_email": personal.mask_email(petition.submitter_email),
    }


def _detail(request, petition_id: int, *, reveal: bool = False, reason: str = "") -> Shown:
    user = request.user
    petition = _get(request, petition_id)
    if reveal:
        personal.reveal(
            user,
            PERSONAL_ACTION,
            petition,
            territory=petition.territory,
            fields=list(PERSONAL_FIELDS),
            reason=reason,
        )
        numbers = {name: getattr(petition, name) for name in PERSONAL_FIELDS}
    else:
        numbers = _masked(petition)
    duplicates = list(
        selectors.petitions_visible(user).filter(merged_into=petition).order_by("received_at")
    )
    steps = [
        {"name": t.name, "label": str(t.label), "requires_reason": t.requires_reason}
        for t in PETITION_LIFECYCLE.available_for(petition, user)
    ]
    return Shown(
        petition,
        **numbers,
        revealed=reveal,
        can_reveal=personal.may_reveal(user, PERSONAL_ACTION, petition.territory),
        duplicates=duplicates,
        steps=steps,
    )


def _territory(pk: int, name: str = "territory_id", *, source: str = "body") -> Territory:
    territory = Territory.objects.filter(pk=pk).first()
    if territory is None:
        raise unknown_choice(name, source=source)
    return territory


def _conference(user, pk: int | None) -> Conference | None:
    if pk is None:
        return None
    conference = selectors.conferences_visible(user).filter(pk=pk).first()
    if conference is None:
        raise unknown_choice("conference_id")
    return conference


def _refuse_masked(values: dict) -> None:
    # A client that sends back what it was shown would store the stars; say what to do instead.
    for name in PERSONAL_FIELDS:
        if "*" in (values.get(name) or ""):
            raise field_error(
                name, _("Send the full value, or leave the field out to keep the one recorded.")
            )


def _data(request, values: dict, current: Petition | None = None) -> services.PetitionData:
    values = dict(values)
    values.pop("version", None)
    _refuse_masked(values)
    fields: dict[str, Any] = {}
    if current is not None:
        fields = {
            name: getattr(current, name)
            for name in (
                "title", "content", "category", "channel", "territory", "address", "conference",
                "anonymous", "submitter_name", *PERSONAL_FIELDS, "received_at",
            )
        }  # fmt: skip
        for name, value in list(values.items()):
            if value is None and name != "conference_id":
                values.pop(name)
    if "territory_id" in values:
        values["territory"] = _territory(values.pop("territory_id"))
    if "conference_id" in values:
        values["conference"] = _conference(request.user, values.pop("conference_id"))
    fields.update(values)
    return services.PetitionData(**fields)


# --- lists -----------------------------------------------------------------------------------------


@router.get("/petitions", response={200: list[PetitionListOut], **error_responses(403, 422)})
@paginated
def petition_list(request, filters: Query[PetitionFiltersIn]):
    """Petitions within the caller's scope: one inbox tab (`bucket`) or all, filtered."""
    if not scope.can_anywhere(request.user, "dialogues.view"):
        raise PermissionDenied("dialogues.view")
    territory = None
    if filters.territory_id is not None:
        territory = _territory(filters.territory_id, source="query")
    return selectors.petition_list(
        request.user,
        filters.bucket or "",
        selectors.PetitionFilters(
            territory=territory,
            category=filters.category or "",
            channel=filters.channel or "",
            agency_id=filters.agency_id,
            status=filters.status or "",
            year=filters.year,
            month=filters.month if filters.year else None,
            query=filters.q,
        ),
    )


@router.get("/petitions/inbox-counts", response={200: InboxCountsOut, **error_responses(403)})
def inbox_counts(request):
    """How many petitions each inbox tab holds for the caller."""
    if not scope.can_anywhere(request.user, "dialogues.view"):
        raise PermissionDenied("dialogues.view")
    return selectors.inbox_counts(request.user)


@router.post("/petitions/bulk-assign", response={200: BulkAssignOut, **WRITE_ERRORS})
def petitions_bulk_assign(request, payload: BulkAssignIn):
    """Assign received petitions to one agency (and officer): all of them, or none (400)."""
    user = request.user
    if not scope.can_anywhere(user, "dialogues.assign"):
        raise PermissionDenied("dialogues.assign")
    wanted = list(dict.fromkeys(payload.ids))
    petitions = list(
        selectors.petitions_visible(user)
        .filter(pk__in=wanted)
        .select_related("territory")
        .order_by("pk")
    )
    if len(petitions) != len(wanted):
        raise unknown_choice("ids")
    for petition in petitions:
        scope.require(user, "dialogues.assign", petition.territory)
    agency, officer = _agency_officer(payload.agency_id, payload.officer_id)
    try:
        count = services.petitions_bulk_assign(
            petitions=petitions, agency=agency, officer=officer, actor=user
        )
    except DomainError as exc:
        raise _as_sent(exc) from None
    return {"assigned": count}


# --- one petition --------------------------------------------------------------------------------


@router.post("/petitions", response={201: PetitionOut, **WRITE_ERRORS})
def petition_create(request, payload: PetitionIn):
    """Register a petition received by staff (conference, reception day, letter, hotline…)."""
    if not scope.can_anywhere(request.user, "dialogues.change"):
        raise PermissionDenied("dialogues.change")
    try:
        petition = services.petition_create(data=_data(request, payload.dict()), actor=request.user)
    except DomainError as exc:
        raise _as_sent(exc) from None
    return Status(201, _detail(request, petition.pk))


@router.get(
    "/petitions/{int:petition_id}", response={200: PetitionOut, **error_responses(403, 404)}
)
def petition_detail(request, petition_id: int, options: Query[RevealIn]):
    """One petition with its steps; personal details masked unless `reveal` (checked, logged)."""
    return _detail(request, petition_id, reveal=options.reveal, reason=options.reason)


@router.patch("/petitions/{int:petition_id}", response={200: PetitionOut, **WRITE_ERRORS})
def petition_update(request, petition_id: int, payload: PetitionUpdateIn):
    """Change the fields sent (not the status); a stale `version` answers 409."""
    petition = _get(request, petition_id)
    scope.require(request.user, "dialogues.change", petition.territory)
    values = payload.dict(exclude_unset=True)
    try:
        services.petition_update(
            petition=petition,
            data=_data(request, values, current=petition),
            actor=request.user,
            expected_version=payload.version,
        )
    except DomainError as exc:
        raise _as_sent(exc) from None
    return _detail(request, petition_id)


@router.get(
    "/petitions/{int:petition_id}/similar",
    response={200: list[SuggestionOut], **error_responses(404)},
)
def petition_similar(request, petition_id: int):
    """Likely duplicates within the caller's scope, best first (for merging)."""
    return selectors.similar_petitions(_get(request, petition_id), request.user)


# --- steps -----------------------------------------------------------------------------------------


def _agency_officer(agency_id: int, officer_id: int | None):
    agency = Organisation.objects.filter(pk=agency_id, is_active=True).first()
    if agency is None:
        raise unknown_choice("agency_id")
    officer = None
    if officer_id is not None:
        officer = User.objects.filter(pk=officer_id, is_active=True).first()
        if officer is None:
            raise unknown_choice("officer_id")
    return agency, officer


def _step(request, petition_id: int, action: str) -> Petition:
    """The petition (404 outside scope) when the caller holds the step's right (else 403)."""
    petition = _get(request, petition_id)
    scope.require(request.user, action, petition.territory)
    return petition


def _run(request, petition_id: int, call) -> Shown:
    try:
        call()
    except DomainError as exc:
        raise _as_sent(exc) from None
    return _detail(request, petition_id)


def _route(request, petition_id: int, payload: AssignIn, *, transfer: bool) -> Shown:
    petition = _step(request, petition_id, "dialogues.assign")
    if (petition.status == PetitionStatus.RECEIVED) == transfer:
        raise DomainError(
            _("This step is not possible from the current status."),
            code="transition_not_allowed",
        )
    agency, officer = _agency_officer(payload.agency_id, payload.officer_id)
    return _run(
        request,
        petition_id,
        lambda: services.petition_assign(
            petition=petition,
            agency=agency,
            officer=officer,
            reason=payload.reason,
            actor=request.user,
            expected_version=payload.version,
        ),
    )


@router.post("/petitions/{int:petition_id}/assign", response={200: PetitionOut, **WRITE_ERRORS})
def petition_assign(request, petition_id: int, payload: AssignIn):
    """Assign a received petition to an agency of its province (and an officer there)."""
    return _route(request, petition_id, payload, transfer=False)


@router.post("/petitions/{int:petition_id}/transfer", response={200: PetitionOut, **WRITE_ERRORS})
def petition_transfer(request, petition_id: int, payload: AssignIn):
    """Hand an assigned petition to another agency; `reason` is required, the deadline stays."""
    return _route(request, petition_id, payload, transfer=True)


@router.post("/petitions/{int:petition_id}/start", response={200: PetitionOut, **WRITE_ERRORS})
def petition_start(request, petition_id: int, payload: StepIn):
    petition = _step(request, petition_id, "dialogues.handle")
    return _run(
        request,
        petition_id,
        lambda: services.petition_start(
            petition=petition, actor=request.user, expected_version=payload.version
        ),
    )


@router.post("/petitions/{int:petition_id}/answer", response={200: PetitionOut, **WRITE_ERRORS})
def petition_answer(request, petition_id: int, payload: AnswerIn):
    """Answer the petition; `public` shows the answer (never the submitter) on the portal."""
    petition = _step(request, petition_id, "dialogues.handle")
    return _run(
        request,
        petition_id,
        lambda: services.petition_answer(
            petition=petition,
            answer=payload.answer,
            public=payload.public,
            actor=request.user,
            expected_version=payload.version,
        ),
    )


@router.post("/petitions/{int:petition_id}/close", response={200: PetitionOut, **WRITE_ERRORS})
def petition_close(request, petition_id: int, payload: StepIn):
    petition = _step(request, petition_id, "dialogues.handle")
    return _run(
        request,
        petition_id,
        lambda: services.petition_close(
            petition=petition, actor=request.user, expected_version=payload.version
        ),
    )


@router.post("/petitions/{int:petition_id}/reopen", response={200: PetitionOut, **WRITE_ERRORS})
def petition_reopen(request, petition_id: int, payload: ReasonIn):
    """Work starts again with a new deadline; `reason` is required."""
    petition = _step(request, petition_id, "dialogues.handle")
    return _run(
        request,
        petition_id,
        lambda: services.petition_reopen(
            petition=petition,
            reason=payload.reason,
            actor=request.user,
            expected_version=payload.version,
        ),
    )


@router.post("/petitions/{int:petition_id}/merge", response={200: PetitionOut, **WRITE_ERRORS})
def petition_merge(request, petition_id: int, payload: MergeIn):
    """File this petition as a duplicate of another (by `into_id` or `into_code`)."""
    petition = _step(request, petition_id, "dialogues.assign")
    visible = selectors.petitions_visible(request.user).select_related("territory", "merged_into")
    if payload.into_id is not None:
        into = visible.filter(pk=payload.into_id).first()
        if into is None:
            raise unknown_choice("into_id")
    else:
        code = services.normalize_code(payload.into_code)
        into = visible.filter(code=code).first() if code else None
        if into is None:
            raise unknown_choice("into_code")

    def merge():
        with transaction.atomic():
            services.petition_merge(
                petition=petition, into=into, actor=request.user, expected_version=payload.version
            )

    return _run(request, petition_id, merge)


@router.post("/petitions/{int:petition_id}/spam", response={200: PetitionOut, **WRITE_ERRORS})
def petition_spam(request, petition_id: int, payload: ReasonIn):
    """Hide a received petition as spam (not in inboxes, statistics or the portal)."""
    petition = _step(request, petition_id, "dialogues.assign")
    return _run(
        request,
        petition_id,
        lambda: services.petition_mark_spam(
            petition=petition,
            reason=payload.reason,
            actor=request.user,
            expected_version=payload.version,
        ),
    )


@router.post("/petitions/{int:petition_id}/restore", response={200: PetitionOut, **WRITE_ERRORS})
def petition_restore(request, petition_id: int, payload: StepIn):
    """Not spam after all: back among the new petitions."""
    petition = _step(request, petition_id, "dialogues.assign")
    return _run(
        request,
        petition_id,
        lambda: services.petition_restore(
            petition=petition, actor=request.user, expected_version=payload.version
        ),
    )
