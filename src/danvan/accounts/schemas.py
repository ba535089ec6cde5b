from datetime import datetime
from typing import Literal

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from danvan.core.roles import Domain, Role
from danvan.organisations.schemas import OrganisationRefOut
from danvan.territories.schemas import TerritoryRefOut

RoleIn = Literal[tuple(r.value for r in Role)]  # type: ignore[valid-type]
DomainIn = Literal[tuple(d.value for d in Domain)]  # type: ignore[valid-type]


class GrantOut(Schema):
    id: int
    role: str
    role_label: str
    territory: TerritoryRefOut | None = Field(description="None: the whole country.")
    domain: str

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())


class UserBasicOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    position: str
    is_active: bool
    must_change_password: bool
    last_login: datetime | None
    date_joined: datetime


class UserOut(UserBasicOut):
    organisation: OrganisationRefOut | None
    grants: list[GrantOut]
    version: int = Field(description="Send it back when updating, to detect concurrent edits.")


class UserCreatedOut(UserOut):
    temporary_password: str | None = Field(
        description="Shown this once, when no password was given; it must be changed at sign-in."
    )


class MeOut(Schema):
    user: UserBasicOut
    organisation: OrganisationRefOut | None
    grants: list[GrantOut]
    is_system_admin: bool


class PasswordResetOut(Schema):
    temporary_password: str = Field(description="Shown this once; it must be changed at sign-in.")


def _check_email(value: str | None) -> str | None:
    if value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise ValueError(_("Enter a valid email address.")) from exc
    return value


def _check_username(value: str | None) -> str | None:
    if value:
        try:
            UnicodeUsernameValidator()(value)
        except ValidationError as exc:
            raise ValueError(
                _("Use only letters, digits and the characters @ . + - _ in the username.")
            ) from exc
    return value


class UserIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    username: str = Field(..., min_length=1, max_length=150)
    full_name: str = Field(..., min_length=1, max_length=150)
    organisation_id: int | None = Field(None, description="None: a national account.")
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)
    position: str = Field("", max_length=120)
    is_active: bool = True
    password: str | None = Field(
        None, description="Leave out to have a temporary password generated and returned once."
    )

    _email = field_validator("email")(_check_email)
    _username = field_validator("username")(_check_username)


class UserPatchIn(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(str_strip_whitespace=True)

    username: str | None = Field(None, min_length=1, max_length=150)
    full_name: str | None = Field(None, min_length=1, max_length=150)
    organisation_id: int | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=20)
    position: str | None = Field(None, max_length=120)
    is_active: bool | None = None
    version: int | None = Field(None, description="The version read; a stale one answers 409.")

    _email = field_validator("email")(_check_email)
    _username = field_validator("username")(_check_username)


class UserFiltersIn(Schema):
    q: str = Field("", description="Name or username, accent-insensitive.")
    role: RoleIn | None = None
    is_active: bool | None = None
    territory_id: int | None = Field(
        None, description="Only users of organisations under this unit."
    )
    organisation_id: int | None = None


class GrantIn(Schema):
    role: RoleIn
    territory_id: int | None = Field(None, description="None: the whole country.")
    domain: DomainIn = Field("", description="Empty: every domain.")


class TokenIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(..., min_length=1, max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret, shown this once; only its hash is stored.")
