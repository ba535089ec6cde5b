from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from danvan.core import scope
from danvan.organisations.selectors import SORTS
from danvan.territories.schemas import TerritoryRefOut

SortIn = Literal[tuple(SORTS)]  # type: ignore[valid-type]


class OrganisationKindOut(Schema):
    id: int
    code: str
    name: str
    sort_order: int


class OrganisationRefOut(Schema):
    id: int
    name: str
    territory: TerritoryRefOut


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: OrganisationKindOut
    territory: TerritoryRefOut
    parent: OrganisationRefOut | None = Field(
        None, description="Shown only when the caller may see the parent organisation too."
    )
    address: str
    phone: str
    email: str
    founded_on: date | None
    member_count: int | None
    note: str
    is_active: bool
    version: int = Field(description="Send it back when updating, to detect concurrent edits.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_parent(obj, context):
        parent = obj.parent
        if parent is None:
            return None
        request = context["request"]
        # A parent above the caller's scope stays hidden, name included.
        if not scope.can(request.user, "organisations.view", parent.territory):
            return None
        return parent


def _check_email(value: str | None) -> str | None:
    if value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise ValueError(_("Enter a valid email address.")) from exc
    return value


class OrganisationIn(Schema):
    """A whole organisation, for create (POST)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(..., min_length=1, max_length=255)
    short_name: str = Field("", max_length=60)
    kind: str = Field(..., min_length=1, description="A kind code from /organisations/kinds.")
    territory_id: int = Field(..., description="A current-era unit in the caller's scope.")
    parent_id: int | None = None
    address: str = Field("", max_length=255)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    founded_on: date | None = None
    member_count: int | None = Field(None, ge=0)
    note: str = ""
    is_active: bool = True

    _email = field_validator("email")(_check_email)


class OrganisationUpdateIn(OrganisationIn):
    """A whole organisation, for replace (PUT)."""

    version: int | None = Field(
        None, description="The version read; a stale one answers 409 conflict."
    )


class OrganisationPatchIn(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=60)
    kind: str | None = Field(None, min_length=1)
    territory_id: int | None = None
    parent_id: int | None = None
    address: str | None = Field(None, max_length=255)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    founded_on: date | None = None
    member_count: int | None = Field(None, ge=0)
    note: str | None = None
    is_active: bool | None = None
    version: int | None = Field(None, description="The version read; a stale one answers 409.")

    _email = field_validator("email")(_check_email)


class OrganisationFiltersIn(Schema):
    q: str = Field("", description="Name or short name, accent-insensitive.")
    kind: str = Field("", description="A kind code.")
    territory_id: int | None = Field(None, description="Only organisations under this unit.")
    is_active: bool | None = None
    sort: SortIn = "name"
