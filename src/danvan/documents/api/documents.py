"""The document register over the API: the same selectors and services as the pages.

Outside the caller's scope a document is not found (404); inside it without the right to act,
403; a broken rule, 400 with a message; a stale `version`, 409.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Status

from danvan.audit.api import register_history
from danvan.audit.services import object_type_of
from danvan.core import scope
from danvan.core.api_utils import error_responses, paginated, unknown_choice
from danvan.core.errors import DomainError
from danvan.core.models import Attachment
from danvan.documents import selectors, services
from danvan.documents.forms import issuers_for
from danvan.documents.models import DocumentRelation, DocumentType
from danvan.documents.schemas import (
    CountsOut,
    DocumentFiltersIn,
    DocumentIn,
    DocumentListOut,
    DocumentOut,
    DocumentTypeOut,
    DocumentUpdateIn,
    RelationIn,
)

router = Router(tags=["documents"])
register_history("documents.guidancedocument", selectors.document_get_for_user)

VIEW, CHANGE = "documents.view", "documents.change"
WRITE_ERRORS = error_responses(400, 403, 404, 409, 422)
SENT_AS = {"issuer": "issuer_id", "doc_type": "doc_type_id", "target": "target_id"}


def _renamed(exc: DomainError) -> DomainError:
    if exc.field:
        exc.field = SENT_AS.get(exc.field, exc.field)
    return exc


def _require_anywhere(request, action: str) -> None:
    if not scope.can_anywhere(request.user, action):
        raise PermissionDenied(action)


def _filters(request, filters: DocumentFiltersIn) -> selectors.DocumentFilters:
    result = selectors.DocumentFilters(
        q=filters.q,
        issuer_id=filters.issuer_id,
        issuer_name=filters.issuer_name,
        doc_type_id=filters.doc_type_id,
        year=filters.year,
        validity=filters.validity or "",
    )
    if filters.territory_id is not None:
        result.territory = selectors.territory_in_scope(request.user, filters.territory_id)
        if result.territory is None:
            raise unknown_choice("territory_id", source="query")
    return result


def _relation_out(relation: DocumentRelation, other) -> dict:
    return {"id": relation.pk, "kind": relation.kind, "document": other}


def _detail(request, document_id: int) -> dict:
    user = request.user
    document = selectors.document_get_for_user(user, document_id)
    outgoing, incoming = selectors.relations_for_user(user, document)
    plans, campaigns = selectors.implementing_plans_for_user(user, document)
    files = Attachment.objects.filter(
        owner_type=object_type_of(document), owner_id=str(document.pk)
    ).order_by("created_at", "id")
    values = {f: getattr(document, f) for f in DocumentOut.model_fields if hasattr(document, f)}
    values.update(
        relations_out=[_relation_out(r, r.target) for r in outgoing],
        relations_in=[_relation_out(r, r.source) for r in incoming],
        attachments=[
            {
                "id": f.pk,
                "original_name": f.original_name,
                "kind": f.kind,
                "size": f.size,
                "text_extracted_at": f.text_extracted_at,
                "text_length": len(f.text),
            }
            for f in files
        ],
        plans=[{"id": p.pk, "title": p.title, "year": p.year} for p in plans],
        campaigns=[{"id": c.pk, "title": c.title} for c in campaigns],
    )
    return values


def _data(request, payload: DocumentIn) -> services.DocumentData:
    doc_type = DocumentType.objects.filter(pk=payload.doc_type_id).first()
    if doc_type is None:
        raise unknown_choice("doc_type_id")
    issuer = None
    if payload.issuer_id is not None:
        issuer = issuers_for(request.user).filter(pk=payload.issuer_id).first()
        if issuer is None:
            raise unknown_choice("issuer_id")
    return services.DocumentData(
        number_symbol=payload.number_symbol,
        doc_type=doc_type,
        issued_on=payload.issued_on,
        title=payload.title,
        issuer=issuer,
        issuer_name=payload.issuer_name,
        signer=payload.signer,
        summary=payload.summary,
        recipients=payload.recipients,
        validity=payload.validity,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
    )


@router.get("", response={200: list[DocumentListOut], **error_responses(403, 422)})
@paginated
def document_list(request, filters: Query[DocumentFiltersIn]):
    """The register within the caller's scope (and the central documents), newest first."""
    _require_anywhere(request, VIEW)
    return selectors.document_list_for_user(request.user, _filters(request, filters))


@router.get("/types", response={200: list[DocumentTypeOut], **error_responses(403)})
def type_list(request):
    """Document types and their symbols (NQ, CT, KH, HD…); administrators keep the list."""
    _require_anywhere(request, VIEW)
    return list(DocumentType.objects.all())


@router.get("/counts", response={200: CountsOut, **error_responses(403, 422)})
def document_counts(request, filters: Query[DocumentFiltersIn]):
    """How many documents each issuer issued each year (the 100 largest issuers, then the rest)."""
    _require_anywhere(request, VIEW)
    return selectors.document_counts_for_user(request.user, _filters(request, filters))


@router.get("/{int:document_id}", response={200: DocumentOut, **error_responses(404)})
def document_detail(request, document_id: int):
    """A document with its relations, files (and whether their text was read) and the plans
    and campaigns implementing it."""
    return _detail(request, document_id)


@router.post("", response={201: DocumentOut, **WRITE_ERRORS})
def document_create(request, payload: DocumentIn):
    """Register a document; the same issuer, year and number twice is refused."""
    _require_anywhere(request, CHANGE)
    try:
        document = services.document_register(data=_data(request, payload), actor=request.user)
    except DomainError as exc:
        raise _renamed(exc) from None
    return Status(201, _detail(request, document.pk))


@router.put("/{int:document_id}", response={200: DocumentOut, **WRITE_ERRORS})
def document_update(request, document_id: int, payload: DocumentUpdateIn):
    """Replace every field of a document."""
    document = selectors.document_get_for_user(request.user, document_id)
    scope.require(request.user, CHANGE, document.territory)
    try:
        services.document_update(
            document=document,
            data=_data(request, payload),
            actor=request.user,
            expected_version=payload.version,
        )
    except DomainError as exc:
        raise _renamed(exc) from None
    return _detail(request, document_id)


@router.delete("/{int:document_id}", response={204: None, **WRITE_ERRORS})
def document_delete(request, document_id: int, version: int | None = None):
    """Delete a document with its relations and files (not while plans implement it)."""
    document = selectors.document_get_for_user(request.user, document_id)
    services.document_delete(document=document, actor=request.user, expected_version=version)
    return Status(204, None)


@router.post("/{int:document_id}/relations", response={201: DocumentOut, **WRITE_ERRORS})
def relation_add(request, document_id: int, payload: RelationIn):
    """Record that this document implements, amends or replaces another."""
    document = selectors.document_get_for_user(request.user, document_id)
    scope.require(request.user, CHANGE, document.territory)
    try:
        target = selectors.document_get_for_user(request.user, payload.target_id)
    except Http404:
        raise unknown_choice("target_id") from None
    try:
        services.document_relate(
            source=document, target=target, kind=payload.kind, actor=request.user
        )
    except DomainError as exc:
        raise _renamed(exc) from None
    return Status(201, _detail(request, document_id))


@router.delete(
    "/{int:document_id}/relations/{int:relation_id}", response={200: DocumentOut, **WRITE_ERRORS}
)
def relation_delete(request, document_id: int, relation_id: int):
    """Remove a relation this document has to another."""
    document = selectors.document_get_for_user(request.user, document_id)
    relation = (
        DocumentRelation.objects.select_related("source__territory", "target")
        .filter(pk=relation_id, source=document)
        .first()
    )
    if relation is None:
        raise Http404
    services.document_unrelate(relation=relation, actor=request.user)
    return _detail(request, document_id)
