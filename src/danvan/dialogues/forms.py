"""Forms of the officers' petition screens: shape and format only; the rules live in the services.

Personal numbers (citizen ID, phone, e-mail) are never put back into a page: left empty on an
edit they keep what is recorded.
"""

from datetime import datetime, time

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.accounts.models import User
from danvan.core import scope
from danvan.core.forms import TerritoryPickerMixin, territory_field
from danvan.dialogues.models import Category, Channel, Conference, Petition
from danvan.dialogues.services.petitions import ANSWER_MAX, CONTENT_MAX, TITLE_MAX, PetitionData
from danvan.organisations.models import Organisation

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
REASON_MAX = 2000


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=kwargs.pop("help_text", _("dd/mm/yyyy")),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
        **kwargs,
    )


def _province_prefix(path: str) -> str:
    """ "2025/48/20341/" -> "2025/48/": the province a unit lies in (or the era for "2025/")."""
    return "/".join(path.strip("/").split("/")[:2]) + "/"


def agencies_for_petition(petition: Petition) -> QuerySet[Organisation]:
    """Organisations that may handle the petition: the active ones of its province."""
    prefix = _province_prefix(petition.territory.scope_path)
    return (
        Organisation.objects.filter(is_active=True, territory__scope_path__under=prefix)
        .select_related("territory")
        .order_by("name", "pk")
    )


def agencies_for_user(user, action: str = "dialogues.assign") -> QuerySet[Organisation]:
    """Organisations of the provinces where `user` routes petitions (the bulk assign list)."""
    paths = scope.scope_paths(user, action)
    rows = Organisation.objects.filter(is_active=True).select_related("territory")
    if paths is None:
        return rows.order_by("name", "pk")
    if not paths:
        return rows.none()
    condition = Q()
    for prefix in sorted({_province_prefix(p) for p in paths}):
        condition |= Q(territory__scope_path__under=prefix)
    return rows.filter(condition).order_by("name", "pk")


def officers_of(agency: Organisation | None) -> QuerySet[User]:
    if agency is None:
        return User.objects.none()
    return User.objects.filter(organisation=agency, is_active=True).order_by("full_name", "pk")


def _clean_text(form: forms.Form) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in form.cleaned_data.items()}


def _received_at(day):
    """A date typed on the form as the moment received: now for today, else noon that day."""
    if day is None:
        return None
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


# --- the petition itself ----------------------------------------------------------------------


class PetitionForm(TerritoryPickerMixin, forms.Form):
    territory_action = "dialogues.change"

    title = forms.CharField(label=_("Summary"), max_length=TITLE_MAX)
    content = forms.CharField(
        label=_("Content"), max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.ChoiceField(
        label=_("Field"), choices=[("", _("— choose —")), *Category.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(v, label) for v, label in Channel.choices if v != Channel.PORTAL],
        initial=Channel.RECEPTION,
    )
    conference = forms.ModelChoiceField(
        label=_("Conference"),
        queryset=Conference.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("Required when the petition was raised at a dialogue conference."),
    )
    territory = territory_field(label=_("Commune or ward"))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    received_on = date_field(_("Received on"), required=False)
    anonymous = forms.BooleanField(label=_("Anonymous submitter"), required=False)
    submitter_name = forms.CharField(label=_("Submitter's name"), max_length=150, required=False)
    submitter_id_number = forms.CharField(
        label=_("Citizen ID (CCCD)"), max_length=20, required=False
    )
    submitter_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    submitter_email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance: Petition | None = None, masked=None, **kwargs):
        self.user = user
        self.instance = instance
        self.territory_candidates = []
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title,
                "content": instance.content,
                "category": instance.category,
                "channel": instance.channel,
                "conference": instance.conference_id,
                "territory": instance.territory_id,
                "address": instance.address,
                "received_on": timezone.localdate(instance.received_at),
                "anonymous": instance.anonymous,
                "submitter_name": instance.submitter_name,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        conferences = scope.filter(user, "dialogues.view", Conference.objects.all())
        self.fields["conference"].queryset = conferences.select_related("territory").order_by(
            "-starts_at", "-pk"
        )
        self.fields["conference"].label_from_instance = lambda c: (
            f"{timezone.localtime(c.starts_at):%d/%m/%Y} · {c.topic} · {c.territory.name}"
        )
        if instance is not None and instance.channel == Channel.PORTAL:
            self.fields["channel"].choices = Channel.choices
        if instance is not None:
            for name in ("submitter_id_number", "submitter_phone", "submitter_email"):
                self.fields[name].help_text = _("Leave empty to keep what is recorded.")
                recorded = (masked or {}).get(name.removeprefix("submitter_"))
                if recorded:
                    self.fields[name].widget.attrs["placeholder"] = recorded
        self.fields["submitter_id_number"].widget.attrs.update(
            inputmode="numeric", autocomplete="off"
        )
        self.fields["submitter_phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["submitter_email"].widget.attrs.update(inputmode="email", autocomplete="off")

    def picker_units(self):
        units = super().picker_units()
        if self.instance is None:
            return units
        from danvan.territories.models import Territory

        kept = Territory.objects.filter(pk=self.instance.territory_id)
        return units | scope.filter(self.user, self.territory_action, kept, via=None)

    def main_fields(self):
        return [self[n] for n in ("title", "category", "channel", "conference", "received_on")]

    def submitter_fields(self):
        return [
            self[n]
            for n in (
                "anonymous",
                "submitter_name",
                "submitter_id_number",
                "submitter_phone",
                "submitter_email",
            )
        ]

    def clean(self):
        cleaned = super().clean()
        self.resolve_typed_territory()
        return cleaned

    def to_data(self) -> PetitionData:
        data = _clean_text(self)
        keep = self.instance
        received = _received_at(data.get("received_on"))
        if keep is not None and data.get("received_on") == timezone.localdate(keep.received_at):
            received = keep.received_at
        return PetitionData(
            title=data["title"],
            content=data["content"],
            category=data["category"],
            channel=data["channel"],
            territory=data["territory"],
            address=data.get("address") or "",
            conference=data.get("conference"),
            anonymous=bool(data.get("anonymous")),
            submitter_name=data.get("submitter_name") or "",
            submitter_id_number=data.get("submitter_id_number")
            or (keep.submitter_id_number if keep else ""),
            submitter_phone=data.get("submitter_phone") or (keep.submitter_phone if keep else ""),
            submitter_email=data.get("submitter_email") or (keep.submitter_email if keep else ""),
            received_at=received,
        )


# --- the steps ----------------------------------------------------------------------------------


class StepForm(forms.Form):
    """A step that carries nothing but the version read (start, close, restore)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(StepForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(StepForm):
    """Assign or transfer: an agency of the petition's province and, optionally, an officer."""

    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Organisation.objects.none(), empty_label=_("— choose —")
    )
    officer = forms.ModelChoiceField(
        label=_("Officer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— the whole agency —"),
    )
    reason = forms.CharField(
        label=_("Reason for the transfer"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, agencies: QuerySet[Organisation], agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda o: o.name
        # Any officer of an offered agency passes here; the service checks that the officer
        # works at the agency chosen.
        chosen = agency
        if self.is_bound:
            chosen = agencies.filter(pk=_as_pk(self.data.get(self.add_prefix("agency")))).first()
        self.fields["officer"].queryset = User.objects.filter(
            is_active=True, organisation__in=agencies
        ).order_by("full_name", "pk")
        self.officer_choices = list(officers_of(chosen))
        self.fields["officer"].label_from_instance = lambda u: u.display_name
        self.fields["officer"].widget.choices = [
            ("", self.fields["officer"].empty_label),
            *[(u.pk, u.display_name) for u in self.officer_choices],
        ]


def _as_pk(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 9 else None


class AnswerForm(StepForm):
    answer = forms.CharField(
        label=_("Answer"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    public = forms.BooleanField(
        label=_("Publish the answer on the portal (without personal data)"),
        required=False,
        initial=True,
    )


class MergeForm(StepForm):
    into = forms.IntegerField(label=_("Suggested duplicate"), required=False, min_value=1)
    code = forms.CharField(
        label=_("Or the tracking code of the petition to keep"), max_length=20, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("into") and not (cleaned.get("code") or "").strip():
            raise forms.ValidationError(
                _("Choose a suggested petition or type the tracking code of the one to keep.")
            )
        return cleaned


class BulkAssignForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Organisation.objects.none(), empty_label=_("— choose —")
    )
    officer = forms.ModelChoiceField(
        label=_("Officer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— the whole agency —"),
    )

    def __init__(self, *args, agencies: QuerySet[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].error_messages["required"] = _("Tick the petitions to assign first.")
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda o: o.name
        self.fields["officer"].queryset = User.objects.filter(
            is_active=True, organisation__in=agencies
        )
        self.fields["officer"].label_from_instance = lambda u: u.display_name
        ids = self.data.getlist("ids") if self.is_bound and hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in ids if _as_pk(v) is not None]
