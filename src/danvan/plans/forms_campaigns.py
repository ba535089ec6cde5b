"""Forms of campaigns: the record, its steps, indicators, links, awards and figures.

They check shape and format (dd/mm/yyyy dates, numbers); which organisation, unit, document or
record may be chosen is settled against the scope-narrowed pickers here and again in the
services.
"""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danvan.core import indicators
from danvan.core.forms import as_id
from danvan.core.search import filter_by_search
from danvan.organisations.models import Organisation
from danvan.plans import selectors_campaigns as selectors
from danvan.plans.models import AwardSubject, Campaign, Period
from danvan.plans.services.campaigns import MAX_MEMBERS, AwardData, CampaignData, IndicatorData
from danvan.territories.models import Era, Territory

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
OPTIONS_SHOWN = 40


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
        **kwargs,
    )


def ids_from(data, name: str) -> list[int]:
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
    return list(dict.fromkeys(pk for pk in map(as_id, values) if pk is not None))


# --- the options of the pickers (shared by the form and its htmx fragments) --------------------


def organisation_options(user, query: str = "", chosen_id: int | None = None) -> list:
    rows = selectors.owner_organisations(user)
    chosen = list(rows.filter(pk=chosen_id)) if chosen_id else []
    others = filter_by_search(rows.exclude(pk=chosen_id or 0), query[:200])
    return chosen + list(others.order_by("territory__path", "search_name")[:OPTIONS_SHOWN])


def unit_options(owner: Organisation | None) -> QuerySet[Territory]:
    """Units that can take part: today's units below the owner's unit."""
    if owner is None:
        return Territory.objects.none()
    return (
        Territory.objects.filter(era=Era.CURRENT, parent=owner.territory)
        .order_by("search_name")
        .only("id", "name", "path")
    )


def participant_options(owner, query: str = "", chosen_ids=()) -> dict:
    """Ticked organisations first, then the owner unit's own or those matching the search."""
    if owner is None:
        return {"participants_chosen": [], "participants_found": []}
    rows = selectors.organisations_in_province(owner.territory).exclude(pk=owner.pk)
    chosen = list(rows.filter(pk__in=chosen_ids).order_by("territory__path", "search_name"))
    others = rows.exclude(pk__in=chosen_ids)
    others = (
        filter_by_search(others, query[:200])
        if query.strip()
        else others.filter(territory=owner.territory)
    )
    return {
        "participants_chosen": chosen,
        "participants_found": list(
            others.order_by("territory__path", "search_name")[:OPTIONS_SHOWN]
        ),
        "participant_query": query,
    }


def document_options(user, query: str = "", chosen_ids=()) -> dict:
    visible = selectors.documents_visible(user)
    chosen = list(visible.filter(pk__in=chosen_ids).order_by("-issued_on", "-id"))
    found = [d for d in selectors.document_search(user, query) if d.pk not in set(chosen_ids)]
    return {"documents_chosen": chosen, "documents_found": found, "document_query": query}


class CampaignForm(forms.Form):
    organisation = forms.IntegerField(
        label=_("Owning organisation"),
        min_value=1,
        max_value=2**31 - 1,
        error_messages={"required": _("Choose the owning organisation.")},
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    theme = forms.CharField(
        label=_("Theme"),
        max_length=300,
        required=False,
        help_text=_('e.g. "3R": reduce, reuse, recycle'),
    )
    starts_on = date_field(_("Starts"))
    ends_on = date_field(_("Ends"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    results = forms.CharField(
        label=_("Results"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance: Campaign | None = None, **kwargs) -> None:
        self.user = user
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation": instance.organisation_id,
                "title": instance.title,
                "theme": instance.theme,
                "starts_on": instance.starts_on,
                "ends_on": instance.ends_on,
                "description": instance.description,
                "results": instance.results,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.owner = self._owner()

    def _owner(self) -> Organisation | None:
        value = self.data.get("organisation") if self.is_bound else self.initial.get("organisation")
        if as_id(value) is None:
            return None
        owner = selectors.owner_organisations(self.user).filter(pk=value).first()
        if owner is None and self.instance is not None and not self.is_bound:
            owner = self.instance.organisation
        return owner

    def chosen(self, name: str) -> list[int]:
        if self.is_bound:
            return ids_from(self.data, name)
        if self.instance is not None:
            return list(getattr(self.instance, name).values_list("pk", flat=True))
        return []

    def clean_organisation(self):
        if self.owner is None or self.owner.pk != self.cleaned_data.get("organisation"):
            raise forms.ValidationError(_("Choose an organisation from the list."))
        return self.owner

    def clean(self):
        cleaned = super().clean()
        for name in ("territories", "participants", "documents"):
            if len(self.chosen(name)) > MAX_MEMBERS:
                self.add_error(None, _("Choose at most %(max)s.") % {"max": MAX_MEMBERS})
                return cleaned
        owner = cleaned.get("organisation")
        units = unit_options(owner).in_bulk(self.chosen("territories")) if owner else {}
        if owner and len(units) != len(self.chosen("territories")):
            self.add_error(None, _("Choose units below the owner's unit."))
        participants = (
            selectors.organisations_in_province(owner.territory).in_bulk(
                self.chosen("participants")
            )
            if owner
            else {}
        )
        if owner and len(participants) != len(self.chosen("participants")):
            self.add_error(None, _("Choose participating organisations of the same province."))
        documents = selectors.documents_visible(self.user).in_bulk(self.chosen("documents"))
        if len(documents) != len(self.chosen("documents")):
            self.add_error(None, _("Choose documents from the register you can see."))
        cleaned["territories"] = list(units.values())
        cleaned["participants"] = list(participants.values())
        cleaned["documents"] = list(documents.values())
        return cleaned

    def to_data(self) -> CampaignData:
        c = self.cleaned_data
        return CampaignData(
            organisation=c["organisation"],
            title=c["title"],
            theme=c.get("theme") or "",
            description=c.get("description") or "",
            results=c.get("results") or "",
            starts_on=c["starts_on"],
            ends_on=c["ends_on"],
            territories=c["territories"],
            participants=c["participants"],
            documents=c["documents"],
        )


class StepForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    results = forms.CharField(
        label=_("Results"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def source_choices() -> list[tuple[str, str]]:
    return [
        ("", _("— typed by hand —")),
        *((s.key, f"{s.label} ({s.unit})") for s in indicators.registered_sources()),
    ]


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=300)
    unit = forms.CharField(label=_("Unit of measure"), max_length=40)
    target_value = forms.DecimalField(
        label=_("Target"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        localize=True,
        error_messages={"invalid": _("Enter a number, e.g. 1.500 or 12,5.")},
    )
    measurement = forms.CharField(
        label=_("How it is measured"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    source = forms.ChoiceField(label=_("Computed from"), required=False, choices=())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = source_choices()

    def to_data(self) -> IndicatorData:
        c = self.cleaned_data
        return IndicatorData(
            name=c["name"],
            unit=c["unit"],
            target_value=c.get("target_value"),
            measurement=c.get("measurement") or "",
            source=c.get("source") or "",
        )


class LinkForm(forms.Form):
    target_type = forms.CharField(max_length=60)
    target_id = forms.CharField(max_length=40)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class AwardForm(forms.Form):
    subject = forms.ChoiceField(label=_("Recognised"), choices=AwardSubject.choices)
    name = forms.CharField(label=_("Name"), max_length=255)
    award = forms.CharField(
        label=_("Form of recognition"), max_length=120, help_text=_("e.g. Giấy khen, Bằng khen")
    )
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None, choices=()
    )
    reason = forms.CharField(
        label=_("Achievement"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    awarded_on = date_field(_("Date"), required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {
            o.pk: o
            for o in Organisation.objects.filter(
                is_active=True, territory__scope_path__under=campaign.territory.path
            )
            .select_related("territory")
            .order_by("territory__path", "search_name")[:300]
        }
        for participant in getattr(campaign, "participating", []):
            if participant.territory.scope_path.startswith(campaign.territory.path):
                self.candidates.setdefault(participant.pk, participant)
        self.fields["organisation"].choices = [
            ("", _("— none —")),
            *((o.pk, f"{o.name} · {o.territory.name}") for o in self.candidates.values()),
        ]

    def to_data(self) -> AwardData:
        c = self.cleaned_data
        return AwardData(
            subject=c["subject"],
            name=c["name"],
            award=c["award"],
            organisation=self.candidates.get(c.get("organisation")),
            reason=c.get("reason") or "",
            awarded_on=c.get("awarded_on"),
        )


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices)
