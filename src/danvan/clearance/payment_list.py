"""A project's payment list (danh sách chi trả) as an official document, in PDF or Word.

The issuer is the project's task force under the People's Committee of the project's unit (or
the committee itself when no task force is assigned); the body lists every payment, the total in
figures and in words, and the signature block names the task force's leader. The document is
written in Vietnamese whatever language the user reads the site in; its sentences still go
through the catalog.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danvan.clearance.exports import project_payments
from danvan.clearance.models import PaymentMethod, Project
from danvan.core.documents import (
    OfficialDocument,
    Paragraph,
    Signer,
    Table,
    render_docx,
    render_pdf,
)
from danvan.core.errors import DomainError
from danvan.core.templatetags.vn import format_date, format_number

PDF = "pdf"
DOCX = "docx"
FORMATS = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# A table of this many rows is already some 80 pages; longer lists go to the spreadsheet.
MAX_ROWS = 3000
# Administrative prefixes dropped from a unit's name in the place line ("Tam Kỳ, ngày …").
PLACE_PREFIXES = (
    "Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn ", "Thị xã ", "Quận ",
    "Huyện ",
)  # fmt: skip


# --- Amounts in words ---------------------------------------------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _three_digits(number: int, *, full: bool) -> str:
    """0-999 in words; `full` reads the hundreds even when zero ("không trăm linh năm"), as
    every group after the first one is read."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
        if units:
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, _DIGITS[units]))
    return " ".join(words)


def _below_billion(number: int, *, full: bool) -> list[str]:
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        group = number // scale % 1000
        if group:
            words.append(_three_digits(group, full=full or bool(words)))
            if name:
                words.append(name)
    return words


def amount_in_words(amount: int) -> str:
    """Whole đồng in Vietnamese words, as written under a total: 'Một tỷ hai trăm triệu đồng'."""
    if amount == 0:
        return "Không đồng"
    sign = "âm " if amount < 0 else ""
    amount = abs(amount)
    words: list[str] = []
    billions, rest = divmod(amount, 10**9)
    if billions:
        # Above a billion the count of billions is itself read in groups ("mười nghìn tỷ").
        words += [*_below_billion(billions, full=False), "tỷ"]
    if rest:
        words += _below_billion(rest, full=bool(billions))
    text = sign + " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


# --- The document -------------------------------------------------------------------------------


def _place(project: Project) -> str:
    name = project.territory.name
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@dataclass(frozen=True)
class PaymentTotals:
    payments: int
    households: int
    amount: int


def check_size(project: Project) -> None:
    if project_payments(project).count() > MAX_ROWS:
        raise DomainError(
            _(
                "This project has more than %(limit)s payments, too many for one document; "
                "download the spreadsheet instead."
            )
            % {"limit": format_number(MAX_ROWS)},
            code="too_many_rows",
        )


def build_payment_list(project: Project, *, issued_on: date | None = None) -> OfficialDocument:
    """The payment list of `project` as an official document (Vietnamese wording)."""
    payments = list(project_payments(project)[:MAX_ROWS])
    rows = []
    total = 0
    for number, payment in enumerate(payments, start=1):
        total += payment.amount
        rows.append(
            [
                str(number),
                payment.household.code,
                payment.household.head_name,
                payment.voucher_number,
                format_date(payment.paid_on),
                str(PaymentMethod(payment.method).label),
                format_number(payment.amount),
            ]
        )
    totals = PaymentTotals(len(payments), len({p.household_id for p in payments}), total)
    rows.append(["", "", _("Total"), "", "", "", format_number(total)])
    # "ỦY BAN NHÂN DÂN" above the unit's name, as the committee's header is usually set.
    committee = _("PEOPLE'S COMMITTEE OF %(unit)s") % {
        "unit": "\n" + project.territory.name.upper()
    }
    committee = re.sub(r"\s*\n\s*", "\n", committee)
    task_force = project.task_force
    leader = task_force.leader if task_force is not None else None
    decisions = "; ".join(
        _("%(number)s of %(date)s") % {"number": d.number, "date": format_date(d.signed_on)}
        for d in project.decisions.all()
    )
    blocks: list = [
        Paragraph(
            _("Project code: %(code)s. Unit in charge: %(unit)s.")
            % {"code": project.code, "unit": project.territory.name}
        ),
    ]
    if project.investor:
        blocks.append(Paragraph(_("Investor: %(investor)s.") % {"investor": project.investor}))
    if decisions:
        blocks.append(
            Paragraph(_("Land recovery decisions: %(decisions)s.") % {"decisions": decisions})
        )
    blocks += [
        Table(
            columns=[
                _("No."),
                _("Household code"),
                _("Head of household"),
                _("Voucher no."),
                _("Payment date"),
                _("Method"),
                _("Amount (VND)"),
            ],
            rows=rows,
            widths=[9, 15, 30, 17, 22, 21, 28],
            align=["center", "left", "left", "left", "center", "left", "right"],
        ),
        Paragraph(
            _(
                "Total paid: %(amount)s đồng (in words: %(words)s) in %(payments)s payments to "
                "%(households)s households."
            )
            % {
                "amount": format_number(totals.amount),
                "words": amount_in_words(totals.amount),
                "payments": totals.payments,
                "households": totals.households,
            }
        ),
    ]
    if task_force is not None:
        parent_body, issuer = committee, task_force.name.upper()
        signer = Signer(
            authority=_("FOR THE TASK FORCE") if leader else "",
            position=_("TEAM LEADER") if leader else "",
            name=leader.full_name if leader else "",
        )
    else:
        parent_body, issuer = "", committee
        signer = Signer(
            authority=_("FOR THE PEOPLE'S COMMITTEE"), position=_("CHAIRPERSON"), name=""
        )
    return OfficialDocument(
        style="state",
        parent_body=parent_body,
        issuer=issuer,
        # Numbered by hand when signed: an export must not use up a number of the register.
        number_label="Số:        /DS",
        place=_place(project),
        issued_on=issued_on or timezone.localdate(),
        doc_type=_("LIST OF PAYMENTS OF COMPENSATION, SUPPORT AND RESETTLEMENT"),
        summary=_("Project %(name)s") % {"name": project.name},
        blocks=blocks,
        signer=signer,
        recipients=[_("The investor;"), _("The State Treasury;"), _("Filed.")],
    )


def render_payment_list(project: Project, fmt: str, *, issued_on: date | None = None) -> bytes:
    """The payment list as PDF or DOCX bytes, in Vietnamese."""
    if fmt not in FORMATS:
        raise DomainError(_("Choose PDF, Word or Excel."), code="format")
    check_size(project)
    with translation.override("vi"):
        document = build_payment_list(project, issued_on=issued_on)
    return render_pdf(document) if fmt == PDF else render_docx(document)


def filename(project: Project, fmt: str) -> str:
    code = re.sub(r"[^0-9A-Za-z.-]+", "-", project.code).strip("-.") or str(project.pk)
    return f"danh-sach-chi-tra-{code}.{fmt}"
