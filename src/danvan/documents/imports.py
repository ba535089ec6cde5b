"""Importing a document register (sổ văn bản) from a spreadsheet, through the shared pipeline.

A document is identified by its issuer, year and number+symbol (accents, case and spacing
ignored): a row naming a document already in the register is left as it is, so importing the
same file twice adds nothing. The issuer is an organisation of the importer's scope, by name or
short name; with a nationwide role an unknown name is taken as a body outside the register
("Ban Chấp hành Trung ương"), whose documents have no unit. Each new document goes through the
same service as the form, with its audit record.
"""

from collections.abc import Hashable, Iterable
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core import scope
from danvan.core.imports import parsers
from danvan.core.imports.parsers import ParseError
from danvan.core.imports.schema import Column, CommitCounts, ImportSchema, ParsedRow, RowErrors
from danvan.core.search import normalize
from danvan.documents import services
from danvan.documents.models import DocumentType, GuidanceDocument, Validity
from danvan.organisations.models import Organisation

VALIDITY_WORDS = {
    "con hieu luc": Validity.IN_FORCE.value, "hieu luc": Validity.IN_FORCE.value,
    "in force": Validity.IN_FORCE.value, "het hieu luc": Validity.EXPIRED.value,
    "expired": Validity.EXPIRED.value, "bi thay the": Validity.REPLACED.value,
    "da bi thay the": Validity.REPLACED.value, "thay the": Validity.REPLACED.value,
    "replaced": Validity.REPLACED.value,
}  # fmt: skip


def long_text(value: Any) -> str:
    if not isinstance(value, str):
        return parsers.text(value)
    return "\n".join(parsers.text(line) for line in value.splitlines()).strip()


def parse_validity(value: Any) -> str:
    found = VALIDITY_WORDS.get(normalize(parsers.text(value)))
    if found is None:
        raise ParseError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": value, "allowed": "Còn hiệu lực, Hết hiệu lực, Bị thay thế"}
        )
    return found


COLUMNS = [
    Column("number_symbol", gettext_lazy("Number and symbol"), parsers.text_max(60), required=True,
           aliases=("Số ký hiệu", "Số, ký hiệu", "Số/ký hiệu", "Số hiệu", "Số văn bản", "Ký hiệu"),
           example="12-HD/BTGDVTU"),
    Column("doc_type", gettext_lazy("Type"), "parse_type", required=True,
           aliases=("Loại văn bản", "Loại", "Hình thức văn bản", "Type"), example="Hướng dẫn",
           display=lambda t: t.name_vi),
    Column("issuer", gettext_lazy("Issued by"), parsers.text_max(255), required=True,
           aliases=("Cơ quan ban hành", "Đơn vị ban hành", "Nơi ban hành", "Cơ quan", "Issuer"),
           example="Ban Tuyên giáo và Dân vận Tỉnh ủy Quảng Ninh"),
    Column("issued_on", gettext_lazy("Date issued"), parsers.date_value, required=True,
           aliases=("Ngày ban hành", "Ngày ký", "Ngày", "Ngày văn bản", "Date"),
           example="15/03/2024"),
    Column("signer", gettext_lazy("Signed by"), parsers.text_max(150),
           aliases=("Người ký", "Người ký duyệt", "Signer"), example="Nguyễn Văn A"),
    Column("title", gettext_lazy("Title"), parsers.text_max(500), required=True,
           aliases=("Trích yếu", "Trích yếu nội dung", "Tên văn bản", "Tiêu đề", "Title"),
           example="Hướng dẫn triển khai phong trào thi đua “Dân vận khéo” năm 2024"),
    Column("summary", gettext_lazy("Summary"), long_text,
           aliases=("Tóm tắt", "Nội dung tóm tắt", "Nội dung", "Summary"), example=""),
    Column("recipients", gettext_lazy("Recipients"), long_text,
           aliases=("Nơi nhận", "Gửi", "Recipients"), example="Các đảng ủy trực thuộc"),
    Column("validity", gettext_lazy("Validity"), parse_validity,
           aliases=("Hiệu lực", "Tình trạng hiệu lực", "Trạng thái", "Validity"),
           example="Còn hiệu lực", display=lambda v: str(Validity(v).label)),
]  # fmt: skip


class DocumentImport(ImportSchema):
    key = "documents"
    label = gettext_lazy("Register of guidance documents")
    action = "documents.change"
    columns = COLUMNS
    template_filename = "mau-nhap-so-van-ban.xlsx"
    help_text = gettext_lazy(
        "A document is identified by its issuer, year and number and symbol: a row naming a "
        "document already in the register is left unchanged, so the same file can be imported "
        "again. The issuer is an organisation of your scope, by its full or short name; with a "
        "nationwide role, any other name is taken as a central body. The type is its symbol "
        "(NQ, CT, KH, HD…) or its name. Dates are dd/mm/yyyy."
    )

    def __init__(self, actor, *args, **kwargs) -> None:
        super().__init__(actor, *args, **kwargs)
        self.types: dict[str, DocumentType] = {}
        for doc_type in DocumentType.objects.filter(is_active=True):
            for label in (doc_type.code, doc_type.name_vi, doc_type.name_en):
                self.types.setdefault(normalize(label), doc_type)
        self.nationwide = scope.scope_paths(actor, self.action) is None
        self._issuers: dict[str, list[int]] | None = None

    def parse_type(self, value: Any) -> DocumentType:
        found = self.types.get(normalize(parsers.text(value)))
        if found is None:
            codes = ", ".join(sorted({t.code for t in self.types.values()}))
            raise ParseError(
                _("Unknown type “%(value)s” (one of: %(codes)s).")
                % {"value": value, "codes": codes}
            )
        return found

    def _issuer_index(self) -> dict[str, list[int]]:
        if self._issuers is None:
            index: dict[str, list[int]] = {}
            rows = scope.filter(self.actor, self.action, Organisation.objects.all()).values_list(
                "id", "name", "short_name"
            )
            for pk, name, short_name in rows:
                index.setdefault(normalize(name), []).append(pk)
                if short_name:
                    index.setdefault(normalize(short_name), []).append(pk)
            self._issuers = index
        return self._issuers

    def validate_row(self, row: ParsedRow, errors: RowErrors) -> None:
        values = row.values
        issued_on: date = values["issued_on"]
        if not date(services.FIRST_YEAR, 1, 1) <= issued_on <= timezone.localdate():
            errors.add(
                "issued_on",
                _("The date of issue must be between %(first)s and today.")
                % {"first": services.FIRST_YEAR},
            )
        number_symbol = services.clean_number_symbol(values["number_symbol"])
        if not number_symbol:
            errors.add("number_symbol", _("Enter the number and symbol, e.g. 25-NQ/TW."))
        found = self._issuer_index().get(normalize(values["issuer"]), [])
        issuer_id = None
        if len(set(found)) == 1:
            issuer_id = found[0]
        elif found:
            errors.add(
                "issuer",
                _("Several organisations in your scope have this name; write the full name."),
            )
        elif not self.nationwide:
            errors.add("issuer", _("No organisation with this name in your scope."))
        if errors:
            return
        values["_issuer_id"] = issuer_id
        values["_key"] = services.natural_key_of(
            issuer_id=issuer_id,
            issuer_name=values["issuer"],
            year=issued_on.year,
            number_symbol=number_symbol,
        )

    def natural_key(self, row: ParsedRow) -> Hashable | None:
        return row.values.get("_key")

    def describe_key(self, row: ParsedRow) -> str:
        return f"{row.values['number_symbol']} · {row.values['issuer']}"

    def commit(self, rows: Iterable[ParsedRow], *, batch) -> CommitCounts:
        counts = CommitCounts()
        issuers: dict[int, Organisation] = {}
        for row in rows:
            values = row.values
            if GuidanceDocument.objects.filter(natural_key=values["_key"]).exists():
                counts.unchanged += 1
                continue
            issuer = None
            if values["_issuer_id"] is not None:
                issuer = issuers.get(values["_issuer_id"])
                if issuer is None:
                    issuer = Organisation.objects.select_related("territory").get(
                        pk=values["_issuer_id"]
                    )
                    issuers[issuer.pk] = issuer
            services.document_register(
                data=services.DocumentData(
                    number_symbol=values["number_symbol"],
                    doc_type=values["doc_type"],
                    issued_on=values["issued_on"],
                    title=values["title"],
                    issuer=issuer,
                    issuer_name="" if issuer is not None else values["issuer"],
                    signer=values["signer"] or "",
                    summary=values["summary"] or "",
                    recipients=values["recipients"] or "",
                    validity=values["validity"] or Validity.IN_FORCE.value,
                ),
                actor=self.actor,
            )
            counts.created += 1
        return counts
