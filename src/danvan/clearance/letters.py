"""The thank-you letter (thư cảm ơn) a household receives for land it donated, as Word and PDF.

The letter is issued by the People's Committee or the Fatherland Front Committee of the
donation's unit, in the state style of Decree 30/2020. Like every official document it is
written in Vietnamese whatever language the officer reads the site in; its sentences still go
through the catalog.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from danvan.clearance.models import Donation
from danvan.clearance.services.donations import donation_thank
from danvan.core import attachments, scope
from danvan.core.documents import OfficialDocument, Paragraph, Signer, render_docx, render_pdf
from danvan.core.errors import DomainError
from danvan.core.models import Attachment, AttachmentKind
from danvan.core.search import normalize
from danvan.core.templatetags.vn import format_area, format_number
from danvan.organisations.models import Organisation

ISSUER_KINDS = ("peoples_committee", "fatherland_front")


@dataclass(frozen=True)
class LetterData:
    issuer_kind: str  # one of ISSUER_KINDS
    signer_name: str
    signer_position: str
    letter_date: date


# Kinds of unit a name may start with, longest first so "Thị xã" wins over "Xã".
DIVISION_WORDS = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)


def _place(territory) -> str:
    """ "Tam Kỳ" for "Phường Tam Kỳ": the date line names the place without its kind of unit."""
    name = territory.name
    kinds = [(territory.division_type or "").strip().lower(), *DIVISION_WORDS]
    for kind in filter(None, kinds):
        if name.lower().startswith(kind + " ") and len(name) > len(kind) + 1:
            return name[len(kind) + 1 :]
    return name


def _issuer_name(donation: Donation, issuer_kind: str) -> str:
    """The issuing body as recorded among the unit's organisations, else named after the unit."""
    organisation = (
        Organisation.objects.filter(
            territory=donation.territory, kind__code=issuer_kind, is_active=True
        )
        .order_by("id")
        .first()
    )
    if organisation is not None:
        return organisation.name
    unit = donation.territory.name
    if issuer_kind == "fatherland_front":
        return _("Vietnam Fatherland Front Committee of %(unit)s") % {"unit": unit}
    return _("People's Committee of %(unit)s") % {"unit": unit}


def build_letter(donation: Donation, data: LetterData) -> OfficialDocument:
    issuer = _issuer_name(donation, data.issuer_kind)
    values = {
        "issuer": issuer,
        "donor": donation.donor_name,
        "area": format_area(donation.area),
        "value": format_number(donation.value),
        "works": donation.works_name,
        "kind": donation.get_works_kind_display().lower(),
        "date": donation.donated_on.strftime("%d/%m/%Y"),
    }
    blocks = []
    if donation.address:
        blocks.append(
            Paragraph(_("Address: %(address)s") % {"address": donation.address}, italic=True)
        )
    blocks += [
        Paragraph(
            _(
                "On behalf of %(issuer)s, we sincerely thank %(donor)s, who on %(date)s "
                "voluntarily donated %(area)s of land, worth an estimated %(value)s đồng, to "
                "build the works “%(works)s” (%(kind)s)."
            )
            % values
        ),
        Paragraph(
            _(
                "Your family's generous act shows the spirit of solidarity and shared "
                "responsibility of our people. It helps the works to be built on time, to the "
                "benefit of the whole community, and sets a fine example for the movement “The "
                "State and the people work together” in the locality."
            )
        ),
    ]
    if donation.project_id:
        blocks.append(
            Paragraph(
                _("The land is part of the project “%(project)s” (code %(code)s).")
                % {"project": donation.project.name, "code": donation.project.code}
            )
        )
    blocks.append(
        Paragraph(
            _(
                "We respectfully wish your family good health, happiness and success, and hope "
                "you will keep taking part in the movements of the locality."
            )
        )
    )
    authority = (
        _("On behalf of the Standing Board")
        if data.issuer_kind == "fatherland_front"
        else _("On behalf of the People's Committee")
    )
    return OfficialDocument(
        style="state",
        parent_body="",
        issuer=issuer.upper(),
        # A letter carries no register number; the line stays for the clerk to fill in.
        number_label="",
        place=_place(donation.territory),
        issued_on=data.letter_date,
        doc_type=_("THANK-YOU LETTER"),
        summary=_("To: %(donor)s") % {"donor": donation.donor_name},
        blocks=blocks,
        signer=Signer(
            authority=authority.upper(),
            position=data.signer_position.upper(),
            name=data.signer_name,
        ),
        recipients=[_("As above;"), _("Filed.")],
    )


@transaction.atomic
def letter_issue(*, donation: Donation, data: LetterData, actor) -> list[Attachment]:
    """Write the letter, attach the DOCX and the PDF to the donation, and mark it thanked."""
    scope.require(actor, "clearance.change", donation.territory)
    if data.issuer_kind not in ISSUER_KINDS:
        raise DomainError(_("Choose who issues the letter."), code="issuer", field="issuer")
    if not (data.signer_name or "").strip() or not (data.signer_position or "").strip():
        raise DomainError(
            _("Enter who signs the letter and their position."),
            code="signer",
            field="signer_name",
        )
    # Checks the date and records it before any file is written.
    donation_thank(donation=donation, thanked_on=data.letter_date, actor=actor)
    donation.thanked_on = data.letter_date
    with translation.override("vi"):
        document = build_letter(donation, data)
        caption = _("Thank-you letter to %(donor)s") % {"donor": donation.donor_name}
    base = "thu-cam-on-" + (normalize(donation.donor_name).replace(" ", "-")[:60] or "ho-dan")
    files = [
        (f"{base}.docx", render_docx(document), AttachmentKind.DOCX, attachments.DOCX_MIME),
        (f"{base}.pdf", render_pdf(document), AttachmentKind.PDF, attachments.PDF_MIME),
    ]
    return [
        attachments.attachment_add_generated(
            owner=donation,
            filename=filename,
            content=content,
            kind=kind,
            mime_type=mime,
            actor=actor,
            caption=caption,
        )
        for filename, content, kind, mime in files
    ]
