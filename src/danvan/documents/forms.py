"""Forms of the document register: shape and format only; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.core import scope
from danvan.core.forms import as_id
from danvan.core.search import filter_by_search
from danvan.documents.models import DocumentType, GuidanceDocument, RelationKind, Validity
from danvan.documents.services import DocumentData
from danvan.organisations.models import Organisation

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
ISSUERS_SHOWN = 20


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        **kwargs,
    )


def issuers_for(user):
    """Organisations `user` may register documents for."""
    return scope.filter(user, "documents.change", Organisation.objects.filter(is_active=True))


def issuer_options(user, query: str):
    rows = issuers_for(user)
    if not query.strip():
        return rows.none()
    return (
        filter_by_search(rows, query[:200])
        .select_related("territory")
        .order_by("search_name", "pk")[:ISSUERS_SHOWN]
    )


class DocumentForm(forms.Form):
    number_symbol = forms.CharField(
        label=_("Number and symbol"),
        max_length=60,
        help_text=_("As printed on the document, e.g. 25-NQ/TW or 12-HD/BTGDVTU."),
    )
    doc_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.filter(is_active=True), empty_label="—"
    )
    issued_on = date_field(_("Date issued"))
    issuer = forms.IntegerField(label=_("Issuing organisation"), required=False, min_value=1)
    issuer_name = forms.CharField(
        label=_("Issued by (as printed)"),
        max_length=255,
        required=False,
        help_text=_(
            "Filled from the organisation when left empty; for a body outside the register "
            "(e.g. Ban Chấp hành Trung ương) type its name and leave the organisation empty."
        ),
    )
    title = forms.CharField(
        label=_("Title (trích yếu)"), max_length=500, widget=forms.TextInput(attrs={"size": 80})
    )
    signer = forms.CharField(label=_("Signed by"), max_length=150, required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recipients = forms.CharField(
        label=_("Recipients"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    validity = forms.ChoiceField(label=_("Validity"), choices=Validity.choices)
    valid_from = date_field(_("In force from"), required=False)
    valid_until = date_field(_("In force until"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance: GuidanceDocument | None = None, **kwargs) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "number_symbol": instance.number_symbol,
                "doc_type": instance.doc_type_id,
                "issued_on": instance.issued_on,
                "issuer": instance.issuer_id,
                "issuer_name": instance.issuer_name,
                "title": instance.title,
                "signer": instance.signer,
                "summary": instance.summary,
                "recipients": instance.recipients,
                "validity": instance.validity,
                "valid_from": instance.valid_from,
                "valid_until": instance.valid_until,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        if instance is not None:
            # A type retired since stays selectable on the documents that already use it.
            self.fields["doc_type"].queryset = DocumentType.objects.filter(
                is_active=True
            ) | DocumentType.objects.filter(pk=instance.doc_type_id)

    def chosen_issuer(self) -> Organisation | None:
        value = self.data.get("issuer") if self.is_bound else self.initial.get("issuer")
        if as_id(value) is None:
            return None
        return issuers_for(self.user).filter(pk=value).select_related("territory").first()

    def clean_issuer(self):
        value = self.cleaned_data.get("issuer")
        if value is None:
            return None
        issuer = issuers_for(self.user).filter(pk=value).select_related("territory").first()
        if issuer is None:
            raise forms.ValidationError(_("Pick an organisation from the list."))
        return issuer

    def to_data(self) -> DocumentData:
        values = self.cleaned_data
        return DocumentData(
            number_symbol=values["number_symbol"],
            doc_type=values["doc_type"],
            issued_on=values["issued_on"],
            title=values["title"],
            issuer=values.get("issuer"),
            issuer_name=values.get("issuer_name") or "",
            signer=values.get("signer") or "",
            summary=values.get("summary") or "",
            recipients=values.get("recipients") or "",
            validity=values["validity"],
            valid_from=values.get("valid_from"),
            valid_until=values.get("valid_until"),
        )


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("This document"), choices=RelationKind.choices)
    target = forms.IntegerField(
        label=_("Related document"),
        min_value=1,
        max_value=2**31 - 1,
        error_messages={"required": _("Pick a document from the list.")},
    )
