"""Shapes of the land-clearance API.

Money is whole VND as JSON integers; areas and quantities are decimals, written as strings in
answers ("120.50") and taken as strings or numbers; dates are ISO 8601.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from danvan.clearance.models import (
    CaseStatus,
    Category,
    ComplaintStatus,
    LandType,
    LegalStatus,
    PaymentMethod,
    PlanKind,
    ProjectKind,
    ProjectStatus,
    VisitKind,
    VisitOutcome,
    WorksKind,
)
from danvan.clearance.selectors import PROJECT_SORTS
from danvan.core import scope
from danvan.territories.schemas import TerritoryRefOut

ProjectStatusIn = Literal[tuple(ProjectStatus.values)]  # type: ignore[valid-type]
ProjectKindIn = Literal[tuple(ProjectKind.values)]  # type: ignore[valid-type]
ProjectSortIn = Literal[tuple(PROJECT_SORTS)]  # type: ignore[valid-type]
CaseStatusIn = Literal[tuple(CaseStatus.values)]  # type: ignore[valid-type]
CategoryIn = Literal[tuple(Category.values)]  # type: ignore[valid-type]
LandTypeIn = Literal[tuple(LandType.values)]  # type: ignore[valid-type]
LegalStatusIn = Literal[tuple(LegalStatus.values)]  # type: ignore[valid-type]
PlanKindIn = Literal[tuple(PlanKind.values)]  # type: ignore[valid-type]
PaymentMethodIn = Literal[tuple(PaymentMethod.values)]  # type: ignore[valid-type]
ComplaintStatusIn = Literal[tuple(ComplaintStatus.values)]  # type: ignore[valid-type]
VisitKindIn = Literal[tuple(VisitKind.values)]  # type: ignore[valid-type]
VisitOutcomeIn = Literal[tuple(VisitOutcome.values)]  # type: ignore[valid-type]
WorksKindIn = Literal[tuple(WorksKind.values)]  # type: ignore[valid-type]

# Whole đồng; the services refuse amounts above their own ceiling with a 400 on the field.
MoneyIn = Annotated[int, Field(ge=0, description="Whole VND.")]
# As the columns store them: 12 digits before the point, 2 after.
AreaIn = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, description="m².")]
VERSION_DESCRIPTION = "The version read; if someone saved since, the answer is 409 conflict."


class Stripped(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)


class StepOut(Schema):
    name: str = Field(description="Send it as `name` to the record's /transitions.")
    label: str = Field(description="In the request's language.")
    requires_reason: bool


class PersonOut(Schema):
    id: int
    username: str
    display_name: str


class TaskForceRefOut(Schema):
    id: int
    name: str


class ProjectRefOut(Schema):
    id: int
    code: str
    name: str
    status: str
    territory_id: int


# --- projects ----------------------------------------------------------------------------------


class ProjectFiltersIn(Schema):
    q: str = Field("", max_length=200, description="Words of the code or name.")
    territory_id: int | None = Field(None, description="Only projects under this unit.")
    status: ProjectStatusIn | None = None
    kind: ProjectKindIn | None = None
    year: int | None = None
    sort: ProjectSortIn = "-year"


class ProjectListOut(ProjectRefOut):
    territory: TerritoryRefOut
    kind: str
    year: int
    task_force: TaskForceRefOut | None
    planned_area: Decimal
    planned_households: int
    budget: int
    households_count: int = Field(description="Stored totals, kept equal to the records.")
    agreed_count: int
    paid_count: int
    handed_over_count: int
    complaint_count: int = Field(description="Households with an open complaint.")
    approved_total: int = Field(description="VND in approved compensation plans.")
    paid_total: int = Field(description="VND paid.")
    recovered_area: Decimal
    version: int
    updated_at: datetime


class DecisionOut(Schema):
    id: int
    number: str
    signed_on: date
    note: str


class PhaseOut(Schema):
    id: int
    name: str
    order: int
    starts_on: date | None
    ends_on: date | None
    done_on: date | None
    note: str


class ProjectOut(ProjectListOut):
    investor: str
    purpose: str
    units: list[TerritoryRefOut] = Field(description="Every commune the project touches.")
    starts_on: date | None
    handover_deadline: date | None
    suspended_from: str = Field(description="Where a suspended project resumes.")
    status_note: str = Field(description="The reason given with the last suspension.")
    decisions: list[DecisionOut]
    phases: list[PhaseOut]
    steps: list[StepOut] = Field(description="Steps the caller may take now.")
    created_at: datetime

    @staticmethod
    def resolve_units(obj) -> list:
        return list(obj.units.all())


class ProjectIn(Stripped):
    name: str = Field(..., min_length=1, max_length=255)
    code: str = Field(..., min_length=1, max_length=40, description="Unique across projects.")
    investor: str = Field("", max_length=200)
    purpose: str = Field("", max_length=5000)
    kind: ProjectKindIn = ProjectKind.STATE_RECOVERY.value
    territory_id: int = Field(description="The unit in charge, within the caller's scope.")
    unit_ids: list[int] = Field(
        default_factory=list, description="Communes affected; empty: the unit in charge."
    )
    year: int
    planned_area: AreaIn = Decimal("0")
    planned_households: int = Field(0, ge=0)
    budget: MoneyIn = 0
    starts_on: date | None = None
    handover_deadline: date | None = None
    task_force_id: int | None = None


class ProjectUpdateIn(ProjectIn):
    """Every field, for PUT."""

    version: int = Field(description=VERSION_DESCRIPTION)


class ProjectPatchIn(Stripped):
    """Only the fields sent change."""

    name: str | None = Field(None, min_length=1, max_length=255)
    code: str | None = Field(None, min_length=1, max_length=40)
    investor: str | None = Field(None, max_length=200)
    purpose: str | None = Field(None, max_length=5000)
    kind: ProjectKindIn | None = None
    territory_id: int | None = None
    unit_ids: list[int] | None = None
    year: int | None = None
    planned_area: AreaIn | None = None
    planned_households: int | None = Field(None, ge=0)
    budget: MoneyIn | None = None
    starts_on: date | None = None
    handover_deadline: date | None = None
    task_force_id: int | None = None
    version: int = Field(description=VERSION_DESCRIPTION)


class _TransitionIn(Stripped):
    name: str = Field(..., min_length=1, max_length=40, description="One of the `steps`.")
    reason: str = Field("", max_length=2000, description="Required by some steps.")
    version: int | None = Field(None, description=VERSION_DESCRIPTION)


class ProjectTransitionIn(_TransitionIn):
    pass


class DecisionIn(Stripped):
    number: str = Field(..., min_length=1, max_length=60)
    signed_on: date
    note: str = Field("", max_length=255)


class PhaseIn(Stripped):
    name: str = Field(..., min_length=1, max_length=200)
    order: int = Field(1, ge=1, le=999)
    starts_on: date | None = None
    ends_on: date | None = None
    done_on: date | None = None
    note: str = Field("", max_length=255)


# --- households --------------------------------------------------------------------------------


class HouseholdFiltersIn(Schema):
    q: str = Field("", max_length=200, description="Words of the code, head's name or village.")
    status: CaseStatusIn | None = None
    complaints: bool = Field(False, description="Only households with an open complaint.")
    outstanding: bool = Field(False, description="Only households paid less than approved.")
    officer_id: int | None = None


class HouseholdListOut(Schema):
    id: int
    code: str
    head_name: str
    village: str
    status: str
    officer: PersonOut | None
    approved_total: int
    paid_total: int
    outstanding: int = Field(description="Approved minus paid, VND.")
    recovered_area: Decimal
    open_complaints: int
    handed_over_on: date | None
    version: int


class HouseholdMemberOut(Schema):
    id: int
    full_name: str
    relation: str
    id_number: str = Field(description="Masked unless revealed.")
    phone: str = Field(description="Masked unless revealed.")
    birth_year: int | None


class PlotOut(Schema):
    id: int
    map_sheet: str
    plot_number: str
    certificate_number: str
    land_type: str
    legal_status: str
    total_area: Decimal
    recovered_area: Decimal


class InventoryItemOut(Schema):
    id: int
    category: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: int
    amount: int = Field(description="quantity x unit price, rounded half up to the đồng.")


class PlanLineOut(Schema):
    category: str
    amount: int
    note: str


class PlanOut(Schema):
    id: int
    kind: str
    status: str
    decision_number: str
    approved_on: date | None
    note: str
    total: int
    lines: list[PlanLineOut]
    created_at: datetime

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class PaymentOut(Schema):
    id: int
    household_id: int
    paid_on: date
    voucher_number: str
    method: str
    amount: int
    note: str
    created_at: datetime


class ComplaintOut(Schema):
    id: int
    received_on: date
    content: str
    status: str
    resolution: str
    resolved_on: date | None


class VisitOut(Schema):
    id: int
    visited_on: date
    kind: str
    officers: list[PersonOut]
    participants: str
    discussed: str
    outcome: str
    next_step: str
    follow_up_on: date | None
    created_at: datetime

    @staticmethod
    def resolve_officers(obj) -> list:
        return list(obj.officers.all())


class HouseholdOut(HouseholdListOut):
    project: ProjectRefOut
    head_id_number: str = Field(description="Masked unless revealed.")
    phone: str = Field(description="Masked unless revealed.")
    address: str
    commune: TerritoryRefOut | None
    status_note: str
    resettlement: str
    resettlement_on: date | None
    note: str
    revealed: bool = Field(description="Are the personal numbers shown in full?")
    can_reveal: bool = Field(description="May the caller ask for them with ?reveal=true?")
    members: list[HouseholdMemberOut]
    plots: list[PlotOut]
    inventory: list[InventoryItemOut]
    plans: list[PlanOut]
    payments: list[PaymentOut]
    complaints: list[ComplaintOut]
    steps: list[StepOut] = Field(description="Steps the caller may take now.")
    created_at: datetime
    updated_at: datetime


class HouseholdIn(Stripped):
    code: str = Field(..., min_length=1, max_length=40, description="Unique in the project.")
    head_name: str = Field(..., min_length=1, max_length=120)
    head_id_number: str = Field("", max_length=20, description="Citizen ID (CCCD), 12 digits.")
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=255)
    village: str = Field("", max_length=120)
    commune_id: int | None = None
    officer_id: int | None = Field(None, description="An account that may see the project.")
    resettlement: str = Field("", max_length=255)
    resettlement_on: date | None = None
    note: str = Field("", max_length=5000)


class HouseholdUpdateIn(HouseholdIn):
    """Every field, for PUT; send the full personal numbers, or empty to clear them."""

    version: int = Field(description=VERSION_DESCRIPTION)


class HouseholdPatchIn(Stripped):
    """Only the fields sent change: leave the personal numbers out to keep them."""

    code: str | None = Field(None, min_length=1, max_length=40)
    head_name: str | None = Field(None, min_length=1, max_length=120)
    head_id_number: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=255)
    village: str | None = Field(None, max_length=120)
    commune_id: int | None = None
    officer_id: int | None = None
    resettlement: str | None = Field(None, max_length=255)
    resettlement_on: date | None = None
    note: str | None = Field(None, max_length=5000)
    version: int = Field(description=VERSION_DESCRIPTION)


class HouseholdTransitionIn(_TransitionIn):
    handed_over_on: date | None = Field(None, description="Required by the hand_over step.")


class HouseholdMemberIn(Stripped):
    full_name: str = Field(..., min_length=1, max_length=120)
    relation: str = Field("", max_length=60)
    id_number: str = Field("", max_length=20)
    phone: str = Field("", max_length=20)
    birth_year: int | None = None


class PlotIn(Stripped):
    map_sheet: str = Field(..., min_length=1, max_length=20)
    plot_number: str = Field(..., min_length=1, max_length=20)
    certificate_number: str = Field("", max_length=40)
    land_type: LandTypeIn = LandType.ODT.value
    legal_status: LegalStatusIn = LegalStatus.CERTIFIED.value
    total_area: AreaIn
    recovered_area: AreaIn


class InventoryLineIn(Stripped):
    category: CategoryIn
    description: str = Field(..., min_length=1, max_length=255)
    quantity: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    unit: str = Field("m²", max_length=20)
    unit_price: MoneyIn


class InventoryIn(Schema):
    lines: list[InventoryLineIn] = Field(..., min_length=1, description="Saved all or none.")


class PlanIn(Stripped):
    kind: PlanKindIn = PlanKind.ORIGINAL.value
    lines: dict[CategoryIn, MoneyIn] = Field(
        ..., description="Category → VND; zero amounts are left out."
    )
    note: str = Field("", max_length=255)


class PlansApproveIn(Stripped):
    plan_ids: list[int] = Field(..., min_length=1, description="Draft plans; all or none.")
    decision_number: str = Field(..., min_length=1, max_length=60)
    approved_on: date


class PlansApprovedOut(Schema):
    approved: int
    households: list[HouseholdListOut]


class PaymentLineIn(Stripped):
    household_id: int
    amount: int = Field(..., gt=0, description="Whole VND.")
    paid_on: date
    voucher_number: str = Field(..., min_length=1, max_length=40)
    method: PaymentMethodIn = PaymentMethod.TRANSFER.value
    note: str = Field("", max_length=255)


class PaymentsIn(Schema):
    payments: list[PaymentLineIn] = Field(
        ...,
        min_length=1,
        description="A payout list: every line is saved, or none (over the approved amount: "
        "400 over_approved).",
    )


class PaymentCancelIn(Stripped):
    reason: str = Field(..., min_length=1, max_length=2000)


class ComplaintIn(Stripped):
    content: str = Field(..., min_length=1, max_length=5000)
    received_on: date


class ComplaintUpdateIn(Stripped):
    status: ComplaintStatusIn
    resolution: str = Field("", max_length=5000, description="Required once settled.")
    resolved_on: date | None = Field(None, description="Defaults to today once settled.")


class VisitIn(Stripped):
    visited_on: date
    kind: VisitKindIn = VisitKind.VISIT.value
    outcome: VisitOutcomeIn
    discussed: str = Field(..., min_length=1, max_length=5000)
    participants: str = Field("", max_length=255)
    next_step: str = Field("", max_length=255)
    follow_up_on: date | None = None
    officer_ids: list[int] = Field(
        default_factory=list, description="Officers who went; empty: the caller."
    )


# --- mobilisation ------------------------------------------------------------------------------


class TaskForceMemberOut(Schema):
    id: int
    full_name: str
    position: str
    is_leader: bool
    user_id: int | None = Field(description="The member's account, when there is one.")


class TaskForceOut(Schema):
    id: int
    name: str
    territory: TerritoryRefOut
    organisation_id: int | None
    note: str
    members: list[TaskForceMemberOut]
    created_at: datetime

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.all())


class TaskForceDetailOut(TaskForceOut):
    projects: list[ProjectRefOut] = Field(description="Projects it works on, within scope.")


class TaskForceMemberIn(Stripped):
    full_name: str = Field("", max_length=120, description="Empty: the account's name.")
    position: str = Field("", max_length=160)
    user_id: int | None = Field(None, description="An account, when the member has one.")
    is_leader: bool = False


class TaskForceIn(Stripped):
    name: str = Field(..., min_length=1, max_length=200)
    territory_id: int
    organisation_id: int | None = None
    note: str = Field("", max_length=5000)
    members: list[TaskForceMemberIn] | None = Field(
        None, description="Replaces the member list; left out, members stay as they are."
    )


class CampaignOut(Schema):
    id: int
    name: str
    territory: TerritoryRefOut
    starts_on: date
    ends_on: date
    target_households: int
    target_area: Decimal
    note: str
    projects: list[ProjectRefOut] = Field(description="Its projects the caller may see.")
    created_at: datetime

    @staticmethod
    def resolve_projects(obj, context) -> list:
        user = context["request"].user
        return [p for p in obj.projects.all() if scope.can(user, "clearance.view", p.territory)]


class CampaignIn(Stripped):
    name: str = Field(..., min_length=1, max_length=200)
    territory_id: int
    starts_on: date
    ends_on: date
    target_households: int = Field(..., ge=1)
    target_area: AreaIn = Decimal("0")
    project_ids: list[int] = Field(..., min_length=1)
    note: str = Field("", max_length=5000)


class BurnDownOut(Schema):
    day: date
    remaining_households: int | None = Field(description="None for days still to come.")
    ideal_households: float = Field(description="The straight line from the target to zero.")
    handed_over_today: int
    area_today: Decimal


# --- donations ---------------------------------------------------------------------------------


class DonationFiltersIn(Schema):
    q: str = Field("", max_length=200, description="Words of the donor's name or the works.")
    territory_id: int | None = Field(None, description="Only donations under this unit.")
    year: int | None = None
    project_id: int | None = None


class DonationOut(Schema):
    id: int
    territory: TerritoryRefOut
    project: ProjectRefOut | None
    household_id: int | None
    donor_name: str
    address: str
    area: Decimal
    value: int = Field(description="Estimated value, whole VND.")
    works_kind: str
    works_name: str
    donated_on: date
    thanked_on: date | None
    created_at: datetime


class DonationIn(Stripped):
    territory_id: int
    donor_name: str = Field(..., min_length=1, max_length=160)
    address: str = Field("", max_length=255)
    area: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2, description="m².")
    value: MoneyIn
    works_kind: WorksKindIn
    works_name: str = Field(..., min_length=1, max_length=200)
    donated_on: date
    project_id: int | None = None
    household_id: int | None = Field(None, description="A household of the chosen project.")
