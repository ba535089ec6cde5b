"""Forms of the public portal: shape and format; the abuse checks live in services.portal.

The commune list depends on the province: with JavaScript htmx swaps the options in when the
province changes; without it the "Show communes" button reloads the form with them.
"""

import re

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import as_id
from danvan.dialogues.models import Category, Satisfaction
from danvan.dialogues.services import petitions
from danvan.dialogues.services import portal as portal_svc
from danvan.territories.models import Era, Level, Territory

# The field no person sees or fills; a bot that fills every field gives itself away.
HONEYPOT = "website"


def current_provinces() -> QuerySet[Territory]:
    return Territory.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("name")


def province_by_code(code) -> Territory | None:
    value = as_id(code)
    return current_provinces().filter(code=value).first() if value else None


def communes_of(province: Territory | None) -> QuerySet[Territory]:
    if province is None:
        return Territory.objects.none()
    return Territory.objects.filter(
        era=Era.CURRENT, level=Level.COMMUNE, path__startswith=province.path
    ).order_by("name")


def commune_by_code(province: Territory | None, code) -> Territory | None:
    value = as_id(code)
    return communes_of(province).filter(code=value).first() if value else None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the portal's service checks count, size and type."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def _text(label, *, max_length: int, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={"max_length": _("Enter at most %(limit_value)s characters.")},
        **kwargs,
    )


class PetitionPortalForm(forms.Form):
    title = _text(
        _("Summary"),
        max_length=petitions.TITLE_MAX,
        help_text=_("In one line: what is the matter? For example: “Street lights broken”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    content = _text(
        _("Your petition"),
        max_length=petitions.CONTENT_MAX,
        help_text=_("What happened, where, since when, and what you propose."),
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    category = forms.ChoiceField(
        label=_("Field"),
        choices=[("", _("Choose the field")), *Category.choices],
        error_messages={"required": _("Choose the field of the petition.")},
    )
    province = forms.CharField(label=_("Province or city"), required=False)
    commune = forms.CharField(label=_("Commune or ward"), required=False)
    address = _text(
        _("Address or place concerned"),
        max_length=300,
        required=False,
        help_text=_("Hamlet, street, house number… where the matter is."),
    )
    anonymous = forms.BooleanField(
        label=_("Send anonymously (without name or contact)"),
        required=False,
        help_text=_("You can still follow the petition with its code, but nobody can call you."),
    )
    submitter_name = _text(
        _("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    submitter_phone = _text(
        _("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    submitter_email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter a valid e-mail address.")},
    )
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_(
            "Up to %(count)s photos or PDF files, at most %(each)s MB each and %(total)s MB "
            "together."
        )
        % {
            "count": portal_svc.MAX_FILES,
            "each": portal_svc.MAX_FILE_BYTES // portal_svc.MB,
            "total": portal_svc.MAX_TOTAL_BYTES // portal_svc.MB,
        },
        widget=MultipleFileInput(attrs={"accept": portal_svc.FILE_ACCEPT}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the information in this petition, including my name and contact "
            "details, is used only to receive, handle and answer it."
        ),
        required=False,
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        self.province_obj = province_by_code(source.get("province"))

    @property
    def is_honeypot_filled(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())

    def communes(self) -> QuerySet[Territory]:
        return communes_of(self.province_obj)

    def clean_province(self):
        value = self.cleaned_data.get("province")
        if not value:
            raise forms.ValidationError(_("Choose the province or city."))
        if self.province_obj is None:
            raise forms.ValidationError(_("Choose a province from the list."))
        return self.province_obj

    def clean_commune(self):
        if self.province_obj is None:
            return None
        commune = commune_by_code(self.province_obj, self.cleaned_data.get("commune"))
        if commune is None:
            raise forms.ValidationError(_("Choose the commune or ward the petition is about."))
        return commune

    def clean(self):
        cleaned = super().clean()
        problems = portal_svc.content_problems(
            title=cleaned.get("title") or "", content=cleaned.get("content") or ""
        )
        for field, message in problems.items():
            if field in cleaned:
                self.add_error(field, message)
        if not cleaned.get("anonymous"):
            if not (cleaned.get("submitter_name") or "").strip():
                self.add_error("submitter_name", _("Enter your name, or send anonymously."))
            phone = (cleaned.get("submitter_phone") or "").strip()
            if (
                not phone
                and not cleaned.get("submitter_email")
                and "submitter_email" not in self.errors
            ):
                self.add_error(
                    "submitter_phone",
                    _(
                        "Leave a phone number or an e-mail address, "
                        "or send the petition anonymously."
                    ),
                )
            elif phone and not petitions._PHONE.match(re.sub(r"[\s.\-()]", "", phone)):
                self.add_error("submitter_phone", _("Enter a phone number of 9 to 12 digits."))
        if not cleaned.get("consent"):
            self.add_error(
                "consent",
                _("Please agree to the use of your information for handling the petition."),
            )
        for message in portal_svc.file_problems(cleaned.get("attachments") or []):
            self.add_error("attachments", message)
        return cleaned

    def petition_data(self) -> petitions.PetitionData:
        cleaned = self.cleaned_data
        return petitions.PetitionData(
            title=cleaned["title"],
            content=cleaned["content"],
            category=cleaned["category"],
            channel="portal",
            territory=cleaned["commune"],
            address=cleaned.get("address") or "",
            anonymous=bool(cleaned.get("anonymous")),
            submitter_name=cleaned.get("submitter_name") or "",
            submitter_phone=cleaned.get("submitter_phone") or "",
            submitter_email=cleaned.get("submitter_email") or "",
        )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        help_text=_("The 12 letters and digits on your receipt, e.g. KN4X-7Q2M-9D0A."),
        error_messages={"required": _("Enter the tracking code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class FeedbackForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    satisfaction = forms.ChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are with the answer.")},
    )
    note = _text(
        _("Comment"),
        max_length=2000,
        required=False,
        help_text=_("If you are not satisfied, say what is missing; the petition is reopened."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
