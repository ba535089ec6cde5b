"""Shapes of the conference, yearly plan and deadline rule API (dates and times ISO 8601)."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from danvan.dialogues.models import Category, Channel, ConferenceStatus, OrganiserRole
from danvan.territories.schemas import TerritoryRefOut

ConferenceStatusIn = Literal[tuple(ConferenceStatus.values)]  # type: ignore[valid-type]
OrganiserRoleIn = Literal[tuple(OrganiserRole.values)]  # type: ignore[valid-type]
CategoryOrAllIn = Literal[("", *Category.values)]  # type: ignore[valid-type]
ChannelOrAllIn = Literal[("", *Channel.values)]  # type: ignore[valid-type]
VERSION_DESCRIPTION = "The version read; if someone saved since, the answer is 409 conflict."


class Stripped(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)


class StepOut(Schema):
    name: str = Field(description="hold, publish_minutes or cancel: the endpoint to call.")
    label: str = Field(description="In the request's language.")
    requires_reason: bool


class FollowUpOut(Schema):
    """What became of the petitions raised at a conference (merged and spam not counted)."""

    total: int
    answered: int
    open: int
    overdue: int
    answered_percent: float | None


class OrganisationRefOut(Schema):
    id: int
    name: str
    territory_id: int


# --- conferences ----------------------------------------------------------------------------


class ConferenceFiltersIn(Schema):
    q: str = Field("", max_length=200, description="Words of the topic or place, accents optional.")
    territory_id: int | None = Field(None, description="A unit and the units below it.")
    status: ConferenceStatusIn | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    organiser_role: OrganiserRoleIn | None = None
    when: Literal["upcoming", "past"] | None = Field(
        None, description="upcoming: from now on, soonest first; past: before now, newest first."
    )


class ConferenceListOut(Schema):
    id: int
    territory: TerritoryRefOut
    organiser_role: str
    organiser_name: str
    topic: str
    starts_at: datetime
    place: str
    participants: int | None
    status: str
    version: int


class ConferenceOut(ConferenceListOut):
    organisation: OrganisationRefOut | None
    invited: list[OrganisationRefOut]
    invited_other: str
    agenda: str
    minutes: str
    cancel_reason: str
    held_at: datetime | None
    minutes_published_at: datetime | None
    created_at: datetime
    steps: list[StepOut] = Field(description="Steps the caller may take now.")
    follow_up: FollowUpOut

    @staticmethod
    def resolve_invited(obj) -> list:
        return list(obj.invited.all())


class ConferenceIn(Stripped):
    territory_id: int
    organiser_role: OrganiserRoleIn
    organiser_name: str = Field("", max_length=150)
    organisation_id: int | None = Field(None, description="The organising body.")
    topic: str = Field(..., min_length=1, max_length=300)
    starts_at: datetime = Field(description="Without a time zone offset, Vietnam time.")
    place: str = Field(..., min_length=1, max_length=300)
    invited_ids: list[int] = Field(default_factory=list, max_length=200)
    invited_other: str = Field("", max_length=3000)
    agenda: str = Field("", max_length=10000)


class ConferenceUpdateIn(ConferenceIn):
    version: int = Field(description=VERSION_DESCRIPTION)
    participants: int | None = Field(None, description="Only once the conference was held.")
    minutes: str | None = Field(None, max_length=100_000)


class HoldIn(Stripped):
    participants: int
    minutes: str = Field("", max_length=100_000)
    version: int | None = Field(None, description=VERSION_DESCRIPTION)


class PublishMinutesIn(Stripped):
    minutes: str = Field("", max_length=100_000, description="Empty: the minutes recorded already.")
    version: int | None = Field(None, description=VERSION_DESCRIPTION)


class CancelIn(Stripped):
    reason: str = Field("", max_length=2000)
    version: int | None = Field(None, description=VERSION_DESCRIPTION)


# --- yearly plans ---------------------------------------------------------------------------


class PlanOut(Schema):
    territory: TerritoryRefOut
    year: int
    planned_count: int
    note: str
    version: int
    held: int = Field(description="Held so far by the unit and the units below it.")
    required_by_now: int = Field(description="The plan spread evenly over the year, to today.")
    behind: bool


class PlanIn(Stripped):
    planned_count: int
    note: str = Field("", max_length=2000)


# --- deadline rules -------------------------------------------------------------------------


class RuleOut(Schema):
    id: int
    territory: TerritoryRefOut | None = Field(description="None: a national rule.")
    category: str = Field(description="Empty: every field.")
    channel: str = Field(description="Empty: every channel.")
    days: int
    due_soon_days: int
    escalate_after_days: int
    note: str
    version: int


class RuleIn(Stripped):
    territory_id: int | None = Field(None, description="None: a national rule.")
    category: CategoryOrAllIn = ""
    channel: ChannelOrAllIn = ""
    days: int
    due_soon_days: int = 3
    escalate_after_days: int = 7
    note: str = Field("", max_length=300)


class RuleUpdateIn(RuleIn):
    version: int = Field(description=VERSION_DESCRIPTION)
