"""Forms for models and councils: shape and format only; the rules live in the services."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import TerritoryPickerMixin, territory_field
from danvan.initiatives.models import (
    LEVEL_LADDER,
    EvaluationOutcome,
    Kind,
    Level,
    Subject,
)
from danvan.initiatives.selectors import active_fields, active_indicator_kinds
from danvan.initiatives.services import InitiativeData
from danvan.organisations.forms import parent_choices

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
        **kwargs,
    )


def indicator_field_name(kind) -> str:
    return f"indicator_{kind.code}"


class InitiativeForm(TerritoryPickerMixin, forms.Form):
    territory_action = "initiatives.change"

    name = forms.CharField(label=_("Name of the model"), max_length=255)
    kind = forms.ChoiceField(label=_("Model or exemplar"), choices=Kind.choices, initial=Kind.MODEL)
    subject = forms.ChoiceField(
        label=_("Subject"), choices=Subject.choices, initial=Subject.COLLECTIVE
    )
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=active_fields(), empty_label=_("— choose —")
    )
    year = forms.IntegerField(label=_("Registration year"), min_value=2000, max_value=2100)
    territory = territory_field()
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=parent_choices(None, None),
        empty_label=_("— choose —"),
        help_text=_("The collective itself, or the organisation the person belongs to."),
    )
    person_name = forms.CharField(
        label=_("Person's full name"),
        max_length=120,
        required=False,
        help_text=_("For an individual model only."),
    )
    person_position = forms.CharField(label=_("Position"), max_length=120, required=False)
    started_on = date_field(_("Started on"), required=False)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    problem = forms.CharField(
        label=_("The problem it solved"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    mobilisation = forms.CharField(
        label=_("How people were mobilised"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, e.g. tự quản, môi trường."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance=None, **kwargs) -> None:
        self.user = user
        self.instance = instance
        self.territory_candidates = []
        self.indicator_kinds = list(active_indicator_kinds())
        if instance is not None and "initial" not in kwargs:
            initial = {
                name: getattr(instance, name)
                for name in (
                    "name",
                    "kind",
                    "subject",
                    "year",
                    "person_name",
                    "person_position",
                    "started_on",
                    "summary",
                    "problem",
                    "mobilisation",
                    "version",
                )
            }
            initial.update(
                field=instance.field_id,
                territory=instance.territory_id,
                organisation=instance.organisation_id,
                tags=", ".join(t.name for t in instance.tags.all()),
            )
            for indicator in instance.indicators.select_related("kind"):
                value = indicator.value
                initial[indicator_field_name(indicator.kind)] = (
                    value.to_integral_value() if value == value.to_integral_value() else value
                )
            kwargs["initial"] = initial
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        for kind in self.indicator_kinds:
            self.fields[indicator_field_name(kind)] = forms.DecimalField(
                label=f"{kind.name} ({kind.unit})",
                required=False,
                min_value=Decimal(0),
                max_digits=18,
                decimal_places=0 if kind.is_whole or kind.is_money else 2,
                localize=True,
            )
        self.fields["organisation"].queryset = parent_choices(user, self.chosen_territory())
        self.fields["organisation"].label_from_instance = lambda o: f"{o.name} · {o.territory.name}"

    def main_fields(self):
        return [self[n] for n in ("name", "kind", "subject", "field", "year")]

    def who_fields(self):
        return [self[n] for n in ("organisation", "person_name", "person_position", "started_on")]

    def text_fields(self):
        return [self[n] for n in ("summary", "problem", "mobilisation", "tags")]

    def indicator_fields(self):
        return [self[indicator_field_name(kind)] for kind in self.indicator_kinds]

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        if cleaned.get("subject") == Subject.INDIVIDUAL and not cleaned.get("person_name"):
            self.add_error("person_name", _("Name the person for an individual model."))
        return cleaned

    def to_data(self) -> InitiativeData:
        data = self.cleaned_data
        indicators = {}
        for kind in self.indicator_kinds:
            value = data.get(indicator_field_name(kind))
            if value is not None:
                indicators[kind] = value
        return InitiativeData(
            name=data["name"],
            summary=data["summary"],
            subject=data["subject"],
            field=data["field"],
            territory=data["territory"],
            organisation=data["organisation"],
            year=data["year"],
            kind=data["kind"],
            problem=data.get("problem") or "",
            mobilisation=data.get("mobilisation") or "",
            person_name=data.get("person_name") or "",
            person_position=data.get("person_position") or "",
            started_on=data.get("started_on"),
            tags=[t.strip() for t in (data.get("tags") or "").split(",") if t.strip()],
            indicators=indicators,
        )


class TransitionForm(forms.Form):
    name = forms.CharField(max_length=40)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False)


class ReplicationForm(TerritoryPickerMixin, forms.Form):
    # Any current unit may take up a model; the record is kept by the model's owner.
    territory_action = "territories.view"

    territory = territory_field(label=_("Unit that replicated it"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        self.territory_candidates = []
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        return cleaned


class EvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=EvaluationOutcome.choices)
    note = forms.CharField(
        label=_("Remarks"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)


class CouncilForm(TerritoryPickerMixin, forms.Form):
    territory_action = "initiatives.council.manage"

    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(
        label=_("Level"), choices=[(level.value, level.label) for level in LEVEL_LADDER]
    )
    territory = territory_field()
    issuer = forms.ModelChoiceField(
        label=_("Issuing organisation"),
        queryset=parent_choices(None, None),
        empty_label=_("— choose —"),
    )
    criteria_set = forms.ModelChoiceField(label=_("Criteria"), queryset=None)
    pass_score = forms.DecimalField(
        label=_("Score needed for recognition"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        initial=Decimal(70),
        localize=True,
    )

    def __init__(self, *args, user, **kwargs) -> None:
        from danvan.initiatives.selectors import criteria_sets_for

        self.user = user
        self.territory_candidates = []
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        kwargs["initial"].setdefault("level", Level.PROVINCE)
        super().__init__(*args, **kwargs)
        territory = self.chosen_territory()
        self.fields["issuer"].queryset = parent_choices(user, territory)
        self.fields["issuer"].label_from_instance = lambda o: f"{o.name} · {o.territory.name}"
        self.fields["criteria_set"].queryset = criteria_sets_for(user, territory)

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        return cleaned


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("member", _("Member")), ("chair", _("Chair"))],
        initial="member",
    )


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    deadline = date_field(_("Scoring deadline"))


class CloseRoundForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Decision number"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to take the next number of the issuing organisation."),
    )
    decision_date = date_field(_("Decision date"))
    signer_name = forms.CharField(label=_("Signed by"), max_length=120)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=120)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("decision_date", timezone.localdate())
        super().__init__(*args, **kwargs)
