"""Inventories, compensation plans and payments: every đồng goes through here.

Amounts are Python ints (VND); quantities and areas are Decimals. A line's amount is
quantity x unit price rounded half up to the đồng, computed here and never typed. A household may
not be paid more than its approved plans add up to; a supplementary plan raises that ceiling.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.clearance.models import (
    CaseStatus,
    Category,
    CompensationPlan,
    Household,
    InventoryItem,
    Payment,
    PaymentMethod,
    PlanKind,
    PlanLine,
    PlanStatus,
)
from danvan.clearance.services import totals
from danvan.clearance.transitions import CASE_LIFECYCLE
from danvan.core import scope, workflow
from danvan.core.errors import DomainError
from danvan.core.templatetags.vn import format_money

# Ten thousand billion đồng: far above any household's compensation, far below BIGINT.
MAX_AMOUNT = 10**13
PAYABLE_STATES = (CaseStatus.AGREED, CaseStatus.PAID, CaseStatus.ENFORCED, CaseStatus.HANDED_OVER)


def line_amount(quantity: Decimal, unit_price: int) -> int:
    """quantity x unit price, rounded half up to the đồng (no floats anywhere)."""
    if not isinstance(quantity, Decimal):
        quantity = Decimal(str(quantity))
    return int((quantity * unit_price).to_integral_value(rounding=ROUND_HALF_UP))


def _check_amount(amount, *, field: str = "amount", allow_zero: bool = True) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise DomainError(_("Amounts are whole numbers of đồng."), code="amount", field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError(
            _("Enter an amount greater than zero.")
            if not allow_zero
            else _("An amount cannot be negative."),
            code="amount",
            field=field,
        )
    if amount > MAX_AMOUNT:
        raise DomainError(_("This amount is too large."), code="amount", field=field)
    return amount


def _locked(household: Household) -> Household:
    """The household row, locked for the rest of the transaction (serialises money changes)."""
    return (
        Household.objects.select_related("project__territory")
        .select_for_update(of=("self",))
        .get(pk=household.pk)
    )


# --- Inventory ------------------------------------------------------------------------------


@dataclass
class InventoryLine:
    category: str
    description: str
    quantity: Decimal
    unit_price: int
    unit: str = "m²"


def _check_inventory_line(line: InventoryLine) -> None:
    if line.category not in Category.values:
        raise DomainError(_("Choose a category."), code="category", field="category")
    if not line.description.strip():
        raise DomainError(_("Describe the item."), code="description", field="description")
    if line.quantity is None or line.quantity <= 0:
        raise DomainError(
            _("Enter a quantity greater than zero."), code="quantity", field="quantity"
        )
    _check_amount(line.unit_price, field="unit_price")
    _check_amount(line_amount(line.quantity, line.unit_price), field="unit_price")


def inventory_add(
    household: Household, lines: Iterable[InventoryLine], *, actor
) -> list[InventoryItem]:
    lines = list(lines)
    with transaction.atomic():
        current = _locked(household)
        scope.require(actor, "clearance.change", current.project.territory)
        for line in lines:
            _check_inventory_line(line)
        items = InventoryItem.objects.bulk_create(
            InventoryItem(
                household=current,
                category=line.category,
                description=line.description.strip(),
                quantity=line.quantity,
                unit=line.unit.strip() or "m²",
                unit_price=line.unit_price,
                amount=line_amount(line.quantity, line.unit_price),
            )
            for line in lines
        )
        audit.record(
            [
                audit.Change(
                    action=audit.Action.CREATE,
                    object_type="clearance.inventoryitem",
                    object_id=str(item.pk),
                    object_repr=f"{current.code}: {item.description}"[:255],
                    territory_id=current.project.territory_id,
                    changes={
                        "household": [None, current.pk],
                        "category": [None, item.category],
                        "quantity": [None, str(item.quantity)],
                        "unit_price": [None, item.unit_price],
                        "amount": [None, item.amount],
                    },
                )
                for item in items
            ],
            actor=actor,
        )
    return items


def inventory_delete(item: InventoryItem, *, actor) -> None:
    with transaction.atomic():
        current = _locked(item.household)
        scope.require(actor, "clearance.change", current.project.territory)
        audit.record_one(
            audit.Action.DELETE,
            item,
            actor=actor,
            changes={"amount": [item.amount, None], "description": [item.description, None]},
        )
        item.delete()


def inventory_by_category(household: Household) -> dict[str, int]:
    """The inventory's amount per category: the starting point of the household's plan."""
    result: dict[str, int] = {}
    for category, amount in household.inventory.values_list("category", "amount"):
        result[category] = result.get(category, 0) + amount
    return result


# --- Compensation plans -----------------------------------------------------------------------


def plan_create(
    household: Household,
    *,
    lines: dict[str, int],
    actor,
    kind: str = PlanKind.ORIGINAL,
    note: str = "",
) -> CompensationPlan:
    """A draft plan for one household: an amount per category (zero lines are left out)."""
    if kind not in PlanKind.values:
        raise DomainError(_("Choose the kind of plan."), code="kind", field="kind")
    clean = {}
    for category, amount in lines.items():
        if category not in Category.values:
            raise DomainError(_("Unknown category."), code="category", field="lines")
        _check_amount(amount, field=f"line_{category}")
        if amount:
            clean[category] = amount
    if not clean:
        raise DomainError(_("Enter at least one amount."), code="empty", field="lines")
    with transaction.atomic():
        current = _locked(household)
        scope.require(actor, "clearance.change", current.project.territory)
        plans = current.plans.all()
        if kind == PlanKind.ORIGINAL and plans.filter(kind=PlanKind.ORIGINAL).exists():
            raise DomainError(
                _("This household already has a compensation plan; add a supplementary plan."),
                code="plan_exists",
                field="kind",
            )
        if (
            kind == PlanKind.SUPPLEMENTARY
            and not plans.filter(kind=PlanKind.ORIGINAL, status=PlanStatus.APPROVED).exists()
        ):
            raise DomainError(
                _("A supplementary plan follows an approved compensation plan."),
                code="no_original",
                field="kind",
            )
        if plans.filter(status=PlanStatus.DRAFT).exists():
            raise DomainError(
                _("Approve or delete the draft plan first."), code="draft_exists", field="kind"
            )
        plan = CompensationPlan.objects.create(household=current, kind=kind, note=note.strip())
        PlanLine.objects.bulk_create(
            PlanLine(plan=plan, category=category, amount=amount)
            for category, amount in clean.items()
        )
        audit.record(
            [
                audit.Change(
                    action=audit.Action.CREATE,
                    obj=plan,
                    object_repr=f"{current.code}: {plan}"[:255],
                    territory_id=current.project.territory_id,
                    changes={
                        "household": [None, current.pk],
                        "kind": [None, kind],
                        **{f"amount_{c}": [None, a] for c, a in clean.items()},
                        "total": [None, sum(clean.values())],
                    },
                )
            ],
            actor=actor,
        )
    return plan


def plan_delete(plan: CompensationPlan, *, actor) -> None:
    with transaction.atomic():
        current = _locked(plan.household)
        scope.require(actor, "clearance.change", current.project.territory)
        if plan.status != PlanStatus.DRAFT:
            raise DomainError(_("An approved plan cannot be deleted."), code="approved")
        lines = dict(plan.lines.values_list("category", "amount"))
        audit.record_one(
            audit.Action.DELETE,
            plan,
            actor=actor,
            changes={f"amount_{c}": [a, None] for c, a in lines.items()},
        )
        plan.delete()


def plans_approve(
    plans: Iterable[CompensationPlan], *, decision_number: str, approved_on: date, actor
) -> int:
    """Approve draft plans under one decision; all or none. Returns how many were approved."""
    decision_number = decision_number.strip()
    if not decision_number:
        raise DomainError(
            _("Enter the number of the approval decision."),
            code="decision_number",
            field="decision_number",
        )
    if approved_on is None or approved_on > timezone.localdate():
        raise DomainError(
            _("Enter the approval date; it cannot be in the future."),
            code="approved_on",
            field="approved_on",
        )
    plans = list(plans)
    if not plans:
        raise DomainError(_("Choose at least one plan."), code="empty")
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in CompensationPlan.objects.select_for_update(of=("self",))
            .select_related("household__project__territory")
            .filter(pk__in=[p.pk for p in plans])
        }
        changes = []
        for plan in locked.values():
            scope.require(actor, "clearance.approve", plan.household.project.territory)
            if plan.status != PlanStatus.DRAFT:
                raise DomainError(
                    _("Plan of household %(code)s is already approved.")
                    % {"code": plan.household.code},
                    code="approved",
                )
            changes.append(
                audit.Change(
                    action=audit.Action.UPDATE,
                    obj=plan,
                    territory_id=plan.household.project.territory_id,
                    changes={
                        "status": [PlanStatus.DRAFT, PlanStatus.APPROVED],
                        "decision_number": ["", decision_number],
                        "approved_on": [None, approved_on.isoformat()],
                        "approved_total": [None, plan.total],
                    },
                )
            )
        CompensationPlan.objects.filter(pk__in=list(locked)).update(
            status=PlanStatus.APPROVED, decision_number=decision_number, approved_on=approved_on
        )
        household_ids = {p.household_id for p in locked.values()}
        totals.refresh_households(household_ids)
        totals.refresh_projects({p.household.project_id for p in locked.values()})
        audit.record(changes, actor=actor)
    return len(locked)


# --- Payments -------------------------------------------------------------------------------


@dataclass
class PaymentData:
    household: Household
    amount: int
    paid_on: date
    voucher_number: str
    method: str = PaymentMethod.TRANSFER
    note: str = ""


def _check_payment(data: PaymentData) -> None:
    _check_amount(data.amount, allow_zero=False)
    if data.paid_on is None or data.paid_on > timezone.localdate():
        raise DomainError(
            _("Enter the payment date; it cannot be in the future."),
            code="paid_on",
            field="paid_on",
        )
    if not data.voucher_number.strip():
        raise DomainError(
            _("Enter the voucher number."), code="voucher_number", field="voucher_number"
        )
    if data.method not in PaymentMethod.values:
        raise DomainError(_("Choose a payment method."), code="method", field="method")


def payments_record(batch: Iterable[PaymentData], *, actor) -> list[Payment]:
    """Record one payment or a whole payout list: either every line is valid and saved, or none.

    Each household is locked while its ceiling is checked, so two officers paying the same
    household at once cannot together exceed what was approved. A household paid in full moves
    to "paid" in the same transaction.
    """
    batch = list(batch)
    if not batch:
        raise DomainError(_("There is nothing to pay."), code="empty")
    for data in batch:
        _check_payment(data)
    with transaction.atomic():
        households: dict[int, Household] = {}
        for pk in sorted({d.household.pk for d in batch}):  # lock in a fixed order: no deadlock
            households[pk] = _locked(Household(pk=pk))
        voucher_keys = [
            (households[d.household.pk].project_id, d.voucher_number.strip()) for d in batch
        ]
        if len(set(voucher_keys)) != len(voucher_keys):
            raise DomainError(
                _("A voucher number appears twice in this list."), code="voucher_duplicate"
            )
        for project_id, voucher in voucher_keys:
            if Payment.objects.filter(
                household__project_id=project_id, voucher_number=voucher
            ).exists():
                raise DomainError(
                    _("Voucher %(voucher)s is already recorded for this project.")
                    % {"voucher": voucher},
                    code="voucher_duplicate",
                    field="voucher_number",
                )
        planned: dict[int, int] = {}
        for data in batch:
            household = households[data.household.pk]
            scope.require(actor, "clearance.pay", household.project.territory)
            if household.status not in PAYABLE_STATES:
                raise DomainError(
                    _("Household %(code)s has not agreed to the plan; it cannot be paid yet.")
                    % {"code": household.code},
                    code="not_payable",
                )
            planned[household.pk] = planned.get(household.pk, 0) + data.amount
            if household.paid_total + planned[household.pk] > household.approved_total:
                raise DomainError(
                    _(
                        "Household %(code)s would be paid %(total)s, more than the approved "
                        "%(approved)s. Approve a supplementary plan first."
                    )
                    % {
                        "code": household.code,
                        "total": format_money(household.paid_total + planned[household.pk]),
                        "approved": format_money(household.approved_total),
                    },
                    code="over_approved",
                    field="amount",
                )
        payments = Payment.objects.bulk_create(
            Payment(
                household=households[d.household.pk],
                amount=d.amount,
                paid_on=d.paid_on,
                voucher_number=d.voucher_number.strip(),
                method=d.method,
                note=d.note.strip(),
                recorded_by=actor,
            )
            for d in batch
        )
        audit.record(
            [
                audit.Change(
                    action=audit.Action.CREATE,
                    object_type="clearance.payment",
                    object_id=str(p.pk) if p.pk else p.voucher_number,
                    object_repr=f"{p.household.code}: {p.voucher_number}"[:255],
                    territory_id=p.household.project.territory_id,
                    changes={
                        "household": [None, p.household_id],
                        "amount": [None, p.amount],
                        "paid_on": [None, p.paid_on.isoformat()],
                        "voucher_number": [None, p.voucher_number],
                        "method": [None, p.method],
                        "paid_total": [
                            households[p.household_id].paid_total,
                            households[p.household_id].paid_total + planned[p.household_id],
                        ],
                    },
                )
                for p in payments
            ],
            actor=actor,
        )
        totals.refresh_households(households)
        for pk in households:
            household = Household.objects.get(pk=pk)
            if (
                household.status == CaseStatus.AGREED
                and household.approved_total > 0
                and household.paid_total >= household.approved_total
            ):
                workflow.apply(CASE_LIFECYCLE, household, name="mark_paid", actor=actor)
        totals.refresh_projects({h.project_id for h in households.values()})
    return payments


def payment_delete(payment: Payment, *, actor, reason: str) -> None:
    """Cancel a wrongly entered payment (with a reason). A household already handed over keeps
    its status; one that was "paid" goes back to "agreed"."""
    if not (reason or "").strip():
        raise DomainError(
            _("Please give a reason for this step."), code="reason_required", field="reason"
        )
    with transaction.atomic():
        household = _locked(payment.household)
        scope.require(actor, "clearance.pay", household.project.territory)
        audit.record_one(
            audit.Action.DELETE,
            payment,
            actor=actor,
            changes={
                "amount": [payment.amount, None],
                "voucher_number": [payment.voucher_number, None],
                "paid_total": [household.paid_total, household.paid_total - payment.amount],
            },
            reason=reason.strip(),
        )
        payment.delete()
        totals.refresh_households([household.pk])
        if household.status == CaseStatus.PAID:
            Household.objects.filter(pk=household.pk).update(
                status=CaseStatus.AGREED, version=household.version + 1
            )
            audit.record_one(
                audit.Action.TRANSITION,
                household,
                actor=actor,
                changes={"status": [CaseStatus.PAID, CaseStatus.AGREED]},
                reason=reason.strip(),
            )
        totals.refresh_projects([household.project_id])
