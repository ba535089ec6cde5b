"""Reads of the document register, always within the reader's scope.

Documents of a unit are read by whoever holds `documents.view` over it; documents without a unit
(the Central Committee's resolutions, ministries' circulars) by anyone holding it anywhere.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404

from danvan.core import scope
from danvan.core.search import filter_by_search, filter_by_words
from danvan.documents.models import DocumentRelation, GuidanceDocument, Validity
from danvan.territories.models import Territory

VIEW = "documents.view"
MAX_QUERY = 200


def documents_visible(user, action: str = VIEW) -> QuerySet[GuidanceDocument]:
    """Every document `user` may read: those of the units in scope, and the unit-less ones."""
    rows = GuidanceDocument.objects.all()
    paths = scope.scope_paths(user, action)
    if paths is None:
        return rows
    if not paths:
        return rows.none()
    # The document's copy of its unit's path, not a list of a province's few hundred unit ids:
    # PostgreSQL guessed three times too many rows for such a list and, with a search, scanned
    # the table for the province's documents (which lie together) instead of using the index.
    condition = Q(territory__isnull=True)
    for path in paths:
        condition |= Q(unit_path__under=path)
    return rows.filter(condition)


@dataclass
class DocumentFilters:
    q: str = ""
    issuer_id: int | None = None
    issuer_name: str = ""
    doc_type_id: int | None = None
    year: int | None = None
    territory: Territory | None = None
    validity: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    # A unit asked for that the reader may not see: nothing matches (and nothing is said).
    matches_nothing: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.q.strip(), self.issuer_id, self.issuer_name.strip(), self.doc_type_id,
             self.year, self.territory, self.validity, self.issued_from, self.issued_to)
        )  # fmt: skip


FILTER_PARAMS = ("q", "issuer", "issuer_name", "type", "year", "territory", "validity")


def filters_from_params(user, params) -> DocumentFilters:
    """Filters from a query string (pages, exports); bad values are ignored, not errors."""
    from danvan.core.forms import as_id

    def get(name: str) -> str:
        return str(params.get(name) or "")[:MAX_QUERY]

    filters = DocumentFilters(q=get("q"), issuer_name=get("issuer_name"))
    filters.issuer_id = as_id(get("issuer"))
    filters.doc_type_id = as_id(get("type"))
    year = as_id(get("year"))
    filters.year = year if year is not None and 1900 <= year <= 2100 else None
    if get("validity") in Validity.values:
        filters.validity = get("validity")
    territory_id = as_id(get("territory"))
    if territory_id is not None:
        filters.territory = territory_in_scope(user, territory_id)
        filters.matches_nothing = filters.territory is None
    return filters


def territory_in_scope(user, territory_id: int) -> Territory | None:
    return (
        scope.filter(user, VIEW, Territory.objects.filter(pk=territory_id), via=None)
        .select_related("parent")
        .first()
    )


def filters_as_params(filters: DocumentFilters) -> dict:
    values = {
        "q": filters.q,
        "issuer": filters.issuer_id,
        "issuer_name": filters.issuer_name,
        "type": filters.doc_type_id,
        "year": filters.year,
        "territory": filters.territory.pk if filters.territory else None,
        "validity": filters.validity,
    }
    return {k: v for k, v in values.items() if v not in (None, "")}


def apply_filters(rows: QuerySet[GuidanceDocument], filters: DocumentFilters) -> QuerySet:
    if filters.matches_nothing:
        return rows.none()
    if filters.issuer_id is not None:
        rows = rows.filter(issuer_id=filters.issuer_id)
    if filters.issuer_name.strip():
        rows = filter_by_search(rows, filters.issuer_name[:MAX_QUERY], field="issuer_key")
    if filters.doc_type_id is not None:
        rows = rows.filter(doc_type_id=filters.doc_type_id)
    if filters.year is not None:
        rows = rows.filter(
            issued_on__gte=date(filters.year, 1, 1), issued_on__lte=date(filters.year, 12, 31)
        )
    if filters.issued_from is not None:
        rows = rows.filter(issued_on__gte=filters.issued_from)
    if filters.issued_to is not None:
        rows = rows.filter(issued_on__lte=filters.issued_to)
    if filters.territory is not None:
        rows = rows.filter(unit_path__under=filters.territory.path)
    if filters.validity:
        rows = rows.filter(validity=filters.validity)
    return filter_by_words(rows, filters.q[:MAX_QUERY])


def document_list_for_user(user, filters: DocumentFilters | None = None) -> QuerySet:
    """The register as `user` may read it, filtered, newest first, ready for a table."""
    rows = apply_filters(documents_visible(user), filters or DocumentFilters())
    return rows.select_related("doc_type", "territory").order_by("-issued_on", "-id")


def document_get_for_user(user, pk) -> GuidanceDocument:
    """One document `user` may read (else 404), with what its page shows preloaded."""
    try:
        return (
            documents_visible(user)
            .select_related("doc_type", "issuer", "territory__parent", "created_by")
            .get(pk=pk)
        )
    except (GuidanceDocument.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def relations_for_user(user, document: GuidanceDocument) -> tuple[list, list]:
    """(what this document implements/amends/replaces, what implements/amends/replaces it),
    only with documents `user` may read."""
    visible = documents_visible(user).select_related("doc_type")
    outgoing = (
        DocumentRelation.objects.filter(source=document, target__in=visible.values("pk"))
        .prefetch_related(Prefetch("target", queryset=visible))
        .order_by("kind", "target__issued_on", "pk")
    )
    incoming = (
        DocumentRelation.objects.filter(target=document, source__in=visible.values("pk"))
        .prefetch_related(Prefetch("source", queryset=visible))
        .order_by("kind", "-source__issued_on", "pk")
    )
    return list(outgoing), list(incoming)


def implementing_plans_for_user(user, document: GuidanceDocument) -> tuple[list, list]:
    """Plans and campaigns that implement the document, as far as `user` may see them."""
    plans = scope.filter(user, "plans.view", document.plans.all()).select_related(
        "organisation", "territory"
    )
    campaigns = scope.filter(user, "plans.view", document.campaigns.all()).select_related(
        "territory"
    )
    return list(plans.order_by("-year", "pk")[:100]), list(campaigns.order_by("-pk")[:100])


# --- counts by issuer and year ------------------------------------------------------------------


@dataclass
class IssuerRow:
    issuer_id: int | None
    issuer_name: str
    by_year: dict[int, int]
    total: int


@dataclass
class DocumentCounts:
    years: list[int]
    rows: list[IssuerRow]
    column_totals: dict[int, int]
    total: int
    other_issuers: int = 0  # issuers beyond the rows shown
    other_total: int = 0


def document_counts_for_user(
    user, filters: DocumentFilters | None = None, *, max_rows: int = 100
) -> DocumentCounts:
    """How many documents each issuer issued each year (the pivot of the counts page)."""
    rows = apply_filters(documents_visible(user), filters or DocumentFilters())
    cells = (
        rows.annotate(year=ExtractYear("issued_on"))
        .values("issuer_id", "issuer_key", "year")
        .annotate(n=Count("id"), name=Max("issuer_name"))
        .order_by()
    )
    issuers: dict[tuple, IssuerRow] = {}
    years: set[int] = set()
    column_totals: dict[int, int] = {}
    for cell in cells:
        key = (cell["issuer_id"], cell["issuer_key"])
        row = issuers.setdefault(key, IssuerRow(cell["issuer_id"], cell["name"], {}, 0))
        row.by_year[cell["year"]] = row.by_year.get(cell["year"], 0) + cell["n"]
        row.total += cell["n"]
        years.add(cell["year"])
        column_totals[cell["year"]] = column_totals.get(cell["year"], 0) + cell["n"]
    ordered = sorted(issuers.items(), key=lambda item: (-item[1].total, item[0][1]))
    shown, rest = ordered[:max_rows], ordered[max_rows:]
    return DocumentCounts(
        years=sorted(years),
        rows=[row for _key, row in shown],
        column_totals=column_totals,
        total=sum(column_totals.values()),
        other_issuers=len(rest),
        other_total=sum(row.total for _key, row in rest),
    )


def year_counts_for_user(user) -> dict[int, int]:
    rows = documents_visible(user).annotate(year=ExtractYear("issued_on"))
    return {r["year"]: r["n"] for r in rows.values("year").annotate(n=Count("id")).order_by("year")}
