"""Sign-in, own account, API tokens, and user management for territory administrators.

Views stay thin: reads come from accounts.selectors (already scoped), writes from
accounts.services (which check the policy again). Anything outside the actor's view scope is a
404; in scope without the right to manage, a 403.
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from danvan.accounts import selectors, services
from danvan.accounts.forms import (
    USER_SORTS,
    WHOLE_COUNTRY,
    GrantForm,
    PasswordChangeForm,
    SignInForm,
    TokenCreateForm,
    UserFilterForm,
    UserForm,
    add_domain_error,
    territories_for_grants,
    user_data_from,
)
from danvan.accounts.models import ApiToken, RoleGrant, User
from danvan.core import current_territory, scope
from danvan.core.errors import DomainError
from danvan.core.pagination import paginate
from danvan.core.roles import Role
from danvan.core.search import filter_by_search

MANAGE = "accounts.user.manage"
VIEW = "accounts.user.view"


def _no_store(response: HttpResponse) -> HttpResponse:
    """Pages that show a secret once must not be kept by the browser or a proxy."""
    patch_cache_control(response, no_store=True, no_cache=True, private=True)
    return response


def _territory_of(user: User):
    return user.organisation.territory if user.organisation_id else None


def _require_manage(actor, user: User) -> None:
    scope.require(actor, MANAGE, _territory_of(user))


# --- Sign-in and own account -------------------------------------------------------------


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    """POST only (Django refuses GET sign-out), so a link on another site cannot sign anyone out."""


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "grants": user.grants.select_related("territory").order_by("role", "territory__path"),
        "active_token_count": user.api_tokens.filter(revoked_at__isnull=True).count(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_own_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            add_domain_error(form, exc, form.field_map)
        else:
            # The password hash is part of the session; keep this session signed in.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    secret = None
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, secret = services.token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            form = TokenCreateForm()
    context = {
        "form": form,
        "tokens": request.user.api_tokens.all(),
        "new_token": new_token,
        "secret": secret,
    }
    # The secret is shown in this response only; it is never stored in plain text.
    return _no_store(render(request, "accounts/token_list.html", context))


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's token looks the same as a missing one.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if request.method == "POST":
        services.token_revoke(token=token, actor=request.user)
        messages.success(
            request, _("The token “%(name)s” has been revoked.") % {"name": token.name}
        )
        return redirect("accounts:token-list")
    return render(request, "accounts/token_confirm_revoke.html", {"token": token})


# --- User management ---------------------------------------------------------------------


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not scope.can_anywhere(actor, VIEW):
        raise PermissionDenied(VIEW)
    territory = current_territory.get(request)
    filter_form = UserFilterForm(request.GET, actor=actor, territory=territory)
    users = selectors.user_list_for_user(actor, territory=territory, **filter_form.filters())
    sort = filter_form.chosen_sort
    page = paginate(request, users.order_by(USER_SORTS[sort], "pk"))
    context = {
        "filter_form": filter_form,
        "page": page,
        "sort": sort,
        "current_territory": territory,
        "can_manage": scope.can_anywhere(actor, MANAGE),
        "can_import": scope.can_anywhere(actor, "accounts.user.import"),
    }
    template = "accounts/user_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#user-table"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    user_obj = selectors.user_get_for_user(actor, pk)
    is_system_admin = scope.is_system_admin(actor)
    grants, hidden_grant_count = [], 0
    for grant in user_obj.grants.all():
        # A grant elsewhere would reveal the name of a unit outside the viewer's scope.
        if not scope.can(actor, VIEW, grant.territory):
            hidden_grant_count += 1
            continue
        grant.can_revoke = scope.can(actor, MANAGE, grant.territory) and (
            grant.role != Role.SYSTEM_ADMIN or is_system_admin
        )
        grants.append(grant)
    context = {
        "user_obj": user_obj,
        "grants": grants,
        "hidden_grant_count": hidden_grant_count,
        "can_manage": scope.can(actor, MANAGE, _territory_of(user_obj)),
        "is_self": user_obj.pk == actor.pk,
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not scope.can_anywhere(actor, MANAGE):
        raise PermissionDenied(MANAGE)
    form = UserForm(request.POST or None, actor=actor, territory=current_territory.get(request))
    if request.method == "POST" and form.is_valid():
        try:
            user_obj, temporary = services.user_create(data=form.to_data(), actor=actor)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            context = {"user_obj": user_obj, "temporary_password": temporary, "created": True}
            return _no_store(render(request, "accounts/user_password_shown.html", context))
    return render(request, "accounts/user_form.html", {"form": form, "user_obj": None})


@login_required
def user_update(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    user_obj = selectors.user_get_for_user(actor, pk)
    _require_manage(actor, user_obj)
    form = UserForm(
        request.POST or None,
        actor=actor,
        territory=current_territory.get(request),
        instance=user_obj,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                user=user_obj,
                data=form.to_data(),
                actor=actor,
                expected_version=form.cleaned_data.get("version"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The account has been saved."))
            return redirect("accounts:user-detail", pk=user_obj.pk)
    return render(request, "accounts/user_form.html", {"form": form, "user_obj": user_obj})


@login_required
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    user_obj = selectors.user_get_for_user(actor, pk)
    _require_manage(actor, user_obj)
    if request.method == "POST":
        temporary = services.user_reset_password(user=user_obj, actor=actor)
        context = {"user_obj": user_obj, "temporary_password": temporary, "created": False}
        return _no_store(render(request, "accounts/user_password_shown.html", context))
    return render(request, "accounts/user_confirm_reset.html", {"user_obj": user_obj})


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    user_obj = selectors.user_get_for_user(actor, pk)
    _require_manage(actor, user_obj)
    make_active = request.POST.get("active") == "1"
    version = request.POST.get("version", "")
    try:
        services.user_update(
            user=user_obj,
            data=user_data_from(user_obj, is_active=make_active),
            actor=actor,
            expected_version=int(version) if version.isdigit() else None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if make_active:
            messages.success(request, _("The account has been reactivated."))
        else:
            messages.success(
                request, _("The account has been deactivated; it can no longer sign in.")
            )
    return redirect("accounts:user-detail", pk=user_obj.pk)


@login_required
def grant_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    user_obj = selectors.user_get_for_user(actor, pk)
    _require_manage(actor, user_obj)
    form = GrantForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_add(
                user=user_obj,
                role=form.cleaned_data["role"],
                territory=form.cleaned_data["territory"],
                domain=form.cleaned_data.get("domain") or "",
                actor=actor,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The role has been granted."))
            return redirect("accounts:user-detail", pk=user_obj.pk)
    context = {
        "form": form,
        "user_obj": user_obj,
        "initial_units": _with_chosen(form.chosen_territory, _initial_grant_units(actor, user_obj)),
        "whole_country": WHOLE_COUNTRY,
    }
    return render(request, "accounts/grant_form.html", context)


def _initial_grant_units(actor, user_obj: User) -> list:
    """Before any search: the user's own unit and the units the actor administers."""
    units = territories_for_grants(actor).select_related("parent")
    own = _territory_of(user_obj)
    paths = scope.scope_paths(actor, MANAGE) or []
    first = units.filter(pk=own.pk) if own is not None else units.none()
    rest = units.filter(path__in=paths).exclude(pk=getattr(own, "pk", None))[:10]
    return [*first, *rest]


def _with_chosen(chosen, units) -> list:
    """Keep the unit already picked in the list, so a new search does not silently drop it."""
    if chosen is None:
        return list(units)
    return [chosen, *(unit for unit in units if unit.pk != chosen.pk)]


@login_required
@require_GET
def grant_territory_options(request: HttpRequest) -> HttpResponse:
    """htmx fragment: units in the actor's scope matching the search, as radio buttons."""
    actor = request.user
    if not scope.can_anywhere(actor, MANAGE):
        raise PermissionDenied(MANAGE)
    query = request.GET.get("q", "")
    units = filter_by_search(territories_for_grants(actor), query)
    units = (
        units.select_related("parent").order_by("level", "search_name")[:20]
        if query.strip()
        else []
    )
    selected = request.GET.get("territory", "")
    chosen = None
    if selected.isdigit():
        chosen = territories_for_grants(actor).select_related("parent").filter(pk=selected).first()
    context = {
        "units": _with_chosen(chosen, units),
        "query": query,
        "show_whole_country": scope.is_system_admin(actor),
        "whole_country": WHOLE_COUNTRY,
        "selected": selected,
    }
    return render(request, "includes/territory_options.html", context)


@login_required
def grant_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    actor = request.user
    user_obj = selectors.user_get_for_user(actor, pk)
    grant = get_object_or_404(
        RoleGrant.objects.select_related("territory"), pk=grant_pk, user=user_obj
    )
    if not scope.can(actor, VIEW, grant.territory):
        raise Http404
    if request.method == "POST":
        try:
            services.grant_revoke(grant=grant, actor=actor)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The role has been revoked."))
        return redirect("accounts:user-detail", pk=user_obj.pk)
    _require_manage(actor, user_obj)
    scope.require(actor, MANAGE, grant.territory)
    return render(
        request, "accounts/grant_confirm_revoke.html", {"user_obj": user_obj, "grant": grant}
    )
