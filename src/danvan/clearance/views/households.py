"""The household page: one case on one screen, and every small form that changes it.

Each form posts to its own address and the services do the work. On success the browser goes
back to the page (at the block it came from); on a refusal the page is shown again with the
form as typed and the message next to the field it is about, so nothing typed is lost.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts.forms import add_domain_error
from danvan.clearance import selectors
from danvan.clearance.forms import (
    ComplaintForm,
    ComplaintUpdateForm,
    HouseholdForm,
    InventoryForm,
    MemberForm,
    PaymentCancelForm,
    PaymentForm,
    PlanApprovalForm,
    PlanForm,
    PlotForm,
    StepForm,
    VisitForm,
    plan_line_field,
)
from danvan.clearance.models import (
    Category,
    CompensationPlan,
    Complaint,
    Household,
    HouseholdMember,
    InventoryItem,
    Payment,
    PlanKind,
    PlanStatus,
    Plot,
)
from danvan.clearance.services import households as services
from danvan.clearance.services import money
from danvan.clearance.services.mobilisation import visit_record
from danvan.clearance.services.money import PAYABLE_STATES, PaymentData
from danvan.clearance.transitions import CASE_LIFECYCLE
from danvan.clearance.views.projects import steps_with_blockers
from danvan.core import scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.templatetags.vn import format_number


def _back(household: Household, block: str = "") -> HttpResponse:
    url = reverse("clearance:household-detail", args=[household.pk])
    return redirect(f"{url}#{block}" if block else url)


def _permissions(user, household: Household) -> dict:
    territory = household.project.territory
    return {
        "can_change": scope.can(user, "clearance.change", territory),
        "can_mobilise": scope.can(user, "clearance.mobilise", territory),
        "can_pay": scope.can(user, "clearance.pay", territory),
        "can_approve": scope.can(user, "clearance.approve", territory),
        "can_personal": selectors.may_see_personal(user, household),
    }


def _plan_table(plans: list[CompensationPlan]) -> dict:
    """Plans side by side: one row per category that any plan uses, one column per plan."""
    amounts = [{line.category: line.amount for line in plan.lines.all()} for plan in plans]
    rows = [
        (label, [plan_amounts.get(value) for plan_amounts in amounts])
        for value, label in Category.choices
        if any(value in plan_amounts for plan_amounts in amounts)
    ]
    return {"plan_rows": rows, "plan_totals": [sum(a.values()) for a in amounts]}


def quantity_text(quantity) -> str:
    """120,5 rather than 120,50: as many decimals as the quantity has, at most two."""
    decimals = min(2, max(0, -quantity.normalize().as_tuple().exponent))
    return format_number(quantity, decimals)


def _inventory_table(items: list[InventoryItem]) -> list[tuple]:
    """Inventory items grouped by category, each group with its subtotal."""
    for item in items:
        item.quantity_text = quantity_text(item.quantity)
    groups = []
    for value, label in Category.choices:
        lines = [item for item in items if item.category == value]
        if lines:
            groups.append((label, lines, sum(item.amount for item in lines)))
    return groups


def _plan_form(household: Household, plans: list[CompensationPlan]) -> PlanForm:
    """A new plan starts from the inventory; a supplementary one starts empty."""
    has_original = any(p.kind == PlanKind.ORIGINAL for p in plans)
    if has_original:
        return PlanForm(initial={"kind": PlanKind.SUPPLEMENTARY})
    initial = {
        plan_line_field(category): amount
        for category, amount in money.inventory_by_category(household).items()
    }
    return PlanForm(initial={"kind": PlanKind.ORIGINAL, **initial})


def _detail_context(request: HttpRequest, household: Household, **overrides) -> dict:
    from danvan.core.attachments import attachments_context

    user = request.user
    plans = list(household.plans.all())
    payments = list(household.payments.all())
    running, paid_rows = 0, []
    for payment in payments:
        running += payment.amount
        paid_rows.append((payment, running))
    complaint_forms = overrides.get("complaint_forms", {})
    complaints = [
        (c, complaint_forms.get(c.pk) or ComplaintUpdateForm(initial={"status": c.status}))
        for c in household.complaints.all()
    ]
    revealed = overrides.get("revealed")
    return {
        "household": household,
        "project": household.project,
        **_permissions(user, household),
        "personal": revealed or selectors.personal_fields(household, revealed=False),
        "revealed": bool(revealed),
        "steps": steps_with_blockers(CASE_LIFECYCLE.available_for(household, user), household),
        "plans": plans,
        **_plan_table(plans),
        "has_draft_plan": any(p.status == PlanStatus.DRAFT for p in plans),
        "inventory_groups": _inventory_table(list(household.inventory.all())),
        "inventory_total": sum(item.amount for item in household.inventory.all()),
        "payment_rows": paid_rows,
        "is_payable": household.status in PAYABLE_STATES,
        "complaints": complaints,
        "visits": household.visits.all(),
        "member_form": overrides.get("member_form") or MemberForm(),
        "plot_form": overrides.get("plot_form") or PlotForm(),
        "inventory_form": overrides.get("inventory_form") or InventoryForm(),
        "plan_form": overrides.get("plan_form") or _plan_form(household, plans),
        "approval_form": overrides.get("approval_form") or PlanApprovalForm(),
        "payment_form": overrides.get("payment_form") or PaymentForm(),
        "complaint_form": overrides.get("complaint_form") or ComplaintForm(),
        **attachments_context(request, household),
    }


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    return render(request, "clearance/household_detail.html", _detail_context(request, household))


def _detail_again(request: HttpRequest, household: Household, **overrides) -> HttpResponse:
    """The page with a refused form as typed (its errors inline); nothing was saved."""
    household = selectors.household_get(request.user, household.pk)
    context = _detail_context(request, household, **overrides)
    return render(request, "clearance/household_detail.html", context, status=400)


@login_required
@require_POST
def household_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Full ID and phone numbers for a role that may see them; the view is logged."""
    household = selectors.household_get(request.user, pk)
    personal = selectors.reveal_personal(
        request.user, household, reason=request.POST.get("reason", "")[:500]
    )
    if request.htmx:
        context = {
            "household": household,
            "personal": personal,
            "revealed": True,
            "can_personal": True,
        }
        return render(request, "clearance/partials/household_personal.html", context)
    context = _detail_context(request, household, revealed=personal)
    return render(request, "clearance/household_detail.html", context)


# --- Create and edit -----------------------------------------------------------------------


@login_required
def household_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.user, pk)
    scope.require(request.user, "clearance.change", project.territory)
    form = HouseholdForm(request.POST or None, project=project)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                household = services.household_create(
                    project=project, data=form.to_data(), actor=request.user
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The household was added."))
                return _back(household)
    context = {"form": form, "project": project, "household": None}
    return render(request, "clearance/household_form.html", context, status=status)


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.change", household.project.territory)
    form = HouseholdForm(
        request.POST or None,
        project=household.project,
        instance=household,
        masked=selectors.personal_fields(household, revealed=False),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.household_update(
                    household=household,
                    data=form.to_data(),
                    actor=request.user,
                    expected_version=form.cleaned_data.get("version"),
                )
            except ConflictError as exc:
                # Someone saved first: say so and keep what this officer typed.
                add_domain_error(form, exc)
                status = 409
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The household was saved."))
                return _back(household)
    context = {"form": form, "project": household.project, "household": household}
    return render(request, "clearance/household_form.html", context, status=status)


@login_required
@require_POST
def household_step(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(household)
    try:
        services.household_transition(
            household=household,
            name=form.cleaned_data["name"],
            actor=request.user,
            reason=form.cleaned_data.get("reason") or "",
            expected_version=form.cleaned_data.get("version"),
            handed_over_on=form.cleaned_data.get("handed_over_on"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: the status is updated."))
    return _back(household)


# --- Visits ----------------------------------------------------------------------------------


@login_required
def household_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """Quick entry of a visit, made to be filled in on a phone at the household's gate."""
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.mobilise", household.project.territory)
    form = VisitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                visit_record(household=household, data=form.to_data(), actor=request.user)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The visit was recorded."))
                return _back(household, "visits")
    context = {"form": form, "household": household, "project": household.project}
    return render(request, "clearance/household_visit.html", context, status=status)


# --- Members, plots, inventory ---------------------------------------------------------------


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.change", household.project.territory)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            services.member_add(household=household, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The member was added."))
            return _back(household, "people")
    return _detail_again(request, household, member_form=form)


@login_required
@require_POST
def member_delete(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.change", household.project.territory)
    member = HouseholdMember.objects.filter(household=household, pk=member_pk).first()
    if member is not None:
        services.member_delete(member=member, actor=request.user)
        messages.success(request, _("The member was removed."))
    return _back(household, "people")


@login_required
@require_POST
def plot_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.change", household.project.territory)
    form = PlotForm(request.POST)
    if form.is_valid():
        try:
            services.plot_save(household=household, data=form.to_data(), actor=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The plot was saved."))
            return _back(household, "plots")
    return _detail_again(request, household, plot_form=form)


@login_required
@require_POST
def plot_delete(request: HttpRequest, pk: int, plot_pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.change", household.project.territory)
    plot = Plot.objects.filter(household=household, pk=plot_pk).first()
    if plot is not None:
        services.plot_delete(plot=plot, actor=request.user)
        messages.success(request, _("The plot was removed."))
    return _back(household, "plots")


@login_required
@require_POST
def inventory_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.change", household.project.territory)
    form = InventoryForm(request.POST)
    if form.is_valid():
        try:
            money.inventory_add(household, [form.to_line()], actor=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The item was added to the inventory."))
            return _back(household, "inventory")
    return _detail_again(request, household, inventory_form=form)


@login_required
@require_POST
def inventory_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.change", household.project.territory)
    item = InventoryItem.objects.filter(household=household, pk=item_pk).first()
    if item is not None:
        money.inventory_delete(item, actor=request.user)
        messages.success(request, _("The item was removed from the inventory."))
    return _back(household, "inventory")


# --- Plans and payments ----------------------------------------------------------------------


@login_required
@require_POST
def plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.change", household.project.territory)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            money.plan_create(
                household,
                lines=form.lines(),
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data.get("note") or "",
                actor=request.user,
            )
        except DomainError as exc:
            # A line's error names its category's field; the rest goes above the form.
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The draft plan was saved."))
            return _back(household, "plans")
    return _detail_again(request, household, plan_form=form)


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.change", household.project.territory)
    plan = CompensationPlan.objects.filter(household=household, pk=plan_pk).first()
    if plan is not None:
        try:
            money.plan_delete(plan, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The draft plan was deleted."))
    return _back(household, "plans")


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    """A leader approves this household's draft plan (a supplementary one, typically)."""
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.approve", household.project.territory)
    plan = CompensationPlan.objects.filter(household=household, pk=plan_pk).first()
    form = PlanApprovalForm(request.POST)
    if plan is not None and form.is_valid():
        try:
            money.plans_approve([plan], actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The plan was approved."))
            return _back(household, "plans")
    return _detail_again(request, household, approval_form=form)


@login_required
@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.pay", household.project.territory)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            money.payments_record(
                [
                    PaymentData(
                        household=household,
                        amount=data["amount"],
                        paid_on=data["paid_on"],
                        voucher_number=data["voucher_number"],
                        method=data["method"],
                        note=data.get("note") or "",
                    )
                ],
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The payment was recorded."))
            return _back(household, "payments")
    return _detail_again(request, household, payment_form=form)


@login_required
@require_POST
def payment_cancel(request: HttpRequest, pk: int, payment_pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.pay", household.project.territory)
    payment = Payment.objects.filter(household=household, pk=payment_pk).first()
    if payment is None:
        return _back(household, "payments")
    form = PaymentCancelForm(request.POST)
    # An empty or overlong reason reaches the service as empty, which refuses it in words.
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        money.payment_delete(payment, actor=request.user, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The payment was cancelled."))
    return _back(household, "payments")


# --- Complaints ------------------------------------------------------------------------------


@login_required
@require_POST
def complaint_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.mobilise", household.project.territory)
    form = ComplaintForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_add(household=household, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The complaint was recorded."))
            return _back(household, "complaints")
    return _detail_again(request, household, complaint_form=form)


@login_required
@require_POST
def complaint_update(request: HttpRequest, pk: int, complaint_pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    scope.require(request.user, "clearance.mobilise", household.project.territory)
    complaint = Complaint.objects.filter(household=household, pk=complaint_pk).first()
    if complaint is None:
        return _back(household, "complaints")
    form = ComplaintUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_update(
                complaint=complaint,
                status=form.cleaned_data["status"],
                resolution=form.cleaned_data.get("resolution") or "",
                resolved_on=form.cleaned_data.get("resolved_on"),
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The complaint was updated."))
            return _back(household, "complaints")
    return _detail_again(request, household, complaint_forms={complaint.pk: form})


urlpatterns = [
    path("projects/<int:pk>/households/new/", household_create, name="household-create"),
    path("households/<int:pk>/", household_detail, name="household-detail"),
    path("households/<int:pk>/edit/", household_edit, name="household-edit"),
    path("households/<int:pk>/step/", household_step, name="household-step"),
    path("households/<int:pk>/visit/", household_visit, name="household-visit"),
    path("households/<int:pk>/reveal/", household_reveal, name="household-reveal"),
    path("households/<int:pk>/members/", member_add, name="household-member-add"),
    path(
        "households/<int:pk>/members/<int:member_pk>/delete/",
        member_delete,
        name="household-member-delete",
    ),
    path("households/<int:pk>/plots/", plot_add, name="household-plot-add"),
    path(
        "households/<int:pk>/plots/<int:plot_pk>/delete/",
        plot_delete,
        name="household-plot-delete",
    ),
    path("households/<int:pk>/inventory/", inventory_add, name="household-inventory-add"),
    path(
        "households/<int:pk>/inventory/<int:item_pk>/delete/",
        inventory_delete,
        name="household-inventory-delete",
    ),
    path("households/<int:pk>/plans/", plan_add, name="household-plan-add"),
    path(
        "households/<int:pk>/plans/<int:plan_pk>/delete/",
        plan_delete,
        name="household-plan-delete",
    ),
    path(
        "households/<int:pk>/plans/<int:plan_pk>/approve/",
        plan_approve,
        name="household-plan-approve",
    ),
    path("households/<int:pk>/payments/", payment_add, name="household-payment-add"),
    path(
        "households/<int:pk>/payments/<int:payment_pk>/cancel/",
        payment_cancel,
        name="household-payment-cancel",
    ),
    path("households/<int:pk>/complaints/", complaint_add, name="household-complaint-add"),
    path(
        "households/<int:pk>/complaints/<int:complaint_pk>/",
        complaint_update,
        name="household-complaint-update",
    ),
]
