from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from danvan.accounts.forms import add_domain_error
from danvan.accounts.models import User
from danvan.core import current_territory, scope
from danvan.core.errors import DomainError
from danvan.core.forms import as_id
from danvan.core.pagination import paginate
from danvan.organisations import services
from danvan.organisations.forms import OrganisationForm, editable_territories, parent_choices
from danvan.organisations.models import Organisation
from danvan.organisations.selectors import (
    SORTS,
    organisation_get_for_user,
    organisation_kinds,
    organisation_list_for_user,
)
from danvan.territories.models import Territory

SORT_COLUMNS = [
    ("name", gettext_lazy("Name")),
    ("kind", gettext_lazy("Kind")),
    ("territory", gettext_lazy("Unit")),
    (None, gettext_lazy("Parent organisation")),
    ("updated", gettext_lazy("Updated")),
]


def _list_territory(request: HttpRequest):
    """The unit whose subtree the list shows: ?territory=, else the header's current unit."""
    value = as_id(request.GET.get("territory"))
    if value is not None:
        return (
            scope.filter(
                request.user, "organisations.view", Territory.objects.filter(pk=value), via=None
            )
            .select_related("parent")
            .first()
        )
    return current_territory.get(request)


def _visible_parent_ids(user, page) -> set[int]:
    """Parents the viewer may see; others stay unnamed so no name leaks from outside the scope."""
    parent_ids = {organisation.parent_id for organisation in page if organisation.parent_id}
    if not parent_ids:
        return set()
    visible = scope.filter(
        user, "organisations.view", Organisation.objects.filter(pk__in=parent_ids)
    )
    return set(visible.values_list("pk", flat=True))


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, "organisations.view"):
        raise PermissionDenied
    active = request.GET.get("active", "")
    sort = request.GET.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    territory = _list_territory(request)
    organisations = organisation_list_for_user(
        request.user,
        query=request.GET.get("q", ""),
        kind=request.GET.get("kind", ""),
        territory=territory,
        is_active={"1": True, "0": False}.get(active),
        sort=sort,
    )
    page = paginate(request, organisations)
    context = {
        "page": page,
        "visible_parent_ids": _visible_parent_ids(request.user, page),
        "kinds": organisation_kinds(),
        "filters": {
            "q": request.GET.get("q", ""),
            "kind": request.GET.get("kind", ""),
            "active": active,
        },
        "territory": territory,
        "sort": sort,
        "sort_columns": SORT_COLUMNS,
        "can_create": scope.can_anywhere(request.user, "organisations.change"),
        "can_import": scope.can_anywhere(request.user, "organisations.import"),
    }
    if request.htmx and request.htmx.target == "org-table":
        return render(request, "organisations/organisation_list.html#org-table", context)
    return render(request, "organisations/organisation_list.html", context)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get_for_user(request.user, pk)
    user = request.user
    children = scope.filter(user, "organisations.view", organisation.children.all()).select_related(
        "kind", "territory"
    )
    member_count = None
    if scope.can(user, "accounts.user.view", organisation.territory):
        member_count = User.objects.filter(organisation=organisation).count()
    parent_visible = organisation.parent_id and scope.can(
        user, "organisations.view", organisation.parent.territory
    )
    context = {
        "organisation": organisation,
        "children": children,
        "member_count": member_count,
        "parent_visible": parent_visible,
        "can_change": scope.can(user, "organisations.change", organisation.territory),
        "can_delete": scope.can(user, "organisations.delete", organisation.territory),
    }
    return render(request, "organisations/organisation_detail.html", context)


def _save(request: HttpRequest, form: OrganisationForm, organisation: Organisation | None):
    try:
        if organisation is None:
            return services.organisation_create(data=form.to_data(), actor=request.user)
        return services.organisation_update(
            organisation=organisation,
            data=form.to_data(),
            actor=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        add_domain_error(form, exc)
    return None


def _edit(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    form = OrganisationForm(request.POST or None, user=request.user, instance=organisation)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, organisation)
        if saved is not None:
            messages.success(request, _("The organisation was saved."))
            return redirect("organisations:organisation-detail", saved.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "organisation": organisation,
        "chosen_territory": form.chosen_territory(),
    }
    return render(request, "organisations/organisation_form.html", context, status=status)


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not scope.can_anywhere(request.user, "organisations.change"):
        raise PermissionDenied
    return _edit(request, None)


@login_required
def organisation_update(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get_for_user(request.user, pk)
    scope.require(request.user, "organisations.change", organisation.territory)
    return _edit(request, organisation)


@login_required
def organisation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get_for_user(request.user, pk)
    scope.require(request.user, "organisations.delete", organisation.territory)
    if request.method == "POST":
        try:
            services.organisation_delete(organisation=organisation, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("organisations:organisation-detail", organisation.pk)
        messages.success(request, _("The organisation was deleted."))
        return redirect("organisations:organisation-list")
    return render(
        request, "organisations/organisation_confirm_delete.html", {"organisation": organisation}
    )


@login_required
@require_GET
def parent_options(request: HttpRequest) -> HttpResponse:
    """htmx fragment: the parent organisation choices for the unit just picked."""
    value = as_id(request.GET.get("territory"))
    territory = (
        editable_territories(request.user).filter(pk=value).first() if value is not None else None
    )
    return render(
        request,
        "organisations/partials/parent_options.html",
        {
            "parents": parent_choices(request.user, territory),
            "selected": request.GET.get("parent", ""),
        },
    )
