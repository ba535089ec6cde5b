"""Forms of the land-clearance pages: shape and format only; the rules live in the services.

Money is typed the Vietnamese way ("1.234.567", "1,2 tỷ") and areas as "120,5" or "120,5 m²";
both are read with the import parsers, so a figure means the same on screen and in a sheet.
"""

from decimal import Decimal

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.clearance.models import (
    Category,
    ComplaintStatus,
    LandType,
    LegalStatus,
    PaymentMethod,
    PlanKind,
    ProjectKind,
    VisitKind,
    VisitOutcome,
)
from danvan.clearance.services.households import HouseholdData, PlotData
from danvan.clearance.services.mobilisation import VisitData
from danvan.clearance.services.money import InventoryLine
from danvan.clearance.services.projects import ProjectData
from danvan.core.forms import TerritoryPickerMixin, territory_field
from danvan.core.imports import parsers
from danvan.core.templatetags.vn import format_number

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# The model columns hold 14 digits, two of them after the comma.
MAX_DECIMAL = Decimal("999999999999.99")


def date_field(label, *, phone: bool = False, **kwargs) -> forms.DateField:
    """dd/mm/yyyy text; `phone` asks for the browser's date picker (it sends yyyy-mm-dd)."""
    if phone:
        widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    else:
        widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=kwargs.pop("help_text", "" if phone else _("dd/mm/yyyy")),
        widget=widget,
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
        **kwargs,
    )


class MoneyField(forms.CharField):
    """Whole đồng, typed as "1.234.567", "1.234.567 đ", "450 triệu" or "1,2 tỷ"."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("Whole đồng, e.g. 1.234.567 or 450 triệu."))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def prepare_value(self, value):
        return format_number(value) if isinstance(value, int) else value

    def clean(self, value):
        # The text is checked as text (length, required) first, then read as a number.
        text = super().clean(value)
        if not text:
            return None
        try:
            return parsers.money(text)
        except parsers.ParseError as exc:
            raise forms.ValidationError(exc.message) from exc


class MeasureField(forms.CharField):
    """A non-negative decimal written the Vietnamese way ("1.234,5"); areas may end in m² or ha."""

    def __init__(self, *args, parse=parsers.non_negative_decimal, **kwargs) -> None:
        kwargs.setdefault("max_length", 40)
        self.parse = parse
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            decimals = 0 if value == value.to_integral_value() else 2
            return format_number(value, decimals)
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            number = self.parse(text)
        except parsers.ParseError as exc:
            raise forms.ValidationError(exc.message) from exc
        if number != number.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("At most two digits after the comma."))
        if number > MAX_DECIMAL:
            raise forms.ValidationError(_("This number is too large."))
        return number


def area_field(label, **kwargs) -> MeasureField:
    kwargs.setdefault("help_text", _("In m², e.g. 120,5."))
    return MeasureField(label=label, parse=parsers.area, **kwargs)


def _clean_text(form: forms.Form) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in form.cleaned_data.items()}


# --- Projects ----------------------------------------------------------------------------------

PROJECT_INITIAL = (
    "name", "code", "kind", "year", "investor", "purpose", "planned_area", "planned_households",
    "budget", "starts_on", "handover_deadline", "version",
)  # fmt: skip


class ProjectForm(TerritoryPickerMixin, forms.Form):
    territory_action = "clearance.change"

    name = forms.CharField(label=_("Project name"), max_length=255)
    code = forms.CharField(label=_("Project code"), max_length=40)
    kind = forms.ChoiceField(
        label=_("Project kind"), choices=ProjectKind.choices, initial=ProjectKind.STATE_RECOVERY
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    territory = territory_field(label=_("Unit in charge"))
    investor = forms.CharField(label=_("Investor"), max_length=200, required=False)
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    planned_area = area_field(_("Planned area (m²)"), required=False)
    planned_households = forms.IntegerField(
        label=_("Planned households"), min_value=0, max_value=10**7, required=False
    )
    budget = MoneyField(label=_("Budget (VND)"), required=False)
    starts_on = date_field(_("Start date"), required=False)
    handover_deadline = date_field(_("Handover deadline"), required=False)
    task_force = forms.ModelChoiceField(
        label=_("Task force"), queryset=None, required=False, empty_label=_("— none —")
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Other communes affected"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or ⌘) to choose several. The unit in charge is always included."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance=None, task_forces: QuerySet, **kwargs) -> None:
        self.user = user
        self.instance = instance
        self.territory_candidates = []
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in PROJECT_INITIAL},
                "territory": instance.territory_id,
                "task_force": instance.task_force_id,
                "units": [u.pk for u in instance.units.all() if u.pk != instance.territory_id],
            }
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = task_forces
        self.fields["units"].queryset = self._commune_choices()

    def _commune_choices(self) -> QuerySet:
        """Today's communes in the user's scope, plus the ones an edited project already lists
        (a 2021-2023 project keeps the units of that time)."""
        from danvan.core import scope
        from danvan.territories.models import Era, Level, Territory

        communes = scope.filter(
            self.user,
            self.territory_action,
            Territory.objects.filter(era=Era.CURRENT, level=Level.COMMUNE),
            via=None,
        )
        if self.instance is not None:
            kept = scope.filter(
                self.user, self.territory_action, self.instance.units.all(), via=None
            )
            communes = communes | kept
        return communes.order_by("search_name", "id")

    def picker_units(self):
        units = super().picker_units()
        if self.instance is None:
            return units
        # Projects of 2021-2023 are filed under the units of that time; an edit may keep it.
        from danvan.core import scope
        from danvan.territories.models import Territory

        kept = Territory.objects.filter(pk=self.instance.territory_id)
        return units | scope.filter(self.user, self.territory_action, kept, via=None)

    def main_fields(self):
        return [self[n] for n in ("name", "code", "kind", "year", "investor")]

    def plan_fields(self):
        return [
            self[n]
            for n in (
                "planned_area", "planned_households", "budget", "starts_on", "handover_deadline",
                "task_force", "units",
            )
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        return cleaned

    def to_data(self, *, units) -> ProjectData:
        data = _clean_text(self)
        return ProjectData(
            name=data["name"],
            code=data["code"],
            territory=data["territory"],
            year=data["year"],
            kind=data["kind"],
            investor=data.get("investor") or "",
            purpose=data.get("purpose") or "",
            planned_area=data.get("planned_area") or Decimal("0"),
            planned_households=data.get("planned_households") or 0,
            budget=data.get("budget") or 0,
            starts_on=data.get("starts_on"),
            handover_deadline=data.get("handover_deadline"),
            task_force=data.get("task_force"),
            units=units,
        )


class StepForm(forms.Form):
    """One lifecycle step of a project or a household."""

    name = forms.CharField(max_length=40)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    version = forms.IntegerField(required=False)
    handed_over_on = date_field(_("Handed over on"), required=False)


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=60)
    signed_on = date_field(_("Date signed"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("Phase"), max_length=200)
    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=999, initial=1)
    starts_on = date_field(_("Start date"), required=False)
    ends_on = date_field(_("End date"), required=False)
    done_on = date_field(_("Done on"), required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class PlanApprovalForm(forms.Form):
    decision_number = forms.CharField(label=_("Approval decision no."), max_length=60)
    approved_on = date_field(_("Approved on"))

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("approved_on", timezone.localdate())
        super().__init__(*args, **kwargs)


# --- Households --------------------------------------------------------------------------------


def officer_choices(territory, *, keep_id: int | None = None) -> QuerySet:
    """Accounts that may persuade households of a project in `territory`: officers and leaders
    holding a grant on the unit or one above it (or nationwide), plus the one already chosen."""
    from danvan.accounts.models import User
    from danvan.core.roles import Domain, Role

    parts = territory.scope_path.strip("/").split("/")
    prefixes = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    may_persuade = Q(
        is_active=True,
        grants__role__in=[Role.OFFICER, Role.LEADER],
        grants__domain__in=[Domain.ALL, Domain.CLEARANCE],
    ) & (Q(grants__territory__isnull=True) | Q(grants__territory__path__in=prefixes))
    if keep_id:
        may_persuade |= Q(pk=keep_id)
    return User.objects.filter(may_persuade).distinct().order_by("full_name", "username")


HOUSEHOLD_INITIAL = (
    "code", "head_name", "address", "village", "resettlement", "resettlement_on", "note", "version",
)  # fmt: skip


class HouseholdForm(forms.Form):
    """A household's details. ID and phone numbers are never put back into the page: left
    empty on an edit they keep what is recorded."""

    code = forms.CharField(label=_("Household code"), max_length=40)
    head_name = forms.CharField(label=_("Head of household"), max_length=120)
    head_id_number = forms.CharField(label=_("Citizen ID (CCCD)"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    village = forms.CharField(
        label=_("Village / residential group"), max_length=120, required=False
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=None, required=False, empty_label=_("— choose —")
    )
    officer = forms.ModelChoiceField(
        label=_("Officer in charge"), queryset=None, required=False, empty_label=_("— none —")
    )
    resettlement = forms.CharField(
        label=_("Resettlement allocation"), max_length=255, required=False
    )
    resettlement_on = date_field(_("Resettlement allocated on"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, project, instance=None, masked: dict | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in HOUSEHOLD_INITIAL},
                "commune": instance.commune_id,
                "officer": instance.officer_id,
            }
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = project.units.order_by("name")
        self.fields["officer"].queryset = officer_choices(
            project.territory, keep_id=instance.officer_id if instance else None
        )
        self.fields["officer"].label_from_instance = lambda u: u.display_name
        if instance is not None:
            for name in ("head_id_number", "phone"):
                recorded = (masked or {}).get(name)
                self.fields[name].help_text = _("Leave empty to keep the recorded number.")
                if recorded:
                    self.fields[name].widget.attrs["placeholder"] = recorded
        self.fields["head_id_number"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")

    def to_data(self) -> HouseholdData:
        data = _clean_text(self)
        keep = self.instance
        return HouseholdData(
            code=data["code"],
            head_name=data["head_name"],
            head_id_number=data.get("head_id_number") or (keep.head_id_number if keep else ""),
            phone=data.get("phone") or (keep.phone if keep else ""),
            address=data.get("address") or "",
            village=data.get("village") or "",
            commune=data.get("commune"),
            officer=data.get("officer"),
            resettlement=data.get("resettlement") or "",
            resettlement_on=data.get("resettlement_on"),
            note=data.get("note") or "",
        )


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    relation = forms.CharField(label=_("Relation to the head"), max_length=60, required=False)
    id_number = forms.CharField(label=_("Citizen ID (CCCD)"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), min_value=1900, max_value=2100, required=False
    )


class PlotForm(forms.Form):
    map_sheet = forms.CharField(label=_("Map sheet no."), max_length=20)
    plot_number = forms.CharField(label=_("Plot no."), max_length=20)
    certificate_number = forms.CharField(label=_("Certificate no."), max_length=40, required=False)
    land_type = forms.ChoiceField(label=_("Land type"), choices=LandType.choices)
    legal_status = forms.ChoiceField(label=_("Legal status"), choices=LegalStatus.choices)
    total_area = area_field(_("Total area (m²)"))
    recovered_area = area_field(_("Recovered area (m²)"))

    def to_data(self) -> PlotData:
        data = _clean_text(self)
        return PlotData(
            map_sheet=data["map_sheet"],
            plot_number=data["plot_number"],
            certificate_number=data.get("certificate_number") or "",
            land_type=data["land_type"],
            legal_status=data["legal_status"],
            total_area=data["total_area"],
            recovered_area=data["recovered_area"],
        )


class InventoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    description = forms.CharField(label=_("Description"), max_length=255)
    quantity = MeasureField(label=_("Quantity"), help_text=_("e.g. 120,5"))
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="m²")
    unit_price = MoneyField(label=_("Unit price (VND)"))

    def to_line(self) -> InventoryLine:
        data = _clean_text(self)
        return InventoryLine(
            category=data["category"],
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            unit=data.get("unit") or "m²",
        )


def plan_line_field(category: str) -> str:
    return f"line_{category}"


class PlanForm(forms.Form):
    """A draft plan: one amount per category, first filled in from the inventory."""

    kind = forms.ChoiceField(
        label=_("Kind of plan"), choices=PlanKind.choices, initial=PlanKind.ORIGINAL
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Category.choices:
            self.fields[plan_line_field(value)] = MoneyField(
                label=label, required=False, help_text=""
            )

    def line_fields(self):
        return [self[plan_line_field(value)] for value in Category.values]

    def lines(self) -> dict[str, int]:
        return {
            value: self.cleaned_data.get(plan_line_field(value)) or 0 for value in Category.values
        }


class PaymentForm(forms.Form):
    amount = MoneyField(label=_("Amount (VND)"))
    paid_on = date_field(_("Payment date"))
    voucher_number = forms.CharField(label=_("Voucher no."), max_length=40)
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("paid_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class PaymentCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ComplaintForm(forms.Form):
    received_on = date_field(_("Received on"))
    content = forms.CharField(
        label=_("Content"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ComplaintUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ComplaintStatus.choices)
    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    resolved_on = date_field(_("Resolved on"), required=False)


class VisitForm(forms.Form):
    """The quick entry of a visit, made for a phone: native date pickers, big choices."""

    visited_on = date_field(_("Date"), phone=True)
    kind = forms.ChoiceField(
        label=_("Kind of contact"),
        choices=VisitKind.choices,
        initial=VisitKind.VISIT,
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=VisitOutcome.choices, widget=forms.RadioSelect
    )
    discussed = forms.CharField(
        label=_("What was discussed"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    participants = forms.CharField(label=_("Others who went"), max_length=255, required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=255, required=False)
    follow_up_on = date_field(_("Follow-up date"), phone=True, required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def to_data(self) -> VisitData:
        data = _clean_text(self)
        return VisitData(
            visited_on=data["visited_on"],
            discussed=data["discussed"],
            outcome=data["outcome"],
            kind=data["kind"],
            participants=data.get("participants") or "",
            next_step=data.get("next_step") or "",
            follow_up_on=data.get("follow_up_on"),
        )
