"""Forms for task forces, peak campaigns, land donations and the thank-you letter.

They check shape and format; scope and the rules that depend on other rows stay in the services.
Money and areas are typed the Vietnamese way ("51.815.000", "1,2 tỷ", "120,5 m²") and read with
the same parsers as the spreadsheet imports.
"""

from decimal import Decimal

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.clearance import selectors
from danvan.clearance.models import AREA, Project, WorksKind
from danvan.clearance.services.donations import MAX_VALUE, DonationData
from danvan.clearance.services.mobilisation import CampaignData, MemberData
from danvan.core import scope
from danvan.core.forms import TerritoryPickerMixin, territory_field
from danvan.core.imports import parsers
from danvan.core.templatetags.vn import format_number

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_AREA = Decimal(10) ** (AREA["max_digits"] - AREA["decimal_places"])
# Projects offered as checkboxes on the campaign form before anyone searches.
PROJECT_CHOICES_SHOWN = 30


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
        **kwargs,
    )


class TypedNumberField(forms.CharField):
    """A number typed as text; the parsed value, not the text, comes out of `clean`."""

    MAX_CHARS = 40

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "maxlength": str(self.MAX_CHARS)})

    def text_of(self, value) -> str:
        text = super().to_python(value)
        if len(text) > self.MAX_CHARS:
            raise forms.ValidationError(_("This is too long for a number."), code="max_length")
        return text


class MoneyField(TypedNumberField):
    """Whole đồng, written as people write it: 51.815.000, 51.815.000 đ, 1,2 tỷ, 450 triệu."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", _("In đồng, e.g. 51.815.000 or 1,2 tỷ."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_number(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = self.text_of(value)
        if not text:
            return None
        try:
            amount = parsers.money(text)
        except parsers.ParseError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from exc
        if amount > MAX_VALUE:
            raise forms.ValidationError(_("The amount is too large."), code="max_value")
        return amount


class AreaField(TypedNumberField):
    """Square metres: 120,5 or 120,5 m² or 0,5 ha."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", _("In m², e.g. 120,5 (or 0,5 ha)."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_number(value, 2).removesuffix(",00") if isinstance(value, Decimal) else value

    def to_python(self, value):
        text = self.text_of(value)
        if not text:
            return None
        try:
            area = parsers.area(text)
        except parsers.ParseError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from exc
        if area >= MAX_AREA:
            raise forms.ValidationError(_("The area is too large."), code="max_value")
        if area != area.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                _("Give the area to at most two decimals."), code="decimals"
            )
        return area


# --- Task forces --------------------------------------------------------------------------------


class TaskForceForm(TerritoryPickerMixin, forms.Form):
    territory_action = "clearance.change"

    name = forms.CharField(label=_("Name of the task force"), max_length=200)
    territory = territory_field()
    note = forms.CharField(
        label=_("Tasks and notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, instance=None, **kwargs) -> None:
        self.user = user
        self.instance = instance
        self.territory_candidates = []
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "territory": instance.territory_id,
                "note": instance.note,
            }
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        return cleaned


class TaskForceMemberForm(forms.Form):
    """One member: an account, or just a name (a village head, a veteran), and a position."""

    username = forms.CharField(
        label=_("Account (username)"),
        required=False,
        max_length=150,
        help_text=_("Leave empty for someone without an account."),
    )
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=120)
    position = forms.CharField(label=_("Position"), required=False, max_length=160)
    is_leader = forms.BooleanField(label=_("Leader"), required=False)

    def __init__(self, *args, user=None, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        username = (cleaned.get("username") or "").strip()
        cleaned["user"] = None
        if username:
            cleaned["user"] = person_in_scope(self.user, username)
            if cleaned["user"] is None:
                self.add_error("username", _("No such user in your scope."))
        has_name = bool((cleaned.get("full_name") or "").strip())
        if not username and not has_name and (cleaned.get("position") or cleaned.get("is_leader")):
            self.add_error("full_name", _("Enter the member's name or account."))
        return cleaned

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return (
            not (data.get("username") or "").strip() and not (data.get("full_name") or "").strip()
        )


def person_in_scope(user, username: str):
    """The account named `username` when `user` may see land clearance in its unit, else None,
    so that a typed name tells nothing about people elsewhere."""
    from danvan.accounts.models import User

    person = User.objects.filter(username=username, is_active=True).select_related(
        "organisation__territory"
    )
    person = person.first()
    if person is None or not scope.can(
        user, "clearance.view", getattr(person.organisation, "territory", None)
    ):
        return None
    return person


class BaseMemberFormSet(forms.BaseFormSet):
    def __init__(self, *args, user=None, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "user": self.user}

    def clean(self):
        if any(self.errors):
            return
        members = self.members()
        leaders = sum(1 for m in members if m.is_leader)
        if leaders > 1:
            raise forms.ValidationError(_("A task force has one leader."), code="leaders")
        if members and leaders == 0:
            raise forms.ValidationError(_("Mark one member as the leader."), code="no_leader")
        accounts = [m.user.pk for m in members if m.user is not None]
        if len(accounts) != len(set(accounts)):
            raise forms.ValidationError(_("An account is listed twice."), code="twice")

    def members(self) -> list[MemberData]:
        """The filled-in rows, without those ticked for removal."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.is_blank:
                continue
            rows.append(
                MemberData(
                    full_name=(data.get("full_name") or "").strip(),
                    position=(data.get("position") or "").strip(),
                    user=data.get("user"),
                    is_leader=bool(data.get("is_leader")),
                )
            )
        return rows


MemberFormSet = forms.formset_factory(
    TaskForceMemberForm,
    formset=BaseMemberFormSet,
    extra=3,
    can_delete=True,
    max_num=60,
    validate_max=True,
)


def member_initial(task_force) -> list[dict]:
    return [
        {
            "username": m.user.username if m.user_id else "",
            "full_name": m.full_name,
            "position": m.position,
            "is_leader": m.is_leader,
        }
        for m in task_force.members.all()
    ]


# --- Peak campaigns -----------------------------------------------------------------------------


class CampaignForm(TerritoryPickerMixin, forms.Form):
    territory_action = "clearance.change"

    name = forms.CharField(label=_("Name of the campaign"), max_length=200)
    territory = territory_field()
    starts_on = date_field(_("Start date"))
    ends_on = date_field(_("End date"))
    target_households = forms.IntegerField(
        label=_("Households to hand over"), min_value=1, max_value=10_000_000
    )
    target_area = AreaField(label=_("Area to hand over (m²)"), required=False)
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"),
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one project."),
            "invalid_choice": _("Choose projects within your scope."),
            "invalid_pk_value": _("Choose projects within your scope."),
        },
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, instance=None, **kwargs) -> None:
        self.user = user
        self.instance = instance
        self.territory_candidates = []
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "territory": instance.territory_id,
                "starts_on": instance.starts_on,
                "ends_on": instance.ends_on,
                "target_households": instance.target_households,
                "target_area": instance.target_area,
                "projects": [p.pk for p in instance.projects.all()],
                "note": instance.note,
            }
        super().__init__(*args, **kwargs)
        # Any project the user may see can be chosen; the page lists only a few at a time.
        self.fields["projects"].queryset = selectors.project_list(user)

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return cleaned

    def chosen_project_ids(self) -> list[int]:
        values = self.data.getlist("projects") if self.is_bound else self.initial.get("projects")
        return [int(v) for v in values or [] if str(v).isdigit() and len(str(v)) <= 9]

    def to_data(self) -> CampaignData:
        data = self.cleaned_data
        return CampaignData(
            name=data["name"],
            territory=data["territory"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            target_households=data["target_households"],
            target_area=data.get("target_area") or Decimal(0),
            projects=list(data["projects"]),
            note=data.get("note") or "",
        )


def project_options(user, *, query: str = "", chosen_ids: list[int] | None = None) -> dict:
    """Checkboxes for the campaign form: the chosen projects, then a few more matching `query`."""
    chosen_ids = chosen_ids or []
    visible = selectors.project_list(user)
    chosen = list(visible.filter(pk__in=chosen_ids)) if chosen_ids else []
    others = selectors.project_list(user, selectors.ProjectFilters(query=query[:200]))
    others = list(others.exclude(pk__in=chosen_ids)[:PROJECT_CHOICES_SHOWN])
    return {"chosen_projects": chosen, "other_projects": others, "project_query": query}


# --- Donations ----------------------------------------------------------------------------------


class DonationForm(TerritoryPickerMixin, forms.Form):
    territory_action = "clearance.change"

    donor_name = forms.CharField(
        label=_("Donor"),
        max_length=160,
        help_text=_("The household as it should be thanked, e.g. Hộ ông Lê Văn An."),
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    territory = territory_field()
    area = AreaField(label=_("Area donated (m²)"))
    value = MoneyField(label=_("Estimated value (VND)"))
    works_kind = forms.ChoiceField(
        label=_("Kind of works"), choices=[("", _("— choose —")), *WorksKind.choices]
    )
    works_name = forms.CharField(label=_("Name of the works"), max_length=200)
    donated_on = date_field(_("Date of the donation"))
    project_code = forms.CharField(
        label=_("Project code"),
        max_length=40,
        required=False,
        help_text=_("Optional: the clearance project the land went to."),
    )
    household_code = forms.CharField(
        label=_("Household code in the project"), max_length=40, required=False
    )

    def __init__(self, *args, user, instance=None, **kwargs) -> None:
        self.user = user
        self.instance = instance
        self.territory_candidates = []
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "donor_name": instance.donor_name,
                "address": instance.address,
                "territory": instance.territory_id,
                "area": instance.area,
                "value": instance.value,
                "works_kind": instance.works_kind,
                "works_name": instance.works_name,
                "donated_on": instance.donated_on,
                "project_code": instance.project.code if instance.project_id else "",
                "household_code": instance.household.code if instance.household_id else "",
            }
        super().__init__(*args, **kwargs)

    def clean_area(self):
        area = self.cleaned_data.get("area")
        if area is not None and area <= 0:
            raise forms.ValidationError(_("Enter an area greater than zero."))
        return area

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        cleaned["project"] = cleaned["household"] = None
        code = (cleaned.get("project_code") or "").strip()
        household_code = (cleaned.get("household_code") or "").strip()
        if code:
            project = selectors.project_list(self.user).filter(code=code).first()
            if project is None:
                self.add_error("project_code", _("No project with this code in your scope."))
            else:
                cleaned["project"] = project
                if household_code:
                    household = project.households.filter(code=household_code).first()
                    if household is None:
                        self.add_error(
                            "household_code", _("The project has no household with this code.")
                        )
                    cleaned["household"] = household
        elif household_code:
            self.add_error("project_code", _("Give the project the household belongs to."))
        return cleaned

    def to_data(self) -> DonationData:
        data = self.cleaned_data
        return DonationData(
            territory=data["territory"],
            donor_name=data["donor_name"],
            area=data["area"],
            value=data["value"],
            works_kind=data["works_kind"],
            works_name=data["works_name"],
            donated_on=data["donated_on"],
            address=data.get("address") or "",
            project=data.get("project"),
            household=data.get("household"),
        )


class LetterForm(forms.Form):
    """Who signs the thank-you letter, and on which date."""

    ISSUERS = [
        ("peoples_committee", _("The People's Committee of the unit")),
        ("fatherland_front", _("The Fatherland Front Committee of the unit")),
    ]

    issuer = forms.ChoiceField(
        label=_("Issued by"), choices=ISSUERS, initial="peoples_committee", widget=forms.RadioSelect
    )
    signer_name = forms.CharField(label=_("Signed by"), max_length=120)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=120)
    letter_date = date_field(_("Date of the letter"))

    def __init__(self, *args, **kwargs) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("letter_date", timezone.localdate())
        # The letter is written in Vietnamese whatever the page's language, so is its default.
        with translation.override("vi"):
            initial.setdefault("signer_position", gettext("Chairman"))
        super().__init__(*args, **kwargs)
