"""Staff pages for models: list, detail, register/edit form and lifecycle steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from danvan.accounts.forms import add_domain_error
from danvan.core import current_territory, scope
from danvan.core.errors import DomainError
from danvan.core.forms import as_id, current_units_for
from danvan.core.pagination import paginate
from danvan.initiatives import selectors, services
from danvan.initiatives.forms import (
    EvaluationForm,
    InitiativeForm,
    ReplicationForm,
    TransitionForm,
)
from danvan.initiatives.models import Initiative, Kind, Level, Replication, Status, Subject
from danvan.initiatives.transitions import MODEL_LIFECYCLE, PAGE_STEPS
from danvan.organisations.forms import parent_choices
from danvan.territories.models import Territory

SORT_COLUMNS = [
    ("name", gettext_lazy("Name")),
    (None, gettext_lazy("Field")),
    (None, gettext_lazy("Unit")),
    ("year", gettext_lazy("Year")),
    (None, gettext_lazy("Status")),
    ("score", gettext_lazy("Score")),
]

SEARCH_COUNT_LIMIT = 1000

FILTER_KEYS = ("q", "year", "level", "field", "subject", "kind", "status", "organisation", "tag")


def list_territory(request: HttpRequest, action: str = "initiatives.view"):
    """The unit whose subtree a page shows: ?territory=, else the header's current unit."""
    value = as_id(request.GET.get("territory"))
    if value is not None:
        return (
            scope.filter(request.user, action, Territory.objects.filter(pk=value), via=None)
            .select_related("parent")
            .first()
        )
    return current_territory.get(request)


def filters_from(request: HttpRequest, territory) -> selectors.InitiativeFilters:
    get = request.GET
    year = as_id(get.get("year"))
    return selectors.InitiativeFilters(
        query=get.get("q", "")[:200],
        year=year if year and 2000 <= year <= 2100 else None,
        level=get.get("level", "") if get.get("level") in Level.values else "",
        field=get.get("field", "")[:40],
        subject=get.get("subject", "") if get.get("subject") in Subject.values else "",
        kind=get.get("kind", "") if get.get("kind") in Kind.values else "",
        status=get.get("status", "") if get.get("status") in Status.values else "",
        territory=territory,
        organisation_id=as_id(get.get("organisation")),
        tag=get.get("tag", "")[:60],
    )


def filter_choices() -> dict:
    return {
        "fields": selectors.active_fields(),
        "levels": Level.choices,
        "subjects": Subject.choices,
        "kinds": Kind.choices,
        "statuses": Status.choices,
    }


@login_required
def initiative_list(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, "initiatives.view"):
        raise PermissionDenied
    sort = request.GET.get("sort", "-year")
    sort = sort if sort in selectors.SORTS else "-year"
    territory = list_territory(request)
    filters = filters_from(request, territory)
    page = paginate(
        request,
        selectors.initiative_list_for_user(request.user, filters, sort=sort),
        # A common word matches a third of the country; counting all of it is not worth it.
        count_limit=SEARCH_COUNT_LIMIT if filters.query.strip() else None,
    )
    context = {
        "page": page,
        "filters": {key: request.GET.get(key, "") for key in FILTER_KEYS},
        "territory": territory,
        "sort": sort,
        "sort_columns": SORT_COLUMNS,
        "can_create": scope.can_anywhere(request.user, "initiatives.change"),
        "can_import": scope.can_anywhere(request.user, "initiatives.import"),
        "export_query": request.GET.urlencode(),
        **filter_choices(),
    }
    if request.htmx and request.htmx.target == "initiative-table":
        return render(request, "initiatives/initiative_list.html#initiative-table", context)
    return render(request, "initiatives/initiative_list.html", context)


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from danvan.core.attachments import attachments_context

    user = request.user
    initiative = selectors.initiative_get_for_user(user, pk)
    territory = initiative.territory
    steps = [t for t in MODEL_LIFECYCLE.available_for(initiative, user) if t.name in PAGE_STEPS]
    context = {
        "initiative": initiative,
        **selectors.initiative_detail_related(initiative, user),
        "entries": selectors.scores_for(initiative, user),
        "steps": steps,
        "can_change": initiative.status == Status.DRAFT
        and scope.can(user, "initiatives.change", territory),
        "can_replicate": initiative.status == Status.RECOGNISED
        and scope.can(user, "initiatives.change", territory),
        "can_evaluate": initiative.status == Status.RECOGNISED
        and scope.can(user, "initiatives.evaluate", territory),
        "replication_form": ReplicationForm(user=user),
        "evaluation_form": EvaluationForm(),
        **attachments_context(request, initiative),
    }
    return render(request, "initiatives/initiative_detail.html", context)


def _save(request: HttpRequest, form: InitiativeForm, initiative: Initiative | None):
    try:
        if initiative is None:
            return services.initiative_create(data=form.to_data(), actor=request.user)
        return services.initiative_update(
            initiative=initiative,
            data=form.to_data(),
            actor=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        add_domain_error(form, exc)
    return None


def _edit(request: HttpRequest, initiative: Initiative | None) -> HttpResponse:
    form = InitiativeForm(request.POST or None, user=request.user, instance=initiative)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, initiative)
        if saved is not None:
            messages.success(request, _("The model was saved."))
            return redirect("initiatives:initiative-detail", saved.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "initiative": initiative, "chosen_territory": form.chosen_territory()}
    return render(request, "initiatives/initiative_form.html", context, status=status)


@login_required
def initiative_create(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, "initiatives.change"):
        raise PermissionDenied
    return _edit(request, None)


@login_required
def initiative_update(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.initiative_get_for_user(request.user, pk)
    scope.require(request.user, "initiatives.change", initiative.territory)
    if initiative.status != Status.DRAFT:
        messages.error(
            request,
            _("Only drafts can be edited; ask a reviewer to return the model for revision."),
        )
        return redirect("initiatives:initiative-detail", initiative.pk)
    return _edit(request, initiative)


@login_required
@require_POST
def initiative_validate(request: HttpRequest) -> HttpResponse:
    """htmx: the errors of one field while the form is being filled in (nothing is saved)."""
    if not scope.can_anywhere(request.user, "initiatives.change"):
        raise PermissionDenied
    pk = as_id(request.GET.get("pk"))
    instance = selectors.initiative_get_for_user(request.user, pk) if pk else None
    form = InitiativeForm(request.POST, user=request.user, instance=instance)
    name = request.GET.get("field", "")
    form.is_valid()
    errors = form.errors.get(name, []) if name in form.fields else []
    return render(request, "initiatives/partials/field_errors.html", {"errors": errors})


@login_required
@require_GET
def organisation_options(request: HttpRequest) -> HttpResponse:
    """htmx: the organisations to choose from for the unit just picked."""
    action = "initiatives.council.manage" if request.GET.get("for") == "council" else None
    value = as_id(request.GET.get("territory"))
    units = current_units_for(request.user, action or "initiatives.change")
    territory = units.filter(pk=value).first() if value is not None else None
    return render(
        request,
        "initiatives/partials/organisation_options.html",
        {
            "organisations": parent_choices(request.user, territory),
            "selected": request.GET.get("organisation", request.GET.get("issuer", "")),
        },
    )


@login_required
@require_POST
def initiative_transition(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.initiative_get_for_user(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["name"] not in PAGE_STEPS:
        messages.error(request, _("Unknown step."))
        return redirect("initiatives:initiative-detail", initiative.pk)
    try:
        services.initiative_transition(
            initiative=initiative,
            name=form.cleaned_data["name"],
            actor=request.user,
            reason=form.cleaned_data.get("reason") or "",
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: the status is updated."))
    return redirect("initiatives:initiative-detail", initiative.pk)


@login_required
@require_POST
def replication_add(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.initiative_get_for_user(request.user, pk)
    form = ReplicationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.replication_add(
                initiative=initiative,
                territory=form.cleaned_data["territory"],
                year=form.cleaned_data["year"],
                note=form.cleaned_data.get("note") or "",
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The replication was recorded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("initiatives:initiative-detail", initiative.pk)


@login_required
@require_POST
def replication_delete(request: HttpRequest, pk: int, replication_pk: int) -> HttpResponse:
    initiative = selectors.initiative_get_for_user(request.user, pk)
    replication = Replication.objects.filter(initiative=initiative, pk=replication_pk).first()
    if replication is not None:
        services.replication_delete(replication=replication, actor=request.user)
        messages.success(request, _("The replication was removed."))
    return redirect("initiatives:initiative-detail", initiative.pk)


@login_required
@require_POST
def evaluation_add(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.initiative_get_for_user(request.user, pk)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_record(
                initiative=initiative,
                year=form.cleaned_data["year"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data.get("note") or "",
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The evaluation was recorded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("initiatives:initiative-detail", initiative.pk)


@login_required
@require_GET
def initiative_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as XLSX: a download when small, a background job when large."""
    from danvan.core.exports import export_response_or_job
    from danvan.initiatives.exports import KEY, export_params

    if not scope.can_anywhere(request.user, "initiatives.view"):
        raise PermissionDenied
    return export_response_or_job(request, KEY, export_params(request))
