"""The public citizen portal under /public/petitions/: no login.

A citizen sends a petition and gets a tracking code; with the code they see the status, the
agency handling it and the public answer, and rate the answer. Nothing personal is shown back:
the pages hand the templates only the fields listed in `public_view`. Codes travel in POST
bodies, never in URLs, so they stay out of logs, history and Referer headers.
"""

import json
from dataclasses import dataclass, field
from datetime import date

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from danvan.core.attachments import public_attachments_for
from danvan.core.errors import DomainError
from danvan.core.models import Attachment
from danvan.core.pagination import paginate
from danvan.dialogues import selectors
from danvan.dialogues.forms_portal import (
    FeedbackForm,
    PetitionPortalForm,
    TrackForm,
    commune_by_code,
    communes_of,
    current_provinces,
    province_by_code,
)
from danvan.dialogues.models import ANSWERED_STATES, Category, Petition, PetitionStatus
from danvan.dialogues.services import petitions
from danvan.dialogues.services import portal as portal_svc
from danvan.territories.models import Territory

# Lists without personal data may be kept five minutes by shared caches.
public_cache = cache_control(public=True, max_age=300)


# --- what a citizen may see of a petition -----------------------------------------------------


def status_words(petition: Petition) -> str:
    """The status in plain words for the citizen (no internal vocabulary)."""
    words = {
        PetitionStatus.RECEIVED: _(
            "Received. It will soon be sent to the agency that handles this kind of matter."
        ),
        PetitionStatus.ASSIGNED: _("Sent to the agency that will handle it."),
        PetitionStatus.IN_PROGRESS: _("Being handled by the agency."),
        PetitionStatus.ANSWERED: _("Answered."),
        PetitionStatus.CLOSED: _("Answered and closed."),
        PetitionStatus.MERGED: _(
            "Handled together with a similar petition about the same matter; "
            "the answer to both will be the same."
        ),
    }
    return str(words.get(petition.status, ""))


@dataclass
class PublicPetition:
    """The public fields of a petition and nothing else."""

    code: str
    title: str
    category: str
    status: str
    status_words: str
    unit: str
    received_on: date
    deadline: date
    is_late: bool
    agency: str
    is_answered: bool
    answer: str = ""
    answered_on: date | None = None
    answer_is_public: bool = False
    attachments: list[Attachment] = field(default_factory=list)
    satisfaction: str = ""
    satisfaction_label: str = ""
    can_rate: bool = False

    def as_json(self, request: HttpRequest) -> dict:
        return {
            "code": self.code,
            "title": self.title,
            "category": self.category,
            "status": self.status,
            "status_text": self.status_words,
            "unit": self.unit,
            "received_on": self.received_on,
            "deadline": self.deadline,
            "is_late": self.is_late,
            "agency": self.agency,
            "is_answered": self.is_answered,
            "answer": self.answer if self.answer_is_public else "",
            "answered_on": self.answered_on,
            "answer_is_public": self.answer_is_public,
            "attachments": [
                {
                    "name": a.caption or a.original_name,
                    "kind": a.kind,
                    "url": request.build_absolute_uri(
                        reverse("core:attachment-public", args=[a.pk])
                    ),
                }
                for a in self.attachments
            ],
            "satisfaction": self.satisfaction,
            "can_rate": self.can_rate,
        }


def public_view(petition: Petition) -> PublicPetition:
    """What the tracking page and the API show for a code; a merged petition shows the one
    it was merged into (its answer, its agency), under its own code."""
    shown = petition
    seen = {petition.pk}
    while shown.status == PetitionStatus.MERGED and shown.merged_into_id not in seen:
        seen.add(shown.merged_into_id)
        shown = shown.merged_into
    today = timezone.localdate()
    answered = shown.status in ANSWERED_STATES
    view = PublicPetition(
        code=petitions.format_code(petition.code),
        title=petition.title,
        category=petition.get_category_display(),
        status=petition.status,
        status_words=status_words(petition),
        unit=_unit_name(petition.territory),
        received_on=timezone.localdate(petition.received_at),
        deadline=shown.deadline,
        is_late=shown.is_open and shown.deadline < today,
        agency=shown.agency.name if shown.agency_id else "",
        is_answered=answered,
    )
    if answered:
        view.answered_on = timezone.localdate(shown.answered_at) if shown.answered_at else None
        view.answer_is_public = shown.answer_public
        if shown.answer_public:
            view.answer = shown.answer
            view.attachments = list(public_attachments_for(shown))
    if petition.status in ANSWERED_STATES:
        view.satisfaction = petition.satisfaction
        view.satisfaction_label = petition.get_satisfaction_display()
        view.can_rate = not petition.satisfaction
    return view


def _unit_name(territory) -> str:
    parent = territory.parent
    return f"{territory.name}, {parent.name}" if parent is not None else territory.name


# --- helpers -----------------------------------------------------------------------------------


def _too_many(request: HttpRequest, template: str, context: dict, error) -> HttpResponse:
    context = {**context, "rate_error": error.message}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def _with_device(request: HttpRequest, response: HttpResponse, client) -> HttpResponse:
    portal_svc.remember_device(response, client, secure=request.is_secure())
    return response


def _submit_context(form: PetitionPortalForm, **extra) -> dict:
    return {
        "form": form,
        "provinces": current_provinces(),
        "communes": form.communes(),
        "max_files": portal_svc.MAX_FILES,
        **extra,
    }


def _receipt_response(code: str, deadline: date, *, secure: bool) -> HttpResponse:
    response = redirect("dialogues_public:receipt")
    payload = json.dumps({"code": code, "deadline": deadline.isoformat()})
    response.set_signed_cookie(
        portal_svc.RECEIPT_COOKIE,
        payload,
        salt=portal_svc.RECEIPT_SALT,
        max_age=portal_svc.RECEIPT_MAX_AGE,
        httponly=True,
        samesite="Strict",
        secure=secure,
        path=reverse("dialogues_public:receipt"),
    )
    return response


# --- pages -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def petition_submit(request: HttpRequest) -> HttpResponse:
    template = "dialogues/public/submit.html"
    client = portal_svc.client_of(request)
    if request.method == "GET":
        form = PetitionPortalForm(initial={"province": request.GET.get("province", "")})
        return _with_device(request, render(request, template, _submit_context(form)), client)
    if "show_communes" in request.POST:
        # The no-JavaScript step: the province is chosen, show its communes.
        form = PetitionPortalForm(initial=request.POST.dict())
        return _with_device(request, render(request, template, _submit_context(form)), client)
    form = PetitionPortalForm(request.POST, request.FILES)
    try:
        portal_svc.require_submit_quota(client)
    except portal_svc.RateLimited as error:
        # Answered before any check: the form comes back filled, without judging it.
        unjudged = PetitionPortalForm(initial=request.POST.dict())
        return _too_many(request, template, _submit_context(unjudged), error)
    if not form.is_valid():
        return _with_device(
            request, render(request, template, _submit_context(form), status=422), client
        )
    data = form.petition_data()
    if form.is_honeypot_filled:
        # A bot: it gets a receipt like anyone else, and nothing is written.
        deadline = portal_svc.expected_deadline(territory=data.territory, category=data.category)
        return _receipt_response(portal_svc.decoy_code(), deadline, secure=request.is_secure())
    try:
        petition = portal_svc.portal_submit(
            data=data,
            consent=form.cleaned_data["consent"],
            files=form.cleaned_data["attachments"],
            client=client,
        )
    except portal_svc.RateLimited as error:
        return _too_many(request, template, _submit_context(form), error)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _with_device(
            request, render(request, template, _submit_context(form), status=422), client
        )
    response = _receipt_response(petition.code, petition.deadline, secure=request.is_secure())
    return _with_device(request, response, client)


@never_cache
@require_GET
def petition_receipt(request: HttpRequest) -> HttpResponse:
    try:
        payload = json.loads(
            request.get_signed_cookie(
                portal_svc.RECEIPT_COOKIE,
                salt=portal_svc.RECEIPT_SALT,
                max_age=portal_svc.RECEIPT_MAX_AGE,
            )
        )
        code, deadline = payload["code"], date.fromisoformat(payload["deadline"])
    except (KeyError, ValueError, TypeError, signing.BadSignature):
        return redirect("dialogues_public:submit")
    context = {
        "code": petitions.format_code(code),
        "deadline": deadline,
        "track_form": TrackForm(initial={"code": petitions.format_code(code)}),
    }
    return render(request, "dialogues/public/receipt.html", context)


@require_GET
@public_cache
def commune_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of the commune select for a province (htmx)."""
    province = province_by_code(request.GET.get("province"))
    context = {"communes": communes_of(province), "province": province, "selected": ""}
    return render(request, "dialogues/public/commune_options.html", context)


def _track_render(request, *, form, petition=None, feedback_form=None, status=200, **extra):
    context = {
        "form": form,
        "petition": public_view(petition) if petition is not None else None,
        "feedback_form": feedback_form,
        **extra,
    }
    if petition is not None and context["petition"].can_rate and feedback_form is None:
        context["feedback_form"] = FeedbackForm(initial={"code": petition.code})
    return render(request, "dialogues/public/track.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def petition_track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _track_render(request, form=TrackForm())
    client = portal_svc.client_of(request)
    form = TrackForm(request.POST)
    try:
        portal_svc.require_lookup_quota(client)
    except portal_svc.RateLimited as error:
        return _too_many(
            request, "dialogues/public/track.html", {"form": TrackForm(request.POST)}, error
        )
    if not form.is_valid():
        return _track_render(request, form=form, status=422)
    petition = petitions.petition_by_code(form.cleaned_data["code"])
    if petition is None:
        return _track_render(request, form=form, not_found=True, status=404)
    return _track_render(request, form=form, petition=petition)


@never_cache
@require_POST
def petition_feedback(request: HttpRequest) -> HttpResponse:
    client = portal_svc.client_of(request)
    feedback_form = FeedbackForm(request.POST)
    code = request.POST.get("code", "")
    track_form = TrackForm(initial={"code": code})
    try:
        portal_svc.require_feedback_quota(client)
    except portal_svc.RateLimited as error:
        return _too_many(request, "dialogues/public/track.html", {"form": track_form}, error)
    petition = petitions.petition_by_code(code)
    if petition is None:
        return _track_render(request, form=track_form, not_found=True, status=404)
    if not feedback_form.is_valid():
        return _track_render(
            request, form=track_form, petition=petition, feedback_form=feedback_form, status=422
        )
    try:
        petition = portal_svc.portal_feedback(
            petition=petition,
            satisfaction=feedback_form.cleaned_data["satisfaction"],
            note=feedback_form.cleaned_data["note"],
        )
    except DomainError as error:
        field_name = error.field if error.field in feedback_form.fields else None
        feedback_form.add_error(field_name, error.message)
        return _track_render(
            request, form=track_form, petition=petition, feedback_form=feedback_form, status=422
        )
    reopened = petition.status not in ANSWERED_STATES
    return _track_render(
        request, form=track_form, petition=petition, feedback_saved=True, reopened=reopened
    )


def answered_filters(params) -> tuple[dict, object, str]:
    """The visitor's filters: (values to show back, unit to filter on, field)."""
    province = province_by_code(params.get("province"))
    unit = commune_by_code(province, params.get("unit")) if province else None
    category = params.get("field") or ""
    category = category if category in Category.values else ""
    shown = {
        "province": str(province.code) if province else "",
        "unit": str(unit.code) if unit else "",
        "field": category,
    }
    return shown, unit or province, category


def public_files_by_petition(rows) -> dict[int, list[Attachment]]:
    """Public files of a page of answered petitions, in one query."""
    from danvan.audit.services import object_type_of

    ids = [str(row.pk) for row in rows]
    files: dict[int, list[Attachment]] = {}
    if not ids:
        return files
    for attachment in Attachment.objects.filter(
        owner_type=object_type_of(Petition), owner_id__in=ids, is_public=True
    ).order_by("created_at", "id"):
        files.setdefault(int(attachment.owner_id), []).append(attachment)
    return files


@require_GET
@public_cache
def answered_list(request: HttpRequest) -> HttpResponse:
    shown, territory, category = answered_filters(request.GET)
    page = paginate(
        request,
        selectors.public_answers(territory=territory, category=category).select_related(
            "territory__parent"
        ),
    )
    files = public_files_by_petition(page.object_list)
    rows = [(row, files.get(row.pk, [])) for row in page.object_list]
    province = province_by_code(shown["province"])
    context = {
        "page": page,
        "rows": rows,
        "filters": shown,
        "provinces": current_provinces(),
        "communes": communes_of(province),
        "categories": Category.choices,
    }
    return render(request, "dialogues/public/answered.html", context)


def with_parents(conferences: list) -> list:
    """Load the units above the conferences' units in one query (for "commune, province")."""
    parents = Territory.objects.in_bulk({c.territory.parent_id for c in conferences} - {None})
    for conference in conferences:
        if conference.territory.parent_id:
            conference.territory.parent = parents[conference.territory.parent_id]
    return conferences


@require_GET
@public_cache
def conference_list(request: HttpRequest) -> HttpResponse:
    conferences = with_parents(list(selectors.upcoming_conferences(limit=50)))
    return render(request, "dialogues/public/conferences.html", {"conferences": conferences})


urlpatterns = [
    path("", petition_submit, name="submit"),
    path("receipt/", petition_receipt, name="receipt"),
    path("communes/", commune_options, name="communes"),
    path("track/", petition_track, name="track"),
    path("track/feedback/", petition_feedback, name="feedback"),
    path("answered/", answered_list, name="answered"),
    path("conferences/", conference_list, name="conferences"),
]
