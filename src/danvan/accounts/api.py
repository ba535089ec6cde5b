"""Accounts over the API: who am I, users within scope, their grants, and my own tokens."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from danvan.accounts import selectors, services
from danvan.accounts.models import ApiToken, RoleGrant, User
from danvan.accounts.schemas import (
    GrantIn,
    GrantOut,
    MeOut,
    PasswordResetOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserCreatedOut,
    UserFiltersIn,
    UserIn,
    UserOut,
    UserPatchIn,
)
from danvan.audit.api import register_history
from danvan.core import scope
from danvan.core.api_utils import error_responses, field_error, paginated, unknown_choice
from danvan.organisations.models import Organisation
from danvan.organisations.selectors import organisation_get_for_user
from danvan.territories.models import Territory

router = Router(tags=["accounts"])

WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)


def _own_token(user, token_id) -> ApiToken:
    return get_object_or_404(ApiToken, pk=token_id, user_id=user.pk)


register_history("accounts.user", selectors.user_get_for_user)
register_history("accounts.apitoken", _own_token)


def _organisation(user, organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    try:
        return organisation_get_for_user(user, organisation_id)
    except Http404:
        raise unknown_choice("organisation_id") from None


def _territory(territory_id: int | None, *, field: str, source: str = "body") -> Territory | None:
    if territory_id is None:
        return None
    territory = Territory.objects.filter(pk=territory_id).first()
    if territory is None:
        raise unknown_choice(field, source=source)
    return territory


def _reloaded(user_id: int, viewer) -> User:
    # Answer with grants and organisation as they are now, through the same scoped read.
    return selectors.user_get_for_user(viewer, user_id)


@router.get("/me", response=MeOut)
def me(request):
    """The signed-in user, their organisation and role grants."""
    user = request.user
    organisation = None
    if user.organisation_id:
        organisation = Organisation.objects.select_related("territory").get(pk=user.organisation_id)
    grants = RoleGrant.objects.filter(user_id=user.pk).select_related("territory")
    return {
        "user": user,
        "organisation": organisation,
        "grants": list(grants.order_by("id")),
        "is_system_admin": scope.is_system_admin(user),
    }


@router.get("/users", response={200: list[UserOut], **error_responses(403, 422)})
@paginated
def user_list(request, filters: Query[UserFiltersIn]):
    """Accounts of organisations within the caller's scope."""
    if not scope.can_anywhere(request.user, "accounts.user.view"):
        raise PermissionDenied("accounts.user.view")
    return selectors.user_list_for_user(
        request.user,
        query=filters.q,
        role=filters.role or "",
        is_active=filters.is_active,
        territory=_territory(filters.territory_id, field="territory_id", source="query"),
        organisation_id=filters.organisation_id,
    )


@router.post("/users", response={201: UserCreatedOut, **WRITE_ERRORS})
def user_create(request, payload: UserIn):
    """Create an account; without a password, a temporary one is returned this once."""
    data = services.UserData(
        username=payload.username,
        full_name=payload.full_name,
        organisation=_organisation(request.user, payload.organisation_id),
        email=payload.email,
        phone=payload.phone,
        position=payload.position,
        is_active=payload.is_active,
    )
    user, temporary = services.user_create(data=data, actor=request.user, password=payload.password)
    created = _reloaded(user.pk, request.user)
    created.temporary_password = temporary
    return Status(201, created)


@router.get("/users/{int:user_id}", response={200: UserOut, **error_responses(404)})
def user_detail(request, user_id: int):
    return selectors.user_get_for_user(request.user, user_id)


@router.patch("/users/{int:user_id}", response={200: UserOut, **WRITE_ERRORS})
def user_patch(request, user_id: int, payload: UserPatchIn):
    """Change only the fields sent; send the `version` you read to refuse a newer edit."""
    user = selectors.user_get_for_user(request.user, user_id)
    values: dict[str, Any] = payload.dict(exclude_unset=True)
    version = values.pop("version", None)
    for name, value in values.items():
        if value is None and name != "organisation_id":
            raise field_error(name, _("This field is required."))
    organisation = user.organisation
    if "organisation_id" in values:
        organisation = _organisation(request.user, values.pop("organisation_id"))
    current = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "position": user.position,
        "is_active": user.is_active,
    }
    data = services.UserData(organisation=organisation, **{**current, **values})
    services.user_update(user=user, data=data, actor=request.user, expected_version=version)
    return _reloaded(user.pk, request.user)


@router.post("/users/{int:user_id}/grants", response={201: GrantOut, **WRITE_ERRORS})
def grant_add(request, user_id: int, payload: GrantIn):
    """Give the user a role over a territory's subtree."""
    user = selectors.user_get_for_user(request.user, user_id)
    grant = services.grant_add(
        user=user,
        role=payload.role,
        territory=_territory(payload.territory_id, field="territory_id"),
        domain=payload.domain,
        actor=request.user,
    )
    return Status(201, grant)


@router.delete(
    "/users/{int:user_id}/grants/{int:grant_id}",
    response={204: None, **error_responses(400, 403, 404)},
)
def grant_revoke(request, user_id: int, grant_id: int):
    user = selectors.user_get_for_user(request.user, user_id)
    grant = get_object_or_404(
        RoleGrant.objects.select_related("territory", "user__organisation__territory"),
        pk=grant_id,
        user_id=user.pk,
    )
    services.grant_revoke(grant=grant, actor=request.user)
    return Status(204, None)


@router.post(
    "/users/{int:user_id}/reset-password",
    response={200: PasswordResetOut, **error_responses(403, 404)},
)
def user_reset_password(request, user_id: int):
    """Set a temporary password, returned this once; the user must change it at sign-in."""
    user = selectors.user_get_for_user(request.user, user_id)
    return {"temporary_password": services.user_reset_password(user=user, actor=request.user)}


@router.get("/tokens", response=list[TokenOut])
@paginated
def token_list(request):
    """Your own API tokens, newest first (secrets are never shown again)."""
    return ApiToken.objects.filter(user_id=request.user.pk).order_by("-created_at", "-id")


@router.post("/tokens", response={201: TokenCreatedOut, **error_responses(400, 422)})
def token_create(request, payload: TokenIn):
    """Create a personal API token; its secret is in this answer only."""
    token, secret = services.token_create(user=request.user, name=payload.name)
    token.token = secret
    return Status(201, token)


@router.delete("/tokens/{int:token_id}", response={204: None, **error_responses(404)})
def token_revoke(request, token_id: int):
    services.token_revoke(token=_own_token(request.user, token_id), actor=request.user)
    return Status(204, None)
