"""Organisation forms: shape and format only; the rules live in organisations.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.core import scope
from danvan.core.forms import TerritoryPickerMixin, current_units_for, territory_field
from danvan.organisations.models import Organisation
from danvan.organisations.selectors import organisation_kinds
from danvan.organisations.services import OrganisationData
from danvan.territories.models import Territory


def editable_territories(user):
    """Current units where `user` may create or change organisations."""
    return current_units_for(user, "organisations.change")


def parent_choices(user, territory: Territory | None, exclude: Organisation | None = None):
    """Possible parents: organisations the user can see in the province of the chosen unit
    (a national list would be tens of thousands long)."""
    if territory is None:
        return Organisation.objects.none()
    province_path = "/".join(territory.path.split("/")[:2]) + "/"
    parents = scope.filter(
        user,
        "organisations.view",
        Organisation.objects.filter(is_active=True, territory__scope_path__under=province_path),
    )
    if exclude is not None:
        parents = parents.exclude(pk=exclude.pk)
    return parents.select_related("territory").order_by("territory__level", "search_name")


class OrganisationForm(TerritoryPickerMixin, forms.Form):
    territory_action = "organisations.change"

    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    kind = forms.ModelChoiceField(
        label=_("Kind"), queryset=organisation_kinds(), empty_label=_("— choose —")
    )
    territory = territory_field()
    parent = forms.ModelChoiceField(
        label=_("Parent organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[0-9 +().-]{6,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number with digits only (spaces allowed).")},
    )
    email = forms.EmailField(label=_("Email"), required=False)
    founded_on = forms.DateField(
        label=_("Founded on"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
    )
    member_count = forms.IntegerField(label=_("Members"), min_value=0, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance: Organisation | None = None, **kwargs) -> None:
        self.user = user
        self.instance = instance
        self.territory_candidates = []
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{
                    f: getattr(instance, f)
                    for f in (
                        "name",
                        "short_name",
                        "kind",
                        "address",
                        "phone",
                        "email",
                        "founded_on",
                        "member_count",
                        "note",
                        "is_active",
                        "version",
                    )
                },
                "territory": instance.territory_id,
                "parent": instance.parent_id,
            }
        super().__init__(*args, **kwargs)
        territory = self.chosen_territory()
        self.fields["parent"].queryset = parent_choices(user, territory, exclude=instance)
        self.fields["parent"].label_from_instance = lambda o: f"{o.name} · {o.territory.name}"

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        return cleaned

    def to_data(self) -> OrganisationData:
        data = self.cleaned_data
        return OrganisationData(
            name=data["name"],
            kind=data["kind"],
            territory=data["territory"],
            short_name=data.get("short_name") or "",
            parent=data.get("parent"),
            address=data.get("address") or "",
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            founded_on=data.get("founded_on"),
            member_count=data.get("member_count"),
            note=data.get("note") or "",
            is_active=bool(data.get("is_active")),
        )
