"""The officers' petition screens: the inbox, the petition page with its step forms, entry and
correction by staff.

Each step posts to its own address and the services do the work. On success the browser goes
back to the page; on a refusal the page is shown again with the form as typed and the message
next to it, so nothing typed is lost and nothing is changed.
"""

from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.forms import add_domain_error
from danvan.core import current_territory, personal, scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.forms import as_id
from danvan.core.pagination import paginate
from danvan.dialogues import selectors
from danvan.dialogues.forms import (
    AnswerForm,
    AssignForm,
    BulkAssignForm,
    MergeForm,
    PetitionForm,
    ReasonForm,
    StepForm,
    agencies_for_petition,
    agencies_for_user,
    officers_of,
)
from danvan.dialogues.models import (
    OPEN_STATES,
    Category,
    Channel,
    Petition,
    PetitionStatus,
)
from danvan.dialogues.services import deadlines
from danvan.dialogues.services import petitions as services
from danvan.dialogues.transitions import PETITION_LIFECYCLE
from danvan.territories.models import Territory

VIEW = "dialogues.view"
PERSONAL = "dialogues.personal"
SEARCH_COUNT_LIMIT = 1000
INBOX_COUNT_LIMIT = 10_000
# Tab badges above this read "1.000+" (answered and spam are counted no further).
TAB_COUNT_CAP = 1000
# Longer agency lists are loaded when the select is first used, not written into the page.
AGENCY_INLINE_MAX = 2000
INBOX_FILTERS = ("q", "category", "channel", "agency", "status", "year", "month", "territory")
SUGGESTIONS = 5
BULK_MAX = 500


def _tabs() -> list[tuple[str, str]]:
    return [
        ("new", _("New")),
        ("mine", _("Mine")),
        ("agency", _("My agency")),
        ("due_soon", _("Due soon")),
        ("overdue", _("Overdue")),
        ("escalated", _("Escalated")),
        ("answered", _("Answered")),
        ("spam", _("Spam")),
        ("all", _("All")),
    ]


# --- shared helpers ------------------------------------------------------------------------------


def inbox_territory(request: HttpRequest):
    """The unit whose subtree the inbox shows: ?territory=, else the header's current unit."""
    value = as_id(request.GET.get("territory"))
    if value is not None:
        return (
            scope.filter(request.user, VIEW, Territory.objects.filter(pk=value), via=None)
            .select_related("parent")
            .first()
        )
    return current_territory.get(request)


def inbox_filters(get, territory) -> selectors.PetitionFilters:
    year = as_id(get.get("year"))
    month = as_id(get.get("month"))
    return selectors.PetitionFilters(
        territory=territory,
        category=get.get("category", "") if get.get("category") in Category.values else "",
        channel=get.get("channel", "") if get.get("channel") in Channel.values else "",
        agency_id=as_id(get.get("agency")),
        status=get.get("status", "") if get.get("status") in PetitionStatus.values else "",
        year=year if year and 2000 <= year <= 2100 else None,
        month=month if month and 1 <= month <= 12 else None,
        query=get.get("q", "")[:200],
    )


def mark_deadlines(petitions, today) -> None:
    """Set `overdue`, `days_late` and `due_soon` on each row for the tables."""
    for petition in petitions:
        petition.overdue = deadlines.is_overdue(petition, today)
        petition.late_days = deadlines.days_late(petition, today) if petition.overdue else 0
        petition.due_soon = (
            petition.status in OPEN_STATES
            and not petition.overdue
            and (petition.deadline - today).days <= deadlines.DEFAULT_DUE_SOON_DAYS
        )
        petition.escalated = petition.escalated_at is not None and petition.status in OPEN_STATES


def personal_fields(petition: Petition, *, revealed: bool) -> dict:
    """The submitter's numbers, masked unless `revealed` (the caller logged the view)."""
    if revealed:
        return {
            "id_number": petition.submitter_id_number,
            "phone": petition.submitter_phone,
            "email": petition.submitter_email,
        }
    return {
        "id_number": personal.mask_id_number(petition.submitter_id_number),
        "phone": personal.mask_phone(petition.submitter_phone),
        "email": personal.mask_email(petition.submitter_email),
    }


def reveal_personal(user, petition: Petition, *, reason: str = "") -> dict:
    """Full numbers for a role that may see them; the view is written to the audit trail."""
    personal.reveal(
        user,
        PERSONAL,
        petition,
        territory=petition.territory,
        fields=["submitter_id_number", "submitter_phone", "submitter_email"],
        reason=reason,
    )
    return personal_fields(petition, revealed=True)


def _back(petition: Petition, block: str = "") -> HttpResponse:
    url = reverse("dialogues:petition_detail", args=[petition.pk])
    return redirect(f"{url}#{block}" if block else url)


# --- the inbox -----------------------------------------------------------------------------------


def _inbox_context(request: HttpRequest, bulk_form: BulkAssignForm | None = None) -> dict:
    user = request.user
    tabs = _tabs()
    bucket = request.GET.get("tab", "new")
    if bucket not in dict(tabs):
        bucket = "new"
    territory = inbox_territory(request)
    filters = inbox_filters(request.GET, territory)
    rows = selectors.petition_list(user, "" if bucket == "all" else bucket, filters)
    # Counting a tab of a national scope (a million answered petitions) costs more than
    # finding its first page: the count stops at a limit, higher with no search words.
    page = paginate(
        request,
        rows,
        count_limit=SEARCH_COUNT_LIMIT if filters.query.strip() else INBOX_COUNT_LIMIT,
    )
    today = timezone.localdate()
    mark_deadlines(page.object_list, today)
    can_assign = scope.can_anywhere(user, "dialogues.assign")
    for petition in page.object_list:
        petition.selectable = (
            can_assign
            and petition.status == PetitionStatus.RECEIVED
            and scope.can(user, "dialogues.assign", petition.territory)
        )
    counts = selectors.inbox_counts(user, on=today, cap=TAB_COUNT_CAP)
    agencies = agencies_for_user(user) if can_assign else None
    this_year = today.year
    return {
        "page": page,
        "bucket": bucket,
        "tabs": [_tab(key, label, counts.get(key)) for key, label in tabs],
        "filters": {key: request.GET.get(key, "") for key in INBOX_FILTERS},
        "territory": territory,
        "categories": Category.choices,
        "channels": Channel.choices,
        "statuses": PetitionStatus.choices,
        "years": list(range(this_year, this_year - 6, -1)),
        "months": list(range(1, 13)),
        "agencies": agencies,
        # A national scope lists tens of thousands of agencies, twice: their options are
        # written once here rather than by a template loop over model instances.
        "agency_options": _agency_options(
            agencies, request.GET.get("agency", ""), limit=AGENCY_INLINE_MAX
        ),
        "can_assign": can_assign,
        "can_create": scope.can_anywhere(user, "dialogues.change"),
        "bulk_form": bulk_form
        or (BulkAssignForm(agencies=agencies) if agencies is not None else None),
    }


def _tab(key: str, label: str, count: int | None) -> tuple:
    """(key, label, count, capped): a capped count reads "1.000+"."""
    if count is not None and count > TAB_COUNT_CAP:
        return key, label, TAB_COUNT_CAP, True
    return key, label, count, False


def _agency_options(agencies, selected: str, *, limit: int | None = None) -> dict | None:
    """The <option>s of the agency filter and of the bulk assignment, as safe HTML (escaped
    here with the standard library: format_html costs a second for a national list).

    With `limit`, a longer list (a national scope has tens of thousands of agencies, megabytes
    of page) is not written: the page loads it when the list is first used (`lazy`).
    """
    if agencies is None:
        return None
    ordered = agencies.order_by("name", "pk").values_list("pk", "name")
    found = list(ordered[: limit + 1] if limit else ordered)
    if limit and len(found) > limit:
        chosen = [(pk, name) for pk, name in ordered.filter(pk=as_id(selected))] if selected else []
        found, lazy = chosen, True
    else:
        lazy = False
    rows = [(str(pk), escape(name)) for pk, name in found]
    options = [f'<option value="{pk}">{name}</option>' for pk, name in rows]
    plain = mark_safe("".join(options))  # noqa: S308 - ids and escaped names
    marked = plain
    if selected:
        marked = mark_safe(  # noqa: S308 - ids and escaped names
            "".join(
                f'<option value="{pk}" selected>{name}</option>' if pk == selected else option
                for (pk, name), option in zip(rows, options, strict=True)
            )
        )
    return {"filter": marked, "bulk": mark_safe("") if lazy else plain, "lazy": lazy}


@login_required
def petition_agency_options(request: HttpRequest) -> HttpResponse:
    """htmx fragment: every agency the user may assign to, as <option>s (a long list that the
    inbox loads when it is first used). `agency` marks the chosen one; `empty=choose` heads
    the list with "— choose —" (bulk assignment), else with "All" (the filter)."""
    if not scope.can_anywhere(request.user, "dialogues.assign"):
        raise PermissionDenied
    selected = str(as_id(request.GET.get("agency")) or "")
    options = _agency_options(agencies_for_user(request.user), selected)
    if request.GET.get("empty") == "choose":
        head, body = _("— choose —"), options["bulk"]
    else:
        head, body = _("All"), options["filter"]
    return HttpResponse(format_html('<option value="">{}</option>{}', head, body))


@login_required
def petition_inbox(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, VIEW):
        raise PermissionDenied
    context = _inbox_context(request)
    if request.htmx and request.htmx.target == "petition-table":
        return render(request, "dialogues/petition_inbox.html#petition-table", context)
    return render(request, "dialogues/petition_inbox.html", context)


@login_required
@require_POST
def petition_bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the ticked petitions to one agency (and officer): all of them, or none."""
    user = request.user
    if not scope.can_anywhere(user, "dialogues.assign"):
        raise PermissionDenied
    back = request.POST.get("next") or reverse("dialogues:petition_inbox")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("dialogues:petition_inbox")
    form = BulkAssignForm(request.POST, agencies=agencies_for_user(user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = form.cleaned_data["ids"]
    if len(set(ids)) > BULK_MAX:
        messages.error(
            request,
            _("Assign at most %(max)s petitions at once; nothing was assigned.")
            % {"max": BULK_MAX},
        )
        return redirect(back)
    petitions = list(
        selectors.petitions_visible(user)
        .filter(pk__in=ids)
        .select_related("territory")
        .order_by("pk")
    )
    if len(petitions) != len(set(ids)):
        messages.error(request, _("Some of the ticked petitions are not available any more."))
        return redirect(back)
    refused = [p for p in petitions if not scope.can(user, "dialogues.assign", p.territory)]
    if refused:
        messages.error(
            request,
            _("You may not assign petition %(code)s; nothing was assigned.")
            % {"code": services.format_code(refused[0].code)},
        )
        return redirect(back)
    try:
        count = services.petitions_bulk_assign(
            petitions=petitions,
            agency=form.cleaned_data["agency"],
            officer=form.cleaned_data.get("officer"),
            actor=user,
        )
    except DomainError as exc:
        messages.error(request, _("%(problem)s Nothing was assigned.") % {"problem": exc.message})
    else:
        messages.success(
            request,
            _("%(count)s petitions were assigned to %(agency)s.")
            % {"count": count, "agency": form.cleaned_data["agency"].name},
        )
    return redirect(back)


@login_required
def petition_officers(request: HttpRequest) -> HttpResponse:
    """htmx fragment: the <option>s of the officers of one agency."""
    if not scope.can_anywhere(request.user, "dialogues.assign"):
        raise PermissionDenied
    agency = agencies_for_user(request.user).filter(pk=as_id(request.GET.get("agency"))).first()
    return render(
        request,
        "dialogues/partials/petition_officer_options.html",
        {"officers": officers_of(agency)},
    )


# --- the petition page -------------------------------------------------------------------------


def _detail_context(request: HttpRequest, petition: Petition, **overrides) -> dict:
    from danvan.core.attachments import attachments_context

    user = request.user
    territory = petition.territory
    steps = {t.name: t for t in PETITION_LIFECYCLE.available_for(petition, user)}
    today = timezone.localdate()
    mark_deadlines([petition], today)
    revealed = overrides.get("revealed")
    context = {
        "petition": petition,
        "code": services.format_code(petition.code),
        "can_change": scope.can(user, "dialogues.change", territory)
        and petition.status not in (PetitionStatus.MERGED, PetitionStatus.SPAM),
        "can_personal": personal.may_reveal(user, PERSONAL, territory),
        "personal": revealed or personal_fields(petition, revealed=False),
        "revealed": bool(revealed),
        "steps": steps,
        "days_left": (petition.deadline - today).days,
        "duplicates": selectors.petitions_visible(user)
        .filter(merged_into=petition)
        .order_by("received_at"),
        "version": petition.version,
        **attachments_context(request, petition),
    }
    if "assign" in steps or "transfer" in steps:
        context["assign_form"] = overrides.get("assign_form") or AssignForm(
            agencies=agencies_for_petition(petition),
            agency=petition.agency,
            initial={
                "agency": petition.agency_id,
                "officer": petition.officer_id,
                "version": petition.version,
            },
        )
        context["assign_step"] = steps.get("assign") or steps.get("transfer")
    if "answer" in steps:
        context["answer_form"] = overrides.get("answer_form") or AnswerForm(
            initial={"version": petition.version, "public": petition.answer_public}
        )
    if "reopen" in steps:
        context["reopen_form"] = overrides.get("reopen_form") or ReasonForm(
            initial={"version": petition.version}
        )
    if "mark_spam" in steps:
        context["spam_form"] = overrides.get("spam_form") or ReasonForm(
            initial={"version": petition.version}
        )
    if "merge" in steps:
        context["merge_form"] = overrides.get("merge_form") or MergeForm(
            initial={"version": petition.version}
        )
        context["suggestions"] = selectors.similar_petitions(petition, user, limit=SUGGESTIONS)
        for suggestion in context["suggestions"]:
            suggestion.percent = round(suggestion.score * 100)
    return context


@login_required
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = selectors.petition_get(request.user, pk)
    return render(request, "dialogues/petition_detail.html", _detail_context(request, petition))


def _detail_again(request: HttpRequest, petition: Petition, status: int = 400, **overrides):
    """The page with a refused form as typed (its errors inline); nothing was saved."""
    petition = selectors.petition_get(request.user, petition.pk)
    context = _detail_context(request, petition, **overrides)
    return render(request, "dialogues/petition_detail.html", context, status=status)


@login_required
@require_POST
def petition_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The submitter's full numbers for a role that may see them; the view is logged."""
    petition = selectors.petition_get(request.user, pk)
    numbers = reveal_personal(request.user, petition, reason=request.POST.get("reason", "")[:500])
    if request.htmx:
        context = {"petition": petition, "personal": numbers, "revealed": True}
        return render(request, "dialogues/partials/petition_personal.html", context)
    return render(
        request,
        "dialogues/petition_detail.html",
        _detail_context(request, petition, revealed=numbers),
    )


# --- entry and correction ----------------------------------------------------------------------


def _edit(request: HttpRequest, petition: Petition | None) -> HttpResponse:
    form = PetitionForm(
        request.POST or None,
        user=request.user,
        instance=petition,
        masked=personal_fields(petition, revealed=False) if petition else None,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if petition is None:
                    saved = services.petition_create(data=form.to_data(), actor=request.user)
                else:
                    saved = services.petition_update(
                        petition=petition,
                        data=form.to_data(),
                        actor=request.user,
                        expected_version=form.cleaned_data.get("version"),
                    )
            except ConflictError as exc:
                add_domain_error(form, exc)
                status = 409
            except DomainError as exc:
                add_domain_error(form, exc, {"received_at": "received_on"})
            else:
                if petition is None:
                    messages.success(
                        request,
                        _("The petition was registered with tracking code %(code)s.")
                        % {"code": services.format_code(saved.code)},
                    )
                else:
                    messages.success(request, _("The petition was saved."))
                return _back(saved)
    context = {"form": form, "petition": petition, "chosen_territory": form.chosen_territory()}
    return render(request, "dialogues/petition_form.html", context, status=status)


@login_required
def petition_create(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, "dialogues.change"):
        raise PermissionDenied
    return _edit(request, None)


@login_required
def petition_update(request: HttpRequest, pk: int) -> HttpResponse:
    petition = selectors.petition_get(request.user, pk)
    scope.require(request.user, "dialogues.change", petition.territory)
    return _edit(request, petition)


# --- the steps -----------------------------------------------------------------------------------


def _refused(request, petition, exc: DomainError, form, form_name: str):
    """A step the service refused: the page again, the message by the form (409 if stale)."""
    add_domain_error(form, exc)
    status = 409 if isinstance(exc, ConflictError) else 400
    return _detail_again(request, petition, status=status, **{form_name: form})


def _step_view(action: str):
    """Wrap a step handler: the petition (404 outside scope) and the right (403 without it)."""

    def decorator(handler):
        @login_required
        @require_POST
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            petition = selectors.petition_get(request.user, pk)
            scope.require(request.user, action, petition.territory)
            return handler(request, petition)

        view.__name__ = handler.__name__
        view.__doc__ = handler.__doc__
        return view

    return decorator


@_step_view("dialogues.assign")
def petition_assign(request: HttpRequest, petition: Petition) -> HttpResponse:
    """Assign a received petition, or transfer an assigned one (with a reason)."""
    form = AssignForm(request.POST, agencies=agencies_for_petition(petition))
    if not form.is_valid():
        return _detail_again(request, petition, assign_form=form)
    transfer = petition.status != PetitionStatus.RECEIVED
    try:
        services.petition_assign(
            petition=petition,
            agency=form.cleaned_data["agency"],
            officer=form.cleaned_data.get("officer"),
            reason=form.cleaned_data.get("reason") or "",
            actor=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        return _refused(request, petition, exc, form, "assign_form")
    messages.success(
        request, _("The petition was transferred.") if transfer else _("The petition was assigned.")
    )
    return _back(petition)


def _simple_step(service, done_message: str):
    def handler(request: HttpRequest, petition: Petition) -> HttpResponse:
        form = StepForm(request.POST)
        version = form.cleaned_data.get("version") if form.is_valid() else None
        try:
            service(petition=petition, actor=request.user, expected_version=version)
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 409 if isinstance(exc, ConflictError) else 400
            return _detail_again(request, petition, status=status)
        messages.success(request, done_message())
        return _back(petition)

    return handler


@_step_view("dialogues.handle")
def petition_start(request: HttpRequest, petition: Petition) -> HttpResponse:
    return _simple_step(services.petition_start, lambda: _("Work on the petition has started."))(
        request, petition
    )


@_step_view("dialogues.handle")
def petition_close(request: HttpRequest, petition: Petition) -> HttpResponse:
    return _simple_step(services.petition_close, lambda: _("The petition was closed."))(
        request, petition
    )


@_step_view("dialogues.assign")
def petition_restore(request: HttpRequest, petition: Petition) -> HttpResponse:
    return _simple_step(
        services.petition_restore, lambda: _("The petition is back among the new ones.")
    )(request, petition)


@_step_view("dialogues.handle")
def petition_answer(request: HttpRequest, petition: Petition) -> HttpResponse:
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _detail_again(request, petition, answer_form=form)
    try:
        services.petition_answer(
            petition=petition,
            answer=form.cleaned_data["answer"],
            public=form.cleaned_data.get("public", False),
            actor=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        return _refused(request, petition, exc, form, "answer_form")
    messages.success(request, _("The answer was saved."))
    return _back(petition)


@_step_view("dialogues.handle")
def petition_reopen(request: HttpRequest, petition: Petition) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _detail_again(request, petition, reopen_form=form)
    try:
        services.petition_reopen(
            petition=petition,
            reason=form.cleaned_data.get("reason") or "",
            actor=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        return _refused(request, petition, exc, form, "reopen_form")
    messages.success(request, _("The petition was reopened with a new deadline."))
    return _back(petition)


@_step_view("dialogues.assign")
def petition_spam(request: HttpRequest, petition: Petition) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _detail_again(request, petition, spam_form=form)
    try:
        services.petition_mark_spam(
            petition=petition,
            reason=form.cleaned_data.get("reason") or "",
            actor=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        return _refused(request, petition, exc, form, "spam_form")
    messages.success(request, _("The petition is hidden as spam."))
    return _back(petition)


def merge_target(user, *, into_pk: int | None, code: str) -> Petition | None:
    """The petition to keep, by id (a suggestion) or by tracking code, among those visible."""
    visible = selectors.petitions_visible(user).select_related("territory", "merged_into")
    if into_pk:
        return visible.filter(pk=into_pk).first()
    normalized = services.normalize_code(code)
    return visible.filter(code=normalized).first() if normalized else None


@_step_view("dialogues.assign")
def petition_merge(request: HttpRequest, petition: Petition) -> HttpResponse:
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _detail_again(request, petition, merge_form=form)
    into = merge_target(
        request.user, into_pk=form.cleaned_data.get("into"), code=form.cleaned_data.get("code")
    )
    if into is None:
        form.add_error(None, _("No petition within your scope has this tracking code."))
        return _detail_again(request, petition, merge_form=form)
    try:
        with transaction.atomic():
            services.petition_merge(
                petition=petition,
                into=into,
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
    except DomainError as exc:
        return _refused(request, petition, exc, form, "merge_form")
    messages.success(
        request,
        _("The petition was merged into %(code)s.") % {"code": services.format_code(into.code)},
    )
    return _back(petition)


urlpatterns = [
    path("", petition_inbox, name="inbox"),
    path("petitions/", petition_inbox, name="petition_inbox"),
    path("petitions/new/", petition_create, name="petition_create"),
    path("petitions/bulk-assign/", petition_bulk_assign, name="petition_bulk_assign"),
    path("petitions/officers/", petition_officers, name="petition_officers"),
    path("petitions/agencies/", petition_agency_options, name="petition_agency_options"),
    path("petitions/<int:pk>/", petition_detail, name="petition_detail"),
    path("petitions/<int:pk>/edit/", petition_update, name="petition_update"),
    path("petitions/<int:pk>/reveal/", petition_reveal, name="petition_reveal"),
    path("petitions/<int:pk>/assign/", petition_assign, name="petition_assign"),
    path("petitions/<int:pk>/start/", petition_start, name="petition_start"),
    path("petitions/<int:pk>/answer/", petition_answer, name="petition_answer"),
    path("petitions/<int:pk>/close/", petition_close, name="petition_close"),
    path("petitions/<int:pk>/reopen/", petition_reopen, name="petition_reopen"),
    path("petitions/<int:pk>/merge/", petition_merge, name="petition_merge"),
    path("petitions/<int:pk>/spam/", petition_spam, name="petition_spam"),
    path("petitions/<int:pk>/restore/", petition_restore, name="petition_restore"),
]
