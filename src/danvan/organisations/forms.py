"""Organisation forms: shape and format only; the rules live in organisations.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.core import scope
from danvan.core.search import filter_by_search
from danvan.organisations.models import Organisation
from danvan.organisations.selectors import organisation_kinds
from danvan.organisations.services import OrganisationData
from danvan.territories.models import Era, Territory

# Longer digit strings would overflow the database's integer columns.
MAX_ID_DIGITS = 9


def as_id(value) -> int | None:
    """A database id from a request parameter, or None for anything else."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= MAX_ID_DIGITS else None


def editable_territories(user):
    """Current units where `user` may create or change organisations."""
    return scope.filter(
        user, "organisations.change", Territory.objects.filter(era=Era.CURRENT), via=None
    )


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


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    kind = forms.ModelChoiceField(
        label=_("Kind"), queryset=organisation_kinds(), empty_label=_("— choose —")
    )
    # Filled by the htmx unit picker; without JavaScript the search box below is read instead.
    territory = forms.IntegerField(
        label=_("Administrative unit"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "Type part of the name (accents optional) or the unit code, then pick the unit."
        ),
        error_messages={
            key: _("Pick a unit from the list.") for key in ("invalid", "min_value", "max_value")
        },
    )
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
        self.territory_candidates: list[Territory] = []
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

    def chosen_territory(self) -> Territory | None:
        """The unit the form currently holds, only if the user may edit there (no names leak)."""
        value = self.data.get("territory") if self.is_bound else self.initial.get("territory")
        if as_id(value) is None:
            return None
        return editable_territories(self.user).filter(pk=value).select_related("parent").first()

    def clean_territory(self):
        value = self.cleaned_data.get("territory")
        if value is None:
            return None
        territory = editable_territories(self.user).filter(pk=value).first()
        if territory is None:
            raise forms.ValidationError(_("Pick a current unit within your scope."))
        return territory

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("territory") is None and "territory" not in self.errors:
            self._territory_from_search()
        return cleaned

    def _territory_from_search(self) -> None:
        """No unit picked (no JavaScript, or not clicked): resolve the typed text or code."""
        query = (self.data.get("q") or "").strip()
        if not query:
            self.add_error("territory", _("Choose the administrative unit."))
            return
        units = editable_territories(self.user)
        if query.isdigit():
            units = units.filter(code=int(query)) if len(query) <= MAX_ID_DIGITS else units.none()
        else:
            units = filter_by_search(units, query)
        matches = list(units.select_related("parent").order_by("level", "search_name")[:21])
        if len(matches) == 1:
            self.cleaned_data["territory"] = matches[0]
            return
        self.territory_candidates = matches[:20]
        if matches:
            self.add_error("territory", _("Several units match; pick one below."))
        else:
            self.add_error("territory", _("No unit in your scope matches."))

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
