from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from danvan.core.attachments_api import AttachmentOut
from danvan.initiatives.models import (
    LEVEL_LADDER,
    EvaluationOutcome,
    Kind,
    Level,
    MemberRole,
    Status,
    Subject,
)
from danvan.initiatives.selectors import SORTS
from danvan.initiatives.transitions import PAGE_STEPS
from danvan.territories.schemas import TerritoryRefOut

SortIn = Literal[tuple(SORTS)]  # type: ignore[valid-type]
KindIn = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
SubjectIn = Literal[tuple(Subject.values)]  # type: ignore[valid-type]
LevelIn = Literal[tuple(Level.values)]  # type: ignore[valid-type]
CouncilLevelIn = Literal[tuple(level.value for level in LEVEL_LADDER)]  # type: ignore[valid-type]
StatusIn = Literal[tuple(Status.values)]  # type: ignore[valid-type]
StepIn = Literal[PAGE_STEPS]  # type: ignore[valid-type]
OutcomeIn = Literal[tuple(EvaluationOutcome.values)]  # type: ignore[valid-type]
MemberRoleIn = Literal[tuple(MemberRole.values)]  # type: ignore[valid-type]

# Indicator values: at most 16 digits before the point and 2 after, as the column stores them.
IndicatorValueIn = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]
TagIn = Annotated[str, Field(max_length=60)]


def number_out(value: Decimal | None) -> int | float | None:
    """Whole values as JSON integers (exact VND amounts), others as decimals."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# --- reference data --------------------------------------------------------------------------


class FieldOut(Schema):
    id: int
    code: str
    name: str = Field(description="In the request's language.")
    sort_order: int


class IndicatorKindOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    is_money: bool = Field(description="An amount in VND: whole numbers only.")
    is_whole: bool = Field(description="Counted in whole numbers.")
    sort_order: int


# --- models (mô hình) ------------------------------------------------------------------------


class OrganisationRefOut(Schema):
    id: int
    name: str


class InitiativeRefOut(Schema):
    id: int
    name: str
    year: int
    status: str
    territory: TerritoryRefOut
    organisation: OrganisationRefOut


class InitiativeListOut(Schema):
    id: int
    name: str
    kind: str
    subject: str
    field: FieldOut
    territory: TerritoryRefOut
    organisation: OrganisationRefOut
    person_name: str
    year: int
    status: str
    level: str = Field(description="The highest level recognised; empty until recognised.")
    target_level: str = Field(description="The level the current submission asks for.")
    score: float | None = Field(
        None, description="Shown only to those who may see council scores in the model's unit."
    )
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_score(obj, context) -> float | None:
        from danvan.core import scope

        if not scope.can(context["request"].user, "initiatives.scores.view", obj.territory):
            return None
        return number_out(obj.score)


class IndicatorOut(Schema):
    kind: IndicatorKindOut
    value: int | float = Field(description="Integers for VND amounts and counts.")
    note: str

    @staticmethod
    def resolve_value(obj) -> int | float | None:
        return number_out(obj.value)


class RecognitionOut(Schema):
    id: int
    level: str
    year: int
    decision_number: str
    decision_date: date
    issuer: OrganisationRefOut
    review_round_id: int | None
    score: float | None = Field(None, description="Only for those who may see scores.")

    @staticmethod
    def resolve_score(obj) -> float | None:
        return number_out(getattr(obj, "visible_score", None))


class ReplicationOut(Schema):
    id: int
    territory: TerritoryRefOut
    year: int
    note: str
    copy_id: int | None = Field(
        None, description="The copy's own record, given only when the caller may see it."
    )
    created_at: datetime

    @staticmethod
    def resolve_copy_id(obj) -> int | None:
        return getattr(obj, "visible_copy_id", None)


class EvaluationOut(Schema):
    id: int
    year: int
    outcome: str
    note: str
    evaluated_by: str | None = None
    created_at: datetime

    @staticmethod
    def resolve_evaluated_by(obj) -> str | None:
        return obj.evaluated_by.display_name if obj.evaluated_by_id else None


class ReviewOut(Schema):
    """One council review of the model, for those who may see scores."""

    entry_id: int
    round_id: int
    round_name: str
    level: str
    average: float | None
    score_count: int
    recognised: bool | None


class InitiativeOut(InitiativeListOut):
    summary: str
    problem: str
    mobilisation: str
    person_position: str
    started_on: date | None
    registered_years: list[int]
    status_note: str = Field(description="The reason given with the last return or refusal.")
    tags: list[str]
    indicators: list[IndicatorOut]
    recognitions: list[RecognitionOut]
    replications: list[ReplicationOut]
    evaluations: list[EvaluationOut]
    reviews: list[ReviewOut] | None = Field(
        None, description="Council reviews with averages; null for those who may not see scores."
    )
    attachments: list[AttachmentOut] = Field(
        description="Files of the model; manage them with /attachments "
        '(owner_type "initiatives.initiative").'
    )
    steps: list[str] = Field(
        description="Steps the caller may take now through /models/{id}/transitions."
    )
    created_at: datetime
    submitted_at: datetime | None
    recognised_at: datetime | None

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class InitiativeIn(Schema):
    """A whole model, for registering a draft (POST)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(..., min_length=1, max_length=255)
    summary: str = Field(..., min_length=1, max_length=5000)
    problem: str = Field("", max_length=5000)
    mobilisation: str = Field("", max_length=5000)
    kind: KindIn = Kind.MODEL.value
    subject: SubjectIn = Field(..., description="tap_the (collective) or ca_nhan (individual).")
    field: str = Field(..., min_length=1, description="A field code from /models/fields.")
    territory_id: int = Field(..., description="A unit in the caller's scope.")
    organisation_id: int = Field(
        ..., description="The collective itself, or the organisation of the individual."
    )
    person_name: str = Field("", max_length=120)
    person_position: str = Field("", max_length=120)
    started_on: date | None = None
    year: int = Field(..., description="Registration year.")
    tags: list[TagIn] = Field(default_factory=list)
    indicators: dict[str, IndicatorValueIn] = Field(
        default_factory=dict,
        description="Indicator kind code → value; VND amounts and counts are whole numbers.",
    )


class InitiativeUpdateIn(InitiativeIn):
    """A whole model, for replace (PUT); drafts only."""

    version: int | None = Field(
        None, description="The version read; a stale one answers 409 conflict."
    )


class InitiativePatchIn(Schema):
    """Only the fields sent are changed; `tags` and `indicators` replace the whole set."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=255)
    summary: str | None = Field(None, min_length=1, max_length=5000)
    problem: str | None = Field(None, max_length=5000)
    mobilisation: str | None = Field(None, max_length=5000)
    kind: KindIn | None = None
    subject: SubjectIn | None = None
    field: str | None = Field(None, min_length=1)
    territory_id: int | None = None
    organisation_id: int | None = None
    person_name: str | None = Field(None, max_length=120)
    person_position: str | None = Field(None, max_length=120)
    started_on: date | None = None
    year: int | None = None
    tags: list[TagIn] | None = None
    indicators: dict[str, IndicatorValueIn] | None = None
    version: int | None = Field(None, description="The version read; a stale one answers 409.")


class InitiativeFiltersIn(Schema):
    q: str = Field("", max_length=200, description="Name or summary, accent-insensitive.")
    year: int | None = Field(None, ge=2000, le=2100)
    level: LevelIn | None = Field(None, description="The recognised level.")
    field: str = Field("", max_length=40, description="A field code.")
    subject: SubjectIn | None = None
    kind: KindIn | None = None
    status: StatusIn | None = None
    territory_id: int | None = Field(None, description="Only models under this unit.")
    organisation_id: int | None = None
    tag: str = Field("", max_length=60)
    sort: SortIn = "-year"


class TransitionIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: StepIn = Field(description="One of the `steps` listed in the model's detail.")
    reason: str = Field("", max_length=2000, description="Required to return a model.")
    version: int | None = Field(None, description="The version read; a stale one answers 409.")


class ReplicationIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    territory_id: int = Field(description="The current unit that took the model up.")
    year: int
    note: str = Field("", max_length=255)
    copy_id: int | None = Field(None, description="The copy's own model record, if registered.")


class EvaluationIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    year: int
    outcome: OutcomeIn
    note: str = Field("", max_length=2000, description="Required when no longer effective.")


# --- councils --------------------------------------------------------------------------------


class CriteriaSetRefOut(Schema):
    id: int
    name: str


class CouncilOut(Schema):
    id: int
    name: str
    year: int
    level: str
    territory: TerritoryRefOut
    issuer: OrganisationRefOut
    criteria_set: CriteriaSetRefOut
    pass_score: float
    created_at: datetime


class UserRefOut(Schema):
    id: int
    username: str
    display_name: str


class CouncilMemberOut(Schema):
    id: int
    user: UserRefOut
    organisation: OrganisationRefOut | None
    role: str


class CriterionOut(Schema):
    code: str
    name: str
    description: str
    weight: float
    max_score: int


class RoundRefOut(Schema):
    id: int
    name: str
    deadline: date
    status: str
    decision_number: str
    decision_date: date | None


class CouncilDetailOut(CouncilOut):
    members: list[CouncilMemberOut]
    criteria: list[CriterionOut]
    rounds: list[RoundRefOut]
    can_manage: bool = Field(description="May the caller seat members and open rounds?")


class CouncilIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(..., min_length=1, max_length=200)
    year: int = Field(..., ge=2000, le=2100)
    level: CouncilLevelIn
    territory_id: int
    issuer_id: int = Field(description="The organisation whose decision recognises the models.")
    criteria_set_id: int
    pass_score: Decimal = Field(Decimal(70), ge=0, le=100, max_digits=5, decimal_places=2)


class MemberIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    username: str = Field(..., min_length=1, max_length=150)
    role: MemberRoleIn = MemberRole.MEMBER.value


class RoundIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(..., min_length=1, max_length=160)
    deadline: date


class EntryOut(Schema):
    id: int
    initiative: InitiativeRefOut
    level: str
    rank: int | None = Field(None, description="1 = best; none until scored.")
    average: float | None = Field(None, description="Only for those who may see scores.")
    score_count: int | None = Field(None, description="Only for those who may see scores.")
    passes: bool | None = Field(None, description="Average reaches the pass score.")
    recognised: bool | None = Field(None, description="Set when the round is closed.")


class RoundOut(RoundRefOut):
    council: CouncilOut
    signer_name: str
    signer_position: str
    closed_at: datetime | None
    version: int
    entries: list[EntryOut]
    attachments: list[AttachmentOut] = Field(
        description="The decision (DOCX and PDF) once the round is closed."
    )
    my_role: str | None = Field(None, description="The caller's seat on the council, if any.")
    can_score: bool
    can_close: bool


class EntriesIn(Schema):
    initiative_ids: list[int] = Field(
        ..., min_length=1, description="Submitted models of the council's unit and level."
    )


class SheetOut(Schema):
    values: dict[str, int]
    total: float = Field(description="Weighted mean of the criteria on a 100-point scale.")
    comment: str
    updated_at: datetime


class MyEntryOut(Schema):
    id: int
    initiative: InitiativeRefOut
    sheet: SheetOut | None = Field(None, description="The caller's scores, once given.")


class MyEntriesOut(Schema):
    criteria: list[CriterionOut]
    entries: list[MyEntryOut]
    conflicted: int = Field(
        description="Entries of the caller's own organisation, left out (conflict of interest)."
    )
    is_open: bool


class ScoreIn(Schema):
    values: dict[str, int] = Field(description="Criterion code → whole score.")
    comment: str = Field("", max_length=5000)


class AggregateOut(Schema):
    id: int
    average: float | None = Field(None, description="Only for those who may see scores.")
    score_count: int | None = None


class ScoreOut(Schema):
    sheet: SheetOut
    entry: AggregateOut


class CloseIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    recognised_entry_ids: list[int] | None = Field(
        None, description="Entries to recognise; omitted: every entry reaching the pass score."
    )
    decision_number: str = Field(
        "", max_length=60, description="Empty: the issuer's next number is taken."
    )
    decision_date: date
    signer_name: str = Field(..., min_length=1, max_length=120)
    signer_position: str = Field(..., min_length=1, max_length=120)
    version: int | None = Field(None, description="The version read; a stale one answers 409.")
