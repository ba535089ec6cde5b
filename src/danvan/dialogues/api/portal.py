"""The public portal over the API, under /api/v1/public/petitions: no sign-in.

Every operation says `auth=None` and goes through the same form, abuse checks and rate limits
as the pages: 429 with Retry-After when a sender is over a limit, 422 with a message per field
on bad input, and nothing written in either case. Lookups answer only the public fields.
"""

import json
from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError

from danvan.core.api_utils import error_responses, paginated
from danvan.core.errors import DomainError
from danvan.dialogues import selectors
from danvan.dialogues.forms_portal import PetitionPortalForm
from danvan.dialogues.models import Category, Satisfaction
from danvan.dialogues.services import petitions
from danvan.dialogues.services import portal as portal_svc
from danvan.dialogues.views.portal import (
    answered_filters,
    public_files_by_petition,
    public_view,
    with_parents,
)

router = Router(tags=["public"])

SUBMIT_FIELDS = (
    "title",
    "content",
    "category",
    "province",
    "commune",
    "address",
    "anonymous",
    "submitter_name",
    "submitter_phone",
    "submitter_email",
    "consent",
    "website",
)


def _error(request, status: int, code: str, message: str, details=None) -> HttpResponse:
    from danvan.config.api import error_response  # the API module mounts this router

    return error_response(request, status, code, message, details)


def _too_many(request, error: portal_svc.RateLimited) -> HttpResponse:
    response = _error(request, 429, error.code, error.message)
    response["Retry-After"] = str(error.retry_after)
    return response


def _not_found(request) -> HttpResponse:
    return _error(request, 404, "not_found", _("No petition was found with this code."))


# --- schemas -----------------------------------------------------------------------------------


class PetitionSubmitIn(Schema):
    """The body of a submission, as JSON or as multipart form fields (files in `attachments`)."""

    title: str = Field(description="The summary, one line.", max_length=petitions.TITLE_MAX)
    content: str = Field(description="The petition itself.", max_length=petitions.CONTENT_MAX)
    category: str = Field(description=f"The field: one of {', '.join(Category.values)}.")
    province: int = Field(description="A current province code.")
    commune: int = Field(description="A current commune or ward code within the province.")
    address: str = ""
    anonymous: bool = False
    submitter_name: str = Field("", description="Required unless anonymous.")
    submitter_phone: str = Field("", description="A phone or an e-mail, unless anonymous.")
    submitter_email: str = ""
    consent: bool = Field(
        description="The citizen agrees that the data is used to handle the petition."
    )


class PetitionReceiptOut(Schema):
    code: str = Field(description="The tracking code, e.g. KN4X-7Q2M-9D0A; keep it.")
    deadline: date = Field(description="The date the agency should answer by.")
    track_url: str


class PublicAttachmentOut(Schema):
    name: str
    kind: str
    url: str


class PublicPetitionOut(Schema):
    """Only public fields: never the submitter, the address, the content or internal notes."""

    code: str
    title: str
    category: str
    status: str
    status_text: str
    unit: str
    received_on: date
    deadline: date
    is_late: bool
    agency: str
    is_answered: bool
    answer: str
    answered_on: date | None
    answer_is_public: bool
    attachments: list[PublicAttachmentOut]
    satisfaction: str
    can_rate: bool


class FeedbackIn(Schema):
    satisfaction: Satisfaction
    note: str = Field("", max_length=2000, description="Required when dissatisfied.")


class AnsweredFiltersIn(Schema):
    province: int | None = Field(None, description="A current province code.")
    unit: int | None = Field(None, description="A commune or ward code within the province.")
    field: str = Field("", max_length=20, description="A field (category) code.")


class PublicAnswerOut(Schema):
    title: str
    category: str
    unit: str
    received_on: date
    answered_on: date | None
    agency: str
    answer: str
    attachments: list[PublicAttachmentOut]


class PublicConferenceOut(Schema):
    topic: str
    starts_at: datetime
    place: str
    unit: str
    organiser: str


# --- helpers -----------------------------------------------------------------------------------


def _submission(request: HttpRequest) -> tuple[dict, MultiValueDict]:
    """The submitted fields and files, from a JSON body or a multipart form."""
    if request.content_type == "multipart/form-data":
        data = {name: request.POST.get(name) for name in SUBMIT_FIELDS if name in request.POST}
        return data, request.FILES
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise DomainError(_("The request body is not valid JSON."), code="bad_request") from exc
    if not isinstance(body, dict):
        raise DomainError(_("The request body is not valid JSON."), code="bad_request")
    data = {}
    for name in SUBMIT_FIELDS:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str | bool | int):
            raise ValidationError(
                [{"loc": ("body", name), "msg": _("Enter a valid value."), "type": "danvan"}]
            )
        data[name] = value
    return data, MultiValueDict()


def _form_errors(form) -> ValidationError:
    return ValidationError(
        [
            {"loc": ("body", name), "msg": str(message), "type": "danvan"}
            for name, messages in form.errors.items()
            for message in messages
        ]
    )


def _receipt(request, code: str, deadline: date) -> dict:
    return {
        "code": petitions.format_code(code),
        "deadline": deadline,
        "track_url": request.build_absolute_uri(
            reverse("api:public_petition_lookup", args=[petitions.format_code(code)])
        ),
    }


# --- operations --------------------------------------------------------------------------------


@router.get("/answered", response=list[PublicAnswerOut], auth=None)
@paginated
def public_answered_list(request, filters: Query[AnsweredFiltersIn]):
    """Answered petitions whose answer is public, newest first; no personal data."""
    params = {k: ("" if v is None else str(v)) for k, v in filters.dict().items()}
    _shown, territory, category = answered_filters(params)
    return _AnswerRows(request, selectors.public_answers(territory=territory, category=category))


class _AnswerRows:
    """A lazily sliced list of answers whose public files are read in one query per page."""

    def __init__(self, request, queryset) -> None:
        self.request = request
        self.queryset = queryset.select_related("territory__parent")

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        rows = list(self.queryset[index])
        files = public_files_by_petition(rows)
        return [
            {
                "title": row.title,
                "category": row.category,
                "unit": _unit(row.territory),
                "received_on": timezone.localdate(row.received_at),
                "answered_on": timezone.localdate(row.answered_at) if row.answered_at else None,
                "agency": row.agency.name if row.agency_id else "",
                "answer": row.answer,
                "attachments": [
                    {
                        "name": a.caption or a.original_name,
                        "kind": a.kind,
                        "url": self.request.build_absolute_uri(
                            reverse("core:attachment-public", args=[a.pk])
                        ),
                    }
                    for a in files.get(row.pk, [])
                ],
            }
            for row in rows
        ]


def _unit(territory) -> str:
    parent = territory.parent
    return f"{territory.name}, {parent.name}" if parent is not None else territory.name


@router.get("/conferences", response=list[PublicConferenceOut], auth=None)
def public_conference_list(request):
    """Planned dialogue conferences from today on, soonest first."""
    rows = with_parents(list(selectors.upcoming_conferences(limit=50)))
    return [
        {
            "topic": c.topic,
            "starts_at": c.starts_at,
            "place": c.place,
            "unit": _unit(c.territory),
            "organiser": " ".join(
                part for part in (str(c.get_organiser_role_display()), c.organiser_name) if part
            ),
        }
        for c in rows
    ]


@router.post(
    "",
    response={201: PetitionReceiptOut, **error_responses(400, 422, 429)},
    auth=None,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": PetitionSubmitIn.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        **PetitionSubmitIn.model_json_schema(),
                        "properties": {
                            **PetitionSubmitIn.model_json_schema()["properties"],
                            "attachments": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                                "description": "Up to 3 photos or PDFs, 5 MB each, 10 MB in all.",
                            },
                        },
                    }
                },
            },
            "required": True,
        }
    },
)
def public_petition_submit(request, response: HttpResponse):
    """Send a petition; the answer holds the tracking code. Rate-limited per IP and device."""
    client = portal_svc.client_of(request)
    try:
        portal_svc.require_submit_quota(client)
    except portal_svc.RateLimited as error:
        return _too_many(request, error)
    data, files = _submission(request)
    form = PetitionPortalForm(data=data, files=files)
    if not form.is_valid():
        raise _form_errors(form)
    petition_data = form.petition_data()
    if form.is_honeypot_filled:
        deadline = portal_svc.expected_deadline(
            territory=petition_data.territory, category=petition_data.category
        )
        return Status(201, _receipt(request, portal_svc.decoy_code(), deadline))
    try:
        petition = portal_svc.portal_submit(
            data=petition_data,
            consent=form.cleaned_data["consent"],
            files=form.cleaned_data["attachments"],
            client=client,
        )
    except portal_svc.RateLimited as error:
        return _too_many(request, error)
    except DomainError as error:
        field = error.field if error.field in form.fields else "title"
        raise ValidationError(
            [{"loc": ("body", field), "msg": error.message, "type": "danvan"}]
        ) from error
    portal_svc.remember_device(response, client, secure=request.is_secure())
    return Status(201, _receipt(request, petition.code, petition.deadline))


@router.get(
    "/{code}",
    response={200: PublicPetitionOut, **error_responses(404, 429)},
    auth=None,
    url_name="public_petition_lookup",
)
def public_petition_lookup(request, code: str):
    """The status and public answer of the petition a tracking code names; nothing else."""
    try:
        portal_svc.require_lookup_quota(portal_svc.client_of(request))
    except portal_svc.RateLimited as error:
        return _too_many(request, error)
    petition = petitions.petition_by_code(code)
    if petition is None:
        return _not_found(request)
    return Status(200, public_view(petition).as_json(request))


@router.post(
    "/{code}/feedback",
    response={200: PublicPetitionOut, **error_responses(404, 409, 422, 429)},
    auth=None,
)
def public_petition_feedback(request, code: str, payload: FeedbackIn):
    """The citizen's opinion of the answer; "dissatisfied" (with a note) reopens the petition."""
    try:
        portal_svc.require_feedback_quota(portal_svc.client_of(request))
    except portal_svc.RateLimited as error:
        return _too_many(request, error)
    petition = petitions.petition_by_code(code)
    if petition is None:
        return _not_found(request)
    try:
        petition = portal_svc.portal_feedback(
            petition=petition, satisfaction=payload.satisfaction, note=payload.note
        )
    except DomainError as error:
        if error.field:
            raise ValidationError(
                [{"loc": ("body", error.field), "msg": error.message, "type": "danvan"}]
            ) from error
        return _error(request, 409, error.code, error.message)
    return Status(200, public_view(petition).as_json(request))
