"""Shapes of the petition API (staff, within scope). Dates are ISO 8601.

The submitter's citizen ID, phone and e-mail are masked in every answer unless the detail is
asked for with `?reveal=1` by a role that may see them (the view is logged).
"""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from danvan.dialogues.models import Category, Channel, PetitionStatus
from danvan.dialogues.selectors import INBOX_BUCKETS
from danvan.dialogues.services import deadlines
from danvan.dialogues.services.petitions import (
    ANSWER_MAX,
    CONTENT_MAX,
    TITLE_MAX,
    format_code,
)
from danvan.territories.schemas import TerritoryRefOut

CategoryIn = Literal[tuple(Category.values)]  # type: ignore[valid-type]
ChannelIn = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
StatusIn = Literal[tuple(PetitionStatus.values)]  # type: ignore[valid-type]
BucketIn = Literal[tuple(INBOX_BUCKETS)]  # type: ignore[valid-type]
VERSION_DESCRIPTION = "The version read; if someone saved since, the answer is 409 conflict."
REASON_MAX = 2000


class Stripped(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)


class AgencyRefOut(Schema):
    id: int
    name: str


class OfficerRefOut(Schema):
    id: int
    username: str
    display_name: str


class PetitionRefOut(Schema):
    id: int
    code: str
    title: str
    status: str

    @staticmethod
    def resolve_code(obj) -> str:
        return format_code(obj.code)


class StepOut(Schema):
    name: str = Field(description="The action: POST /petitions/{id}/<name> (mark_spam: /spam).")
    label: str = Field(description="In the request's language.")
    requires_reason: bool


class PetitionFiltersIn(Schema):
    bucket: BucketIn | None = Field(None, description="An inbox tab; empty: every petition.")
    q: str = Field("", max_length=200, description="Words of the summary or content.")
    territory_id: int | None = Field(None, description="Only petitions under this unit.")
    category: CategoryIn | None = None
    channel: ChannelIn | None = None
    agency_id: int | None = None
    status: StatusIn | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="Received in this year.")
    month: int | None = Field(None, ge=1, le=12, description="…and this month (with year).")


class PetitionListOut(Schema):
    id: int
    code: str = Field(description="The tracking code as given to the citizen (XXXX-XXXX-XXXX).")
    title: str
    category: str
    channel: str
    status: str
    status_label: str
    territory: TerritoryRefOut
    received_at: datetime
    deadline: date
    is_overdue: bool
    days_late: int = Field(description="Days past the deadline (0 when on time).")
    escalated_at: datetime | None
    agency: AgencyRefOut | None
    officer: OfficerRefOut | None
    version: int

    @staticmethod
    def resolve_code(obj) -> str:
        return format_code(obj.code)

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_is_overdue(obj) -> bool:
        return deadlines.is_overdue(obj)

    @staticmethod
    def resolve_days_late(obj) -> int:
        return deadlines.days_late(obj)


class PetitionOut(PetitionListOut):
    content: str
    address: str
    conference_id: int | None
    anonymous: bool
    submitter_name: str
    submitter_id_number: str = Field(description="Masked unless revealed.")
    submitter_phone: str = Field(description="Masked unless revealed.")
    submitter_email: str = Field(description="Masked unless revealed.")
    revealed: bool = Field(description="Are the submitter's details shown in full?")
    can_reveal: bool = Field(description="May the caller ask for them with ?reveal=1?")
    assigned_at: datetime | None
    answer: str
    answer_public: bool
    answered_at: datetime | None
    closed_at: datetime | None
    satisfaction: str
    satisfaction_note: str
    reopen_count: int
    merged_into: PetitionRefOut | None
    duplicates: list[PetitionRefOut]
    status_note: str
    steps: list[StepOut] = Field(description="Steps the caller may take now.")
    created_at: datetime
    updated_at: datetime


class PetitionIn(Stripped):
    title: str = Field(..., max_length=TITLE_MAX)
    content: str = Field(..., max_length=CONTENT_MAX)
    category: CategoryIn
    channel: ChannelIn
    territory_id: int
    conference_id: int | None = Field(None, description="Required for the channel conference.")
    address: str = Field("", max_length=300)
    anonymous: bool = False
    submitter_name: str = Field("", max_length=150)
    submitter_id_number: str = Field("", max_length=20, description="Citizen ID, 12 digits.")
    submitter_phone: str = Field("", max_length=20)
    submitter_email: str = Field("", max_length=254)
    received_at: datetime | None = Field(None, description="Default: now.")


class PetitionUpdateIn(Schema):
    """Fields to change (others stay); leave the personal numbers out to keep them."""

    model_config = ConfigDict(str_strip_whitespace=True)

    version: int = Field(description=VERSION_DESCRIPTION)
    title: str | None = Field(None, max_length=TITLE_MAX)
    content: str | None = Field(None, max_length=CONTENT_MAX)
    category: CategoryIn | None = None
    channel: ChannelIn | None = None
    territory_id: int | None = None
    conference_id: int | None = None
    address: str | None = Field(None, max_length=300)
    anonymous: bool | None = None
    submitter_name: str | None = Field(None, max_length=150)
    submitter_id_number: str | None = Field(None, max_length=20)
    submitter_phone: str | None = Field(None, max_length=20)
    submitter_email: str | None = Field(None, max_length=254)
    received_at: datetime | None = None


class StepIn(Schema):
    version: int | None = Field(None, description=VERSION_DESCRIPTION)


class ReasonIn(StepIn):
    reason: str = Field("", max_length=REASON_MAX)


class AssignIn(ReasonIn):
    agency_id: int = Field(description="An organisation of the petition's province.")
    officer_id: int | None = Field(None, description="An active account of that agency.")


class AnswerIn(StepIn):
    answer: str = Field(..., max_length=ANSWER_MAX)
    public: bool = Field(True, description="Show the answer on the public portal.")


class MergeIn(StepIn):
    into_id: int | None = Field(None, description="The petition to keep, by id…")
    into_code: str = Field("", max_length=20, description="…or by its tracking code.")


class BulkAssignIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=500)
    agency_id: int
    officer_id: int | None = None


class BulkAssignOut(Schema):
    assigned: int


class InboxCountsOut(Schema):
    new: int
    mine: int
    agency: int
    due_soon: int
    overdue: int
    escalated: int
    answered: int
    spam: int


class SuggestionOut(Schema):
    petition: PetitionRefOut
    score: float = Field(description="Share of distinctive words in common, 0 to 1.")
