"""Forms of the reports pages: shape and format only; the rules live in the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import as_id, current_units_for
from danvan.core.search import filter_by_search
from danvan.organisations.models import Organisation, OrganisationKind
from danvan.reports.models import ReportKind
from danvan.reports.selectors import CONFIGURE, organisations_for_generation
from danvan.reports.services import TemplateData

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
ORGANISATIONS_SHOWN = 300


def report_years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


def organisation_choices(user, query: str = "", chosen_id: int | None = None) -> list:
    """Organisations the user may report for, the province's own first (capped for big scopes)."""
    rows = organisations_for_generation(user)
    if query.strip():
        rows = filter_by_search(rows, query, field="search_name")
    shown = list(
        rows.order_by("territory__path", "kind__sort_order", "search_name")[:ORGANISATIONS_SHOWN]
    )
    if chosen_id is not None and all(o.pk != chosen_id for o in shown):
        shown = [*organisations_for_generation(user).filter(pk=chosen_id), *shown]
    return shown


class GenerateForm(forms.Form):
    organisation = forms.IntegerField(label=_("Organisation"), min_value=1, max_value=2**31 - 1)
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    issued_on = forms.DateField(
        label=_("Date of the report"),
        input_formats=DATE_FORMATS,
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
    )
    signer_name = forms.CharField(
        label=_("Signed by (full name)"),
        max_length=150,
        help_text=_("Printed under the signature block."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "issued_on": timezone.localdate(),
                "year": timezone.localdate().year,
                "kind": ReportKind.SIX_MONTH,
            },
        )
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].choices = [(y, y) for y in report_years()]
        chosen = as_id(self.data.get("organisation")) if self.is_bound else None
        self.organisation_options = organisation_choices(
            user, self.data.get("organisation_q", "") if self.is_bound else "", chosen
        )

    def clean_organisation(self) -> Organisation:
        organisation = (
            organisations_for_generation(self.user)
            .filter(pk=self.cleaned_data["organisation"])
            .first()
        )
        if organisation is None:
            raise forms.ValidationError(_("Pick an organisation within your scope."))
        return organisation


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices)
    organisation_kind = forms.ModelChoiceField(
        label=_("For organisations of kind"),
        queryset=OrganisationKind.objects.filter(is_active=True),
        required=False,
        empty_label=_("Any kind"),
    )
    territory = forms.ModelChoiceField(
        label=_("For units under"),
        queryset=None,
        required=False,
        empty_label=_("The whole country"),
    )
    title = forms.CharField(label=_("Title (summary line)"), max_length=300)
    opening = forms.CharField(
        label=_("Opening"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    closing = forms.CharField(
        label=_("Closing: tasks for the next period"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One task per line."),
    )
    recipients = forms.CharField(
        label=_("Recipients"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line."),
    )
    signer_authority = forms.CharField(
        label=_("Signing on behalf of"), max_length=120, required=False,
        help_text=_("e.g. TM. ỦY BAN NHÂN DÂN, K/T TRƯỞNG BAN; may stay empty."),
    )  # fmt: skip
    signer_position = forms.CharField(label=_("Signer's position"), max_length=120, required=False)
    include_plans = forms.BooleanField(label=_("Include plan indicators and tasks"), required=False)
    include_campaigns = forms.BooleanField(label=_("Include campaigns"), required=False)
    include_domains = forms.BooleanField(
        label=_("Include figures from models, land clearance and petitions"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, template=None, **kwargs) -> None:
        if template is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(template, name)
                for name in (
                    "name", "kind", "organisation_kind", "territory", "title", "opening",
                    "closing", "recipients", "signer_authority", "signer_position",
                    "include_plans", "include_campaigns", "include_domains", "is_active",
                    "version",
                )
            }  # fmt: skip
        kwargs.setdefault(
            "initial",
            {"include_plans": True, "include_campaigns": True, "include_domains": True,
             "is_active": True},
        )  # fmt: skip
        super().__init__(*args, **kwargs)
        units = current_units_for(user, CONFIGURE).order_by("path")
        if template is not None and template.territory_id:
            units = units | type(template.territory).objects.filter(pk=template.territory_id)
        # Pickable units: provinces and their communes within reach, a short list per province.
        self.fields["territory"].queryset = units.filter(level__in=["province", "commune"])

    def to_data(self) -> TemplateData:
        data = self.cleaned_data
        return TemplateData(
            name=data["name"],
            kind=data["kind"],
            title=data["title"],
            organisation_kind=data["organisation_kind"],
            territory=data["territory"],
            opening=data["opening"],
            closing=data["closing"],
            recipients=data["recipients"],
            signer_authority=data["signer_authority"],
            signer_position=data["signer_position"],
            include_plans=data["include_plans"],
            include_campaigns=data["include_campaigns"],
            include_domains=data["include_domains"],
            is_active=data["is_active"],
        )
