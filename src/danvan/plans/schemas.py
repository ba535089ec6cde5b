"""Input and output shapes of the plans API."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from danvan.plans.models import Aggregation, Period, PlanStatus, TaskStatus


class PlanFiltersIn(Schema):
    territory_id: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    organisation_id: int | None = None
    status: PlanStatus | None = None
    q: str = Field("", max_length=200)


class PlanIn(Schema):
    organisation_id: int
    year: int = Field(..., ge=2000, le=2100)
    title: str = Field(..., min_length=1, max_length=300)
    goals: str = Field("", max_length=20000)
    document_ids: list[int] = Field(default_factory=list, max_length=200)


class PlanUpdateIn(PlanIn):
    version: int


class StepIn(Schema):
    reason: str = Field("", max_length=2000)
    version: int | None = None


class DocumentRefOut(Schema):
    id: int
    number_symbol: str
    title: str
    issued_on: date


class PlanListOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str = Field(..., alias="organisation.name")
    territory_id: int
    territory_name: str = Field(..., alias="territory.name")
    year: int
    title: str
    status: str
    version: int


class StepOut(Schema):
    name: str
    label: str
    requires_reason: bool


class PlanOut(PlanListOut):
    goals: str
    approved_at: datetime | None
    documents: list[DocumentRefOut]
    steps: list[StepOut]


class IndicatorIn(Schema):
    name: str = Field(..., min_length=1, max_length=300)
    unit: str = Field(..., min_length=1, max_length=40)
    target_value: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    measurement: str = Field("", max_length=5000)
    code: str = Field("", max_length=60)
    source: str = Field("", max_length=60)
    aggregation: Aggregation = Aggregation.SUM


class IndicatorOut(Schema):
    id: int
    plan_id: int | None
    code: str
    name: str
    unit: str
    target_value: Decimal | None
    measurement: str
    source: str
    aggregation: str
    sort_order: int


class TaskIn(Schema):
    title: str = Field(..., min_length=1, max_length=500)
    owner_id: int | None = None
    owner_name: str = Field("", max_length=200)
    deadline: date | None = None
    status: TaskStatus = TaskStatus.TODO
    note: str = Field("", max_length=5000)


class TaskUpdateIn(TaskIn):
    version: int | None = None


class TaskOut(Schema):
    id: int
    plan_id: int
    title: str
    owner_id: int | None
    owner_name: str
    deadline: date | None
    status: str
    done_on: date | None
    note: str
    is_overdue: bool
    version: int


class ReportOpenIn(Schema):
    period: Period
    year: int | None = Field(None, ge=2000, le=2100)


class ValueOut(Schema):
    indicator_id: int
    name: str
    unit: str
    target: Decimal | None
    actual: Decimal | None
    percent: Decimal | None
    is_computed: bool
    source: str
    source_label: str
    drill_url: str
    note: str
    computed_at: datetime | None


class ReportOut(Schema):
    id: int
    plan_id: int | None
    year: int
    period: str
    status: str
    note: str
    first_day: date
    last_day: date
    submitted_at: datetime | None
    version: int
    values: list[ValueOut]


class ValueIn(Schema):
    indicator_id: int
    value: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    note: str | None = Field(None, max_length=500)


class ValuesIn(Schema):
    version: int
    values: list[ValueIn] = Field(default_factory=list, max_length=500)
    note: str | None = Field(None, max_length=20000)


class ComputeIn(Schema):
    version: int | None = None


class ContributionOut(Schema):
    plan_id: int
    organisation_name: str
    territory_name: str
    indicator_id: int
    value: Decimal | None
    report_status: str


class RollupOut(Schema):
    indicator_id: int
    name: str
    unit: str
    aggregation: str
    value: Decimal | None
    contributions: list[ContributionOut]


class SourceOut(Schema):
    key: str
    label: str
    unit: str
    domain: str
