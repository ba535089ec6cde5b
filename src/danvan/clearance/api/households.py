"""Household cases over the API: the case, its people, plots, inventory, plans, payments,
complaints and visits.

Citizen ID and phone numbers are masked in every answer. `?reveal=true` on the detail shows them
in full to a role allowed to see them and writes that view to the audit trail; anyone else gets
403. Money changes go through services.money, which keeps the stored totals equal to the lines.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from danvan.audit.api import register_history
from danvan.clearance import selectors
from danvan.clearance.api.common import (
    Shown,
    fields_as_sent,
    people_or_422,
    person_or_422,
    step_list,
    territory_or_422,
)
from danvan.clearance.models import (
    CompensationPlan,
    Complaint,
    Household,
    HouseholdMember,
    InventoryItem,
    Payment,
    Plot,
    Project,
)
from danvan.clearance.schemas import (
    ComplaintIn,
    ComplaintOut,
    ComplaintUpdateIn,
    HouseholdIn,
    HouseholdMemberIn,
    HouseholdMemberOut,
    HouseholdOut,
    HouseholdPatchIn,
    HouseholdTransitionIn,
    HouseholdUpdateIn,
    InventoryIn,
    InventoryItemOut,
    PaymentCancelIn,
    PaymentOut,
    PaymentsIn,
    PlanIn,
    PlanOut,
    PlansApprovedOut,
    PlansApproveIn,
    PlotIn,
    PlotOut,
    VisitIn,
    VisitOut,
)
from danvan.clearance.services import households as services
from danvan.clearance.services import money
from danvan.clearance.services.mobilisation import VisitData, visit_record
from danvan.clearance.transitions import CASE_LIFECYCLE
from danvan.core import personal, scope
from danvan.core.api_utils import error_responses, field_error, paginated, unknown_choice

router = Router(tags=["clearance"])
register_history("clearance.household", selectors.household_get)

WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)
PERSONAL = ("head_id_number", "phone")
NULLABLE = {"commune_id", "officer_id", "resettlement_on"}


class RevealIn(Schema):
    reveal: bool = Field(
        False, description="Show citizen ID and phone numbers in full (logged; 403 if not allowed)."
    )
    reason: str = Field("", max_length=255, description="Why, kept with the access log.")


def _case(request, household_id: int) -> Household:
    """The household, if the caller may see it, without the prefetches of the full detail."""
    household = (
        selectors.household_list(request.user)
        .select_related("project__territory")
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise Http404
    return household


def _child(model, household: Household, pk: int):
    row = model.objects.filter(household=household, pk=pk).first()
    if row is None:
        raise Http404
    return row


def detail(request, household_id: int, *, reveal: bool = False, reason: str = "") -> Shown:
    """Everything about one case; personal numbers masked unless `reveal` (checked and logged)."""
    user = request.user
    household = selectors.household_get(user, household_id)
    if reveal:
        numbers = selectors.reveal_personal(user, household, reason=reason)
    else:
        numbers = selectors.personal_fields(household, revealed=False)
    members = [
        Shown(member, id_number=id_number, phone=phone)
        for member, id_number, phone in numbers["members"]
    ]
    return Shown(
        household,
        head_id_number=numbers["head_id_number"],
        phone=numbers["phone"],
        members=members,
        revealed=reveal,
        can_reveal=selectors.may_see_personal(user, household),
        steps=step_list(CASE_LIFECYCLE.available_for(household, user)),
    )


def _refuse_masked(values: dict) -> None:
    # A client that sends back what it was shown would store the stars; say what to do instead.
    for name in (*PERSONAL, "id_number"):
        if "*" in (values.get(name) or ""):
            raise field_error(
                name, _("Send the full number, or leave the field out to keep the one recorded.")
            )


def _data(project: Project, values: dict, current: Household | None = None):
    values = dict(values)
    values.pop("version", None)
    for name, value in values.items():
        if value is None and name not in NULLABLE:
            raise field_error(name, _("This field is required."))
    _refuse_masked(values)
    fields = {}
    if current is not None:
        fields = {name: getattr(current, name) for name in services.EDITABLE_FIELDS}
    if "commune_id" in values:
        pk = values.pop("commune_id")
        values["commune"] = territory_or_422(pk, "commune_id") if pk is not None else None
    if "officer_id" in values:
        values["officer"] = person_or_422(values.pop("officer_id"), project.territory, "officer_id")
    fields.update(values)
    return services.HouseholdData(**fields)


def create_in(request, project: Project, payload: HouseholdIn) -> Household:
    """Used by POST /projects/{id}/households."""
    with fields_as_sent():
        return services.household_create(
            project=project, data=_data(project, payload.dict()), actor=request.user
        )


@router.get("/{int:household_id}", response={200: HouseholdOut, **error_responses(403, 404)})
def household_detail(request, household_id: int, options: Query[RevealIn]):
    """A whole case: members, plots, inventory, plans, payments, complaints and steps."""
    return detail(request, household_id, reveal=options.reveal, reason=options.reason)


def _update(request, household_id: int, values: dict, version: int):
    household = _case(request, household_id)
    with fields_as_sent():
        services.household_update(
            household=household,
            data=_data(household.project, values, current=household),
            actor=request.user,
            expected_version=version,
        )
    return detail(request, household_id)


@router.put("/{int:household_id}", response={200: HouseholdOut, **WRITE_ERRORS})
def household_replace(request, household_id: int, payload: HouseholdUpdateIn):
    """Replace every field (personal numbers in full); a stale `version` answers 409."""
    return _update(request, household_id, payload.dict(), payload.version)


@router.patch("/{int:household_id}", response={200: HouseholdOut, **WRITE_ERRORS})
def household_patch(request, household_id: int, payload: HouseholdPatchIn):
    """Change only the fields sent; leave the personal numbers out to keep them."""
    return _update(request, household_id, payload.dict(exclude_unset=True), payload.version)


@router.post("/{int:household_id}/transitions", response={200: HouseholdOut, **WRITE_ERRORS})
def household_transition(request, household_id: int, payload: HouseholdTransitionIn):
    """Take one of the case's `steps`; hand_over needs `handed_over_on`, some steps a reason."""
    services.household_transition(
        household=_case(request, household_id),
        name=payload.name,
        actor=request.user,
        reason=payload.reason,
        expected_version=payload.version,
        handed_over_on=payload.handed_over_on,
    )
    return detail(request, household_id)


# --- members and plots -------------------------------------------------------------------------


@router.post("/{int:household_id}/members", response={201: HouseholdMemberOut, **WRITE_ERRORS})
def member_add(request, household_id: int, payload: HouseholdMemberIn):
    """Add a member of the household; the answer shows the numbers masked."""
    values = payload.dict()
    _refuse_masked(values)
    member = services.member_add(
        household=_case(request, household_id), actor=request.user, **values
    )
    return Status(
        201,
        Shown(
            member,
            id_number=personal.mask_id_number(member.id_number),
            phone=personal.mask_phone(member.phone),
        ),
    )


@router.delete(
    "/{int:household_id}/members/{int:member_id}",
    response={204: None, **error_responses(403, 404)},
)
def member_delete(request, household_id: int, member_id: int):
    """Remove a member of the household."""
    member = _child(HouseholdMember, _case(request, household_id), member_id)
    services.member_delete(member=member, actor=request.user)
    return Status(204, None)


@router.post("/{int:household_id}/plots", response={201: PlotOut, **WRITE_ERRORS})
def plot_add(request, household_id: int, payload: PlotIn):
    """Add a plot; its recovered area counts in the household's and project's totals."""
    plot = services.plot_save(
        household=_case(request, household_id),
        data=services.PlotData(**payload.dict()),
        actor=request.user,
    )
    return Status(201, plot)


@router.put("/{int:household_id}/plots/{int:plot_id}", response={200: PlotOut, **WRITE_ERRORS})
def plot_update(request, household_id: int, plot_id: int, payload: PlotIn):
    """Change a plot; every field is replaced and the totals follow."""
    household = _case(request, household_id)
    return services.plot_save(
        household=household,
        plot=_child(Plot, household, plot_id),
        data=services.PlotData(**payload.dict()),
        actor=request.user,
    )


@router.delete(
    "/{int:household_id}/plots/{int:plot_id}", response={204: None, **error_responses(403, 404)}
)
def plot_delete(request, household_id: int, plot_id: int):
    """Remove a plot; its recovered area leaves the totals."""
    plot = _child(Plot, _case(request, household_id), plot_id)
    services.plot_delete(plot=plot, actor=request.user)
    return Status(204, None)


# --- inventory and plans -----------------------------------------------------------------------


@router.post(
    "/{int:household_id}/inventory", response={201: list[InventoryItemOut], **WRITE_ERRORS}
)
def inventory_add(request, household_id: int, payload: InventoryIn):
    """Add counted items (all or none); each amount is quantity x unit price, computed here."""
    lines = [money.InventoryLine(**line.dict()) for line in payload.lines]
    with fields_as_sent():
        items = money.inventory_add(_case(request, household_id), lines, actor=request.user)
    return Status(201, items)


@router.delete(
    "/{int:household_id}/inventory/{int:item_id}",
    response={204: None, **error_responses(403, 404)},
)
def inventory_delete(request, household_id: int, item_id: int):
    """Remove one counted item."""
    item = _child(InventoryItem, _case(request, household_id), item_id)
    money.inventory_delete(item, actor=request.user)
    return Status(204, None)


@router.post("/{int:household_id}/plans", response={201: PlanOut, **WRITE_ERRORS})
def plan_create(request, household_id: int, payload: PlanIn):
    """Draft the household's compensation plan, or a supplementary one after approval."""
    with fields_as_sent():
        plan = money.plan_create(
            _case(request, household_id),
            lines=dict(payload.lines),
            kind=payload.kind,
            note=payload.note,
            actor=request.user,
        )
    return Status(201, plan)


@router.delete("/{int:household_id}/plans/{int:plan_id}", response={204: None, **WRITE_ERRORS})
def plan_delete(request, household_id: int, plan_id: int):
    """Delete a draft plan; an approved one stays (400)."""
    plan = _child(CompensationPlan, _case(request, household_id), plan_id)
    money.plan_delete(plan, actor=request.user)
    return Status(204, None)


@router.post("/plans/approve", response={200: PlansApprovedOut, **WRITE_ERRORS})
def plans_approve(request, payload: PlansApproveIn):
    """Approve draft plans of one or more households under one decision (leaders); all or none."""
    user = request.user
    if not scope.can_anywhere(user, "clearance.approve"):
        raise PermissionDenied("clearance.approve")
    wanted = set(payload.plan_ids)
    plans = list(
        CompensationPlan.objects.filter(pk__in=wanted, household__in=selectors.household_list(user))
    )
    if len(plans) != len(wanted):
        raise unknown_choice("plan_ids")
    count = money.plans_approve(
        plans,
        decision_number=payload.decision_number,
        approved_on=payload.approved_on,
        actor=user,
    )
    households = selectors.household_list(user).filter(pk__in={p.household_id for p in plans})
    return {"approved": count, "households": list(households)}


# --- payments ----------------------------------------------------------------------------------


@router.post("/payments", response={201: list[PaymentOut], **WRITE_ERRORS})
def payments_record(request, payload: PaymentsIn):
    """Record a payout list: every line is saved, or none is.

    A household may not be paid more than its approved plans (400 `over_approved`); one paid in
    full moves to "paid".
    """
    user = request.user
    if not scope.can_anywhere(user, "clearance.pay"):
        raise PermissionDenied("clearance.pay")
    found = selectors.household_list(user).in_bulk({line.household_id for line in payload.payments})
    batch = []
    for index, line in enumerate(payload.payments):
        household = found.get(line.household_id)
        if household is None:
            raise unknown_choice(f"payments.{index}.household_id")
        values = line.dict()
        values.pop("household_id")
        batch.append(money.PaymentData(household=household, **values))
    with fields_as_sent():
        payments = money.payments_record(batch, actor=user)
    return Status(201, payments)


@router.post(
    "/{int:household_id}/payments/{int:payment_id}/cancel",
    response={200: HouseholdOut, **WRITE_ERRORS},
)
def payment_cancel(request, household_id: int, payment_id: int, payload: PaymentCancelIn):
    """Cancel a wrongly entered payment, with the reason; a "paid" case goes back to "agreed"."""
    payment = _child(Payment, _case(request, household_id), payment_id)
    money.payment_delete(payment, actor=request.user, reason=payload.reason)
    return detail(request, household_id)


# --- complaints and visits ---------------------------------------------------------------------


@router.post("/{int:household_id}/complaints", response={201: ComplaintOut, **WRITE_ERRORS})
def complaint_add(request, household_id: int, payload: ComplaintIn):
    """Record a complaint; it counts as open until settled."""
    complaint = services.complaint_add(
        household=_case(request, household_id),
        content=payload.content,
        received_on=payload.received_on,
        actor=request.user,
    )
    return Status(201, complaint)


@router.patch(
    "/{int:household_id}/complaints/{int:complaint_id}",
    response={200: ComplaintOut, **WRITE_ERRORS},
)
def complaint_update(request, household_id: int, complaint_id: int, payload: ComplaintUpdateIn):
    """Move a complaint on; settling it (resolved, withdrawn) needs the resolution."""
    complaint = _child(Complaint, _case(request, household_id), complaint_id)
    return services.complaint_update(
        complaint=complaint,
        status=payload.status,
        resolution=payload.resolution,
        resolved_on=payload.resolved_on,
        actor=request.user,
    )


@router.get("/{int:household_id}/visits", response={200: list[VisitOut], **error_responses(404)})
@paginated
def visit_list(request, household_id: int):
    """Contacts with the household, newest first."""
    household = _case(request, household_id)
    return household.visits.prefetch_related("officers").order_by("-visited_on", "-id")


@router.post("/{int:household_id}/visits", response={201: VisitOut, **WRITE_ERRORS})
def visit_add(request, household_id: int, payload: VisitIn):
    """Log a visit, meeting or call; the first contact starts the persuading."""
    household = _case(request, household_id)
    values = payload.dict()
    values["officers"] = people_or_422(
        values.pop("officer_ids"), household.project.territory, "officer_ids"
    )
    visit = visit_record(household=household, data=VisitData(**values), actor=request.user)
    return Status(201, visit)
