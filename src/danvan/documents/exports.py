"""The register as a spreadsheet, through core's exports (large ones run as a background job)."""

from django.utils.translation import gettext as _

from danvan.core.exports import ExportColumn, ExportSpec, register_export
from danvan.documents import selectors

KEY = "documents.list"


def export_params(request) -> dict:
    return {key: request.GET.get(key, "")[:200] for key in selectors.FILTER_PARAMS}


def document_export(user, params: dict) -> ExportSpec:
    """The filtered register, as the list page shows it, one document a row."""
    filters = selectors.filters_from_params(user, params)
    rows = selectors.document_list_for_user(user, filters)
    columns = [
        ExportColumn(_("Number and symbol"), lambda d: d.number_symbol, width=18),
        ExportColumn(_("Type"), lambda d: d.doc_type.name_vi, width=14),
        ExportColumn(_("Date issued"), lambda d: d.issued_on, kind="date", width=12),
        ExportColumn(_("Issued by"), lambda d: d.issuer_name, width=36),
        ExportColumn(_("Signed by"), lambda d: d.signer, width=22),
        ExportColumn(_("Title"), lambda d: d.title, width=60),
        ExportColumn(_("Unit"), lambda d: d.territory.name if d.territory else "", width=24),
        ExportColumn(_("Validity"), lambda d: d.get_validity_display(), width=14),
        ExportColumn(_("Recipients"), lambda d: d.recipients, width=30),
    ]
    described = [f"{key}={value}" for key, value in selectors.filters_as_params(filters).items()]
    return ExportSpec(
        filename=_("Document register") + ".xlsx",
        title=_("Register of guidance documents"),
        columns=columns,
        queryset_or_rows=rows.defer("search_text", "summary"),
        count=rows.count(),
        filters_line=", ".join(described),
        sheet_title=_("Documents"),
    )


register_export(KEY, document_export)
