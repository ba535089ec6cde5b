"""Writes to accounts, grants and tokens: each checks scope, changes, and audits in one go."""

import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.accounts.models import ApiToken, RoleGrant, User
from danvan.audit import services as audit
from danvan.core import scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.roles import Role
from danvan.core.search import nfc, search_key
from danvan.organisations.models import Organisation

USER_AUDIT_FIELDS = (
    "username",
    "full_name",
    "email",
    "phone",
    "position",
    "organisation_id",
    "is_active",
)
TOKEN_PREFIX = "dv_"  # noqa: S105  (a public marker, not a secret)


@dataclass
class UserData:
    username: str
    full_name: str
    organisation: Organisation | None
    email: str = ""
    phone: str = ""
    position: str = ""
    is_active: bool = True


def _territory_of(user: User):
    return user.organisation.territory if user.organisation_id else None


def _require_manage(actor, organisation: Organisation | None) -> None:
    territory = organisation.territory if organisation is not None else None
    scope.require(actor, "accounts.user.manage", territory)


def _apply(user: User, data: UserData) -> None:
    user.username = data.username.strip()
    user.full_name = nfc(data.full_name)
    user.email = data.email.strip()
    user.phone = data.phone.strip()
    user.position = nfc(data.position)
    user.organisation = data.organisation
    user.is_active = data.is_active
    user.search_name = search_key(user.full_name, user.username)


def _audit_user(action: str, user: User, *, actor, changes: dict, reason: str = "") -> None:
    audit.record(
        [
            audit.Change(
                action=action,
                obj=user,
                changes=changes,
                reason=reason,
                territory_id=user.organisation.territory_id if user.organisation_id else None,
            )
        ],
        actor=actor,
    )


def _snapshot(user: User) -> dict:
    return audit.snapshot(user, USER_AUDIT_FIELDS)


def _validate_new_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password", field="password") from exc


@transaction.atomic
def user_create(*, data: UserData, actor, password: str | None = None) -> tuple[User, str | None]:
    """Create an account in the actor's scope. Without a password, a temporary one is generated
    and returned once; the user must change it at first sign-in."""
    _require_manage(actor, data.organisation)
    if User.objects.filter(username__iexact=data.username.strip()).exists():
        raise DomainError(_("This username is already taken."), code="duplicate", field="username")
    user = User()
    _apply(user, data)
    temporary = None
    if password:
        _validate_new_password(password, user)
        user.set_password(password)
    else:
        temporary = generate_temporary_password()
        user.set_password(temporary)
        user.must_change_password = True
    user.save()
    _audit_user(audit.Action.CREATE, user, actor=actor, changes=audit.diff({}, _snapshot(user)))
    return user, temporary


@transaction.atomic
def user_update(*, user: User, data: UserData, actor, expected_version: int | None = None) -> User:
    _require_manage(actor, user.organisation)
    _require_manage(actor, data.organisation)
    if user.pk == getattr(actor, "pk", None) and not data.is_active:
        raise DomainError(_("You cannot deactivate your own account."), code="self_deactivate")
    current = User.objects.select_for_update().get(pk=user.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    if User.objects.filter(username__iexact=data.username.strip()).exclude(pk=user.pk).exists():
        raise DomainError(_("This username is already taken."), code="duplicate", field="username")
    before = _snapshot(current)
    _apply(current, data)
    current.version += 1
    current.save()
    changes = audit.diff(before, _snapshot(current))
    if changes:
        _audit_user(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


def generate_temporary_password() -> str:
    # Easy to read aloud over the phone, long enough to pass the validators.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


@transaction.atomic
def user_reset_password(*, user: User, actor) -> str:
    """Give the user a temporary password (returned once) that must be changed at sign-in."""
    _require_manage(actor, user.organisation)
    temporary = generate_temporary_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _audit_user(audit.Action.PASSWORD, user, actor=actor, changes={"password": ["***", "reset"]})
    return temporary


@transaction.atomic
def user_change_own_password(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise DomainError(
            _("Your current password is not correct."), code="wrong_password", field="old_password"
        )
    _validate_new_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    _audit_user(audit.Action.PASSWORD, user, actor=user, changes={"password": ["***", "changed"]})


@transaction.atomic
def grant_add(*, user: User, role: str, territory, domain: str = "", actor) -> RoleGrant:
    """Give `user` a role over `territory`'s subtree (None: the whole country)."""
    if role not in scope.grantable_roles(actor):
        raise DomainError(
            _("You may not grant this role."), code="role_not_grantable", field="role"
        )
    if territory is None and not scope.is_system_admin(actor):
        raise DomainError(
            _("Only a system administrator can grant nationwide roles."),
            code="nationwide_grant",
            field="territory",
        )
    if territory is not None and not territory.is_current:
        raise DomainError(
            _("Roles are granted on current administrative units."),
            code="legacy_territory",
            field="territory",
        )
    _require_manage(actor, user.organisation)
    scope.require(actor, "accounts.user.manage", territory)
    grant, created = RoleGrant.objects.get_or_create(
        user=user,
        role=role,
        territory=territory,
        domain=domain or "",
        defaults={"granted_by": actor},
    )
    if created:
        _audit_user(
            audit.Action.GRANT,
            user,
            actor=actor,
            changes={
                "grant": [
                    None,
                    {"role": role, "territory": getattr(territory, "path", None), "domain": domain},
                ]
            },
        )
    scope.forget_grants(user)
    return grant


@transaction.atomic
def grant_revoke(*, grant: RoleGrant, actor) -> None:
    _require_manage(actor, grant.user.organisation)
    scope.require(actor, "accounts.user.manage", grant.territory)
    if grant.role == Role.SYSTEM_ADMIN and not scope.is_system_admin(actor):
        raise DomainError(_("You may not revoke this role."), code="role_not_grantable")
    user = grant.user
    details = {
        "role": grant.role,
        "territory": getattr(grant.territory, "path", None),
        "domain": grant.domain,
    }
    grant.delete()
    _audit_user(audit.Action.REVOKE, user, actor=actor, changes={"grant": [details, None]})
    scope.forget_grants(user)


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the secret is returned once and only its hash is kept."""
    name = nfc(name)
    if not name:
        raise DomainError(_("Give the token a name."), code="required", field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:80], prefix=secret[:10], key_hash=ApiToken.hash_key(secret)
    )
    audit.record(
        [audit.Change(action=audit.Action.CREATE, obj=token, changes={"name": [None, token.name]})],
        actor=user,
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> None:
    if token.user_id != actor.pk:
        raise DomainError(_("You can only revoke your own tokens."), code="forbidden")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            [
                audit.Change(
                    action=audit.Action.UPDATE,
                    obj=token,
                    changes={"revoked_at": [None, token.revoked_at]},
                )
            ],
            actor=actor,
        )


def token_authenticate(secret: str) -> User | None:
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write the "last used" time at most once a minute to keep reads cheap.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
