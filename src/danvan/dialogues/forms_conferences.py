"""Forms for dialogue conferences, their yearly plans and the deadline rules.

They check shape and format (dd/mm/yyyy dates, whole numbers); scope and the rules that depend
on other rows (who may invite whom, a duplicate rule, a plan's year) stay in the services.
"""

from datetime import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.core import scope
from danvan.core.forms import TerritoryPickerMixin, as_id, current_units_for, territory_field
from danvan.core.search import filter_by_search
from danvan.dialogues.models import (
    Category,
    Channel,
    Conference,
    ConferenceStatus,
    DeadlineRule,
    OrganiserRole,
)
from danvan.dialogues.services import conferences as services
from danvan.dialogues.services.deadlines import _prefixes
from danvan.organisations.models import Organisation

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# Agencies offered as checkboxes before anyone searches, and at most per search.
AGENCIES_SHOWN = 40
INVITED_MAX = 200


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
        **kwargs,
    )


def province_path(territory) -> str:
    """ "2025/48/20341/" -> "2025/48/": the province a unit lies in (or the province itself)."""
    parts = territory.scope_path.strip("/").split("/")
    return "/".join(parts[:2]) + "/"


def agencies_for(user, territory) -> QuerySet[Organisation]:
    """Agencies one may invite to a conference of `territory`: active, within its province, and
    either of the unit or a unit above it, or within the user's own view scope."""
    if territory is None:
        return Organisation.objects.none()
    in_province = Organisation.objects.filter(
        is_active=True, territory__scope_path__under=province_path(territory)
    )
    visible = scope.filter(user, "dialogues.view", in_province).values("pk")
    above = Q(territory__path__in=_prefixes(territory.scope_path))
    return in_province.filter(Q(pk__in=visible) | above).select_related("territory")


def organising_bodies(user, territory) -> list[Organisation]:
    """Bodies that may organise a conference of `territory`: those of the unit and above it."""
    if territory is None:
        return []
    bodies = agencies_for(user, territory).filter(
        territory__path__in=_prefixes(territory.scope_path)
    )
    return list(bodies.order_by("territory__path", "search_name")[:AGENCIES_SHOWN])


def agency_options(user, territory, *, query: str = "", chosen_ids=()) -> dict:
    """The invited-agency checkboxes: the ticked ones first, then the unit's own and those above
    it, or what matches the search within the province."""
    agencies = agencies_for(user, territory)
    chosen_ids = [pk for pk in chosen_ids if pk is not None]
    chosen = list(agencies.filter(pk__in=chosen_ids).order_by("territory__path", "search_name"))
    others = agencies.exclude(pk__in=chosen_ids)
    if query.strip():
        others = filter_by_search(others, query)
    else:
        own = Q(territory__path__in=_prefixes(territory.scope_path)) if territory else Q()
        others = others.filter(own)
    matches = list(others.order_by("territory__path", "search_name")[:AGENCIES_SHOWN])
    return {
        "agencies_chosen": chosen,
        "agencies_found": matches,
        "agency_query": query,
        "agency_unit": territory,
    }


class ConferenceForm(TerritoryPickerMixin, forms.Form):
    territory_action = "dialogues.change"

    territory = territory_field(label=_("Unit"))
    organiser_role = forms.ChoiceField(label=_("Chaired by"), choices=OrganiserRole.choices)
    organiser_name = forms.CharField(label=_("Name of the chair"), required=False, max_length=150)
    organisation = forms.TypedChoiceField(
        label=_("Organising body"), required=False, coerce=int, empty_value=None, choices=()
    )
    topic = forms.CharField(label=_("Topic"), max_length=300)
    starts_on = date_field(_("Date"))
    starts_time = forms.TimeField(
        label=_("Time"),
        input_formats=["%H:%M", "%Hh%M", "%H:%M:%S"],
        help_text=_("hh:mm, e.g. 08:00"),
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "08:00"}),
        error_messages={"invalid": _("Enter a time as hh:mm.")},
    )
    place = forms.CharField(label=_("Place"), max_length=300)
    invited_other = forms.CharField(
        label=_("Other invited guests"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("People and bodies not in the list, one per line."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    participants = forms.IntegerField(
        label=_("Participants"), required=False, min_value=1, max_value=services.MAX_PARTICIPANTS
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance: Conference | None = None, **kwargs) -> None:
        self.user = user
        self.instance = instance
        self.territory_candidates = []
        if instance is not None and "initial" not in kwargs:
            local = timezone.localtime(instance.starts_at)
            kwargs["initial"] = {
                "territory": instance.territory_id,
                "organiser_role": instance.organiser_role,
                "organiser_name": instance.organiser_name,
                "organisation": instance.organisation_id,
                "topic": instance.topic,
                "starts_on": local.date(),
                "starts_time": local.time().replace(second=0, microsecond=0),
                "place": instance.place,
                "invited_other": instance.invited_other,
                "agenda": instance.agenda,
                "participants": instance.participants,
                "minutes": instance.minutes,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.unit = self.chosen_territory()
        if instance is not None and self.unit is None and not self.is_bound:
            self.unit = instance.territory
        self.fields["organisation"].choices = [
            ("", _("— none —")),
            *((o.pk, f"{o.name} · {o.territory.name}") for o in organising_bodies(user, self.unit)),
        ]
        if instance is None or instance.status == ConferenceStatus.PLANNED:
            # Filled in by the "held" step; editable afterwards.
            del self.fields["participants"]
            del self.fields["minutes"]

    def chosen_invited_ids(self) -> list[int]:
        if self.is_bound:
            values = self.data.getlist("invited") if hasattr(self.data, "getlist") else []
            return [pk for pk in map(as_id, values) if pk is not None]
        if self.instance is not None:
            return list(self.instance.invited.values_list("pk", flat=True))
        return []

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        territory = cleaned.get("territory")
        ids = self.chosen_invited_ids()
        if len(ids) > INVITED_MAX:
            self.add_error(None, _("Invite at most %(max)s agencies.") % {"max": INVITED_MAX})
            return cleaned
        cleaned["invited"] = []
        cleaned["organisation_obj"] = None
        if territory is None:
            return cleaned
        agencies = agencies_for(self.user, territory)
        found = agencies.in_bulk(ids)
        if len(found) != len(set(ids)):
            self.add_error(None, _("Choose invited agencies within the unit's province."))
        cleaned["invited"] = [found[pk] for pk in dict.fromkeys(ids) if pk in found]
        if cleaned.get("organisation") is not None:
            body = agencies.filter(pk=cleaned["organisation"]).first()
            if body is None:
                self.add_error(
                    "organisation", _("Choose an organising body of this unit or above it.")
                )
            cleaned["organisation_obj"] = body
        return cleaned

    def starts_at(self) -> datetime | None:
        day, moment = self.cleaned_data.get("starts_on"), self.cleaned_data.get("starts_time")
        if day is None or moment is None:
            return None
        return timezone.make_aware(datetime.combine(day, moment))

    def to_data(self) -> services.ConferenceData:
        cleaned = self.cleaned_data
        return services.ConferenceData(
            territory=cleaned["territory"],
            organiser_role=cleaned["organiser_role"],
            organiser_name=cleaned.get("organiser_name") or "",
            organisation=cleaned.get("organisation_obj"),
            topic=cleaned["topic"],
            starts_at=self.starts_at(),
            place=cleaned["place"],
            invited=cleaned.get("invited") or [],
            invited_other=cleaned.get("invited_other") or "",
            agenda=cleaned.get("agenda") or "",
        )


class HoldForm(forms.Form):
    participants = forms.IntegerField(
        label=_("Participants"),
        min_value=1,
        max_value=services.MAX_PARTICIPANTS,
        error_messages={"required": _("Enter how many people took part.")},
    )
    minutes = forms.CharField(
        label=_("Minutes (optional)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PublishForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please give a reason for this step.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- yearly plans ----------------------------------------------------------------------------


class PlanForm(TerritoryPickerMixin, forms.Form):
    territory_action = "dialogues.change"

    territory = territory_field(label=_("Unit"))
    year = forms.IntegerField(label=_("Year"), widget=forms.HiddenInput)
    planned_count = forms.IntegerField(
        label=_("Conferences planned in the year"),
        error_messages={"invalid": _("Enter a whole number.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-year"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        self.territory_candidates = []
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        return cleaned


# --- deadline rules --------------------------------------------------------------------------

NATIONAL = "national"


class RuleForm(forms.Form):
    """A rule of one unit, or a national rule (for those with a nationwide grant)."""

    territory = forms.ChoiceField(label=_("Applies in"), choices=())
    category = forms.ChoiceField(
        label=_("Field"), required=False, choices=[("", _("Every field")), *Category.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Every channel")), *Channel.choices]
    )
    days = forms.IntegerField(label=_("Days to answer"), help_text=_("Calendar days."))
    due_soon_days = forms.IntegerField(label=_("Remind this many days before"), initial=3)
    escalate_after_days = forms.IntegerField(
        label=_("Escalate this many days after the deadline"), initial=7
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance: DeadlineRule | None = None, **kwargs) -> None:
        self.user = user
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "territory": instance.territory_id or NATIONAL,
                "category": instance.category,
                "channel": instance.channel,
                "days": instance.days,
                "due_soon_days": instance.due_soon_days,
                "escalate_after_days": instance.escalate_after_days,
                "note": instance.note,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        choices = []
        if scope.can(user, "dialogues.configure", None):
            choices.append((NATIONAL, _("The whole country (national rule)")))
        # Provinces, and the units the user's own grants name (a commune administrator's
        # commune): listing every commune of the country would make the list unusable.
        grant_paths = [g.path for g in scope.grants_of(user) if g.path]
        units = (
            current_units_for(user, "dialogues.configure")
            .filter(Q(level="province") | Q(path__in=grant_paths))
            .order_by("path")[:500]
        )
        choices += [(str(u.pk), u.name) for u in units]
        listed = {value for value, _label in choices}
        if (
            instance is not None
            and instance.territory_id
            and str(instance.territory_id) not in listed
        ):
            choices.append((str(instance.territory_id), instance.territory.name))
        self.fields["territory"].choices = choices

    def clean_territory(self):
        value = self.cleaned_data["territory"]
        if value == NATIONAL:
            return None
        unit = current_units_for(self.user, "dialogues.configure").filter(pk=as_id(value)).first()
        if unit is None:
            raise forms.ValidationError(_("Pick a current unit within your scope."))
        return unit
