"""The recognition decision a council's round ends with, as Word and PDF files.

An official decision is always written in Vietnamese, whatever language the person closing the
round reads the site in; its sentences still go through the catalog like every other string.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from danvan.core import attachments
from danvan.core.documents import (
    Heading,
    OfficialDocument,
    Paragraph,
    Signer,
    Table,
    next_document_number,
    number_label,
    render_docx,
    render_pdf,
)
from danvan.core.documents.issuers import issuer_symbol, parent_body, style_of
from danvan.core.models import AttachmentKind
from danvan.core.search import normalize
from danvan.core.templatetags.vn import format_number
from danvan.initiatives.models import Entry, ReviewRound
from danvan.organisations.models import Organisation

DECISION_TYPE = "QĐ"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def next_decision_number(issuer: Organisation, year: int) -> str:
    """The issuer's next decision number of the year, written in its style ("7-QĐ/BTGDVTU")."""
    number = next_document_number(issuer=issuer, doc_type=DECISION_TYPE, period=str(year))
    # Party bodies number their documents "15-QĐ/BTGDVTU"; state bodies "Số: 12/QĐ-UBND".
    label = number_label(style_of(issuer), number, DECISION_TYPE, issuer_symbol(issuer))
    return label.removeprefix("Số:").removeprefix("Số").strip()


def _number_line(style: str, decision_number: str) -> str:
    return f"Số {decision_number}" if style == "party" else f"Số: {decision_number}"


def build_decision(review_round: ReviewRound, recognised: list[Entry]) -> OfficialDocument:
    council = review_round.council
    issuer = council.issuer
    level = council.get_level_display().lower()
    style = style_of(issuer)
    rows = []
    for position, entry in enumerate(recognised, start=1):
        initiative = entry.initiative
        holder = (
            f"{initiative.person_name}, {initiative.organisation.name}"
            if initiative.person_name
            else initiative.organisation.name
        )
        rows.append(
            [
                str(position),
                initiative.name,
                holder,
                initiative.territory.name,
                initiative.field.name,
                format_number(entry.average, 2) if entry.average is not None else "",
            ]
        )
    title = _("recognising the “Skilled Mass Mobilisation” models at %(level)s in %(year)s") % {
        "level": level,
        "year": council.year,
    }
    return OfficialDocument(
        style=style,
        parent_body=parent_body(issuer),
        issuer=issuer.name.upper(),
        number_label=_number_line(style, review_round.decision_number),
        place=council.territory.name,
        issued_on=review_round.decision_date,
        doc_type=_("DECISION"),
        summary=_("On %(title)s") % {"title": title},
        blocks=[
            Paragraph(
                _(
                    "Pursuant to the plan launching the “Skilled Mass Mobilisation” emulation "
                    "movement of %(year)s;"
                )
                % {"year": council.year},
                italic=True,
            ),
            Paragraph(
                _("Considering the proposal of %(council)s after the review round “%(round)s”,")
                % {"council": council.name, "round": review_round.name},
                italic=True,
            ),
            Heading(_("DECIDES:")),
            Paragraph(
                _(
                    "Article 1. To recognise %(count)s models and exemplars of “Skilled Mass "
                    "Mobilisation” at %(level)s in %(year)s (list attached)."
                )
                % {"count": len(recognised), "level": level, "year": council.year}
            ),
            Paragraph(
                _(
                    "Article 2. The collectives and individuals whose models are recognised "
                    "shall keep them working and help replicate them."
                )
            ),
            Paragraph(
                _(
                    "Article 3. This decision takes effect from the date of signing. The bodies "
                    "and persons concerned are responsible for implementing it."
                )
            ),
            Heading(_("LIST OF RECOGNISED MODELS")),
            Table(
                columns=[
                    _("No."),
                    _("Model"),
                    _("Collective / individual"),
                    _("Unit"),
                    _("Field"),
                    _("Score"),
                ],
                rows=rows,
                widths=[10, 50, 44, 28, 26, 14],
                align=["center", "left", "left", "left", "left", "right"],
            ),
        ],
        signer=Signer(
            authority="",
            position=review_round.signer_position.upper(),
            name=review_round.signer_name,
        ),
        recipients=[
            _("As in Article 3;"),
            _("Members of the council;"),
            _("Filed."),
        ],
    )


def attach_decision(*, review_round: ReviewRound, recognised: list[Entry], actor) -> None:
    """Render the decision, keep it on the round, and give each recognised model a copy."""
    with translation.override("vi"):
        document = build_decision(review_round, recognised)
        caption = _("Decision %(number)s") % {"number": review_round.decision_number}
    base = "quyet-dinh-" + normalize(review_round.decision_number).replace(" ", "-")
    files = [
        (f"{base}.docx", render_docx(document), AttachmentKind.DOCX, DOCX_MIME),
        (f"{base}.pdf", render_pdf(document), AttachmentKind.PDF, "application/pdf"),
    ]
    for entry in [None, *recognised]:
        owner = review_round if entry is None else entry.initiative
        for filename, content, kind, mime in files:
            attachments.attachment_add_generated(
                owner=owner,
                filename=filename,
                content=content,
                kind=kind,
                mime_type=mime,
                actor=actor,
                caption=caption,
                # The decision is published: a recognised model's public page offers it.
                is_public=entry is not None,
            )
