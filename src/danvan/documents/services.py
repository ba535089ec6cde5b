"""Writes to the document register: register, edit, delete, relate documents, index their text.

A document is filed under the unit of the organisation that issued it. A document of a body
outside the register (the Party Central Committee, a ministry) has no unit: only a nationwide
grant may register or change it, and everyone who reads documents anywhere reads it.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.core import attachments, scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.models import Attachment
from danvan.core.search import nfc, normalize, search_key
from danvan.documents.models import (
    DocumentRelation,
    DocumentType,
    GuidanceDocument,
    RelationKind,
    Validity,
)
from danvan.territories.models import Territory

VIEW, CHANGE = "documents.view", "documents.change"
FIRST_YEAR = 1930  # the Party's founding year: nothing in the register is older
# PostgreSQL refuses a tsvector above 1 MB; normalised text of this length stays far below it
# (each distinct word is stored once), and the first 300.000 characters are plenty to search.
SEARCH_TEXT_MAX = 300_000
EDITABLE = (
    "number_symbol", "doc_type", "issuer", "issuer_name", "issued_on", "signer", "title",
    "summary", "recipients", "validity", "valid_from", "valid_until",
)  # fmt: skip
AUDIT_NOISE = (
    "search_text", "version", "updated_at", "natural_key", "issuer_key", "unit_path", "created_at",
)  # fmt: skip

_SEPARATORS = re.compile(r"\s*([-/])\s*")
_NUMBER_PREFIX = re.compile(r"^(?:s[oố]\s*:?\s*)", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^(\d{1,9})")


@dataclass
class DocumentData:
    number_symbol: str
    doc_type: DocumentType | None
    issued_on: date | None
    title: str
    issuer: object = None  # an Organisation, or None for a body outside the register
    issuer_name: str = ""
    signer: str = ""
    summary: str = ""
    recipients: str = ""
    validity: str = Validity.IN_FORCE
    valid_from: date | None = None
    valid_until: date | None = None


# --- pure helpers ---------------------------------------------------------------------------------


def clean_number_symbol(value: str) -> str:
    """'Số: 25 - NQ/TW' -> '25-NQ/TW': the form printed under the issuer's name."""
    text = _NUMBER_PREFIX.sub("", nfc(value or "").strip())
    return _SEPARATORS.sub(r"\1", " ".join(text.split()))


def parse_number(number_symbol: str) -> int | None:
    """The running number in front of the symbol ('25-NQ/TW' -> 25); None when there is none."""
    found = _LEADING_NUMBER.match(clean_number_symbol(number_symbol))
    return int(found.group(1)) if found else None


def issuer_key_of(issuer_name: str) -> str:
    return normalize(issuer_name)[:255]


def natural_key_of(
    *, issuer_id: int | None, issuer_name: str, year: int, number_symbol: str
) -> str:
    """Issuer, year and number+symbol, accents, case and spacing ignored: the same document
    registered twice (by hand or by import) has the same key."""
    issuer = f"o{issuer_id}" if issuer_id else "n:" + issuer_key_of(issuer_name)
    return f"{issuer}|{year}|{normalize(number_symbol).replace(' ', '')}"[:400]


def unit_path_of(territory) -> str:
    """What `GuidanceDocument.unit_path` holds for a document filed under `territory`."""
    return territory.scope_path if territory is not None else ""


def build_search_text(document: GuidanceDocument, file_texts: list[str] | None = None) -> str:
    """What the register's full-text search reads: number, title, summary, issuer, signer and
    the words of the attached files."""
    text = search_key(
        document.number_symbol,
        document.title,
        document.summary,
        document.issuer_name,
        document.signer,
        *(file_texts or []),
    )
    return text[:SEARCH_TEXT_MAX]


def attachment_texts(document: GuidanceDocument) -> list[str]:
    return list(
        Attachment.objects.filter(
            owner_type=audit.object_type_of(document), owner_id=str(document.pk)
        )
        .exclude(text="")
        .order_by("created_at", "id")
        .values_list("text", flat=True)
    )


def document_reindex(document: GuidanceDocument) -> None:
    """Rebuild the search column from the document and its files' text (after files changed)."""
    text = build_search_text(document, attachment_texts(document))
    GuidanceDocument.objects.filter(pk=document.pk).update(search_text=text)
    document.search_text = text


def document_unit_paths_refresh() -> int:
    """Copy each unit's current `scope_path` onto its documents where it differs (after a
    territories import moved units); returns how many documents changed."""
    path = Territory.objects.filter(pk=OuterRef("territory_id")).values("scope_path")[:1]
    stale = GuidanceDocument.objects.exclude(territory=None).exclude(
        unit_path=F("territory__scope_path")
    )
    return stale.update(unit_path=Subquery(path))


# --- checks -----------------------------------------------------------------------------------------


def _error(message: str, field: str, code: str = "invalid") -> DomainError:
    return DomainError(message, code=code, field=field)


def _check(data: DocumentData, actor) -> None:
    if data.issuer is not None:
        scope.require(actor, CHANGE, data.issuer.territory)
    else:
        # A body outside the register has no unit: a nationwide record.
        scope.require(actor, CHANGE, None)
        if not nfc(data.issuer_name):
            raise _error(_("Choose the issuing organisation or type its name."), "issuer_name")
    number_symbol = clean_number_symbol(data.number_symbol)
    if not number_symbol:
        raise _error(_("Enter the number and symbol, e.g. 25-NQ/TW."), "number_symbol")
    if len(number_symbol) > 60:
        raise _error(_("Enter at most %(max)s characters.") % {"max": 60}, "number_symbol")
    if data.doc_type is None:
        raise _error(_("Choose the type of document."), "doc_type")
    if data.issued_on is None:
        raise _error(_("Enter the date of issue."), "issued_on")
    today = timezone.localdate()
    if not date(FIRST_YEAR, 1, 1) <= data.issued_on <= today:
        raise _error(
            _("The date of issue must be between %(first)s and today.") % {"first": FIRST_YEAR},
            "issued_on",
        )
    title = nfc(data.title)
    if not title:
        raise _error(_("Enter the title (trích yếu)."), "title")
    if len(title) > 500:
        raise _error(_("Enter at most %(max)s characters.") % {"max": 500}, "title")
    for name, limit in (("issuer_name", 255), ("signer", 150)):
        if len(nfc(getattr(data, name))) > limit:
            raise _error(_("Enter at most %(max)s characters.") % {"max": limit}, name)
    if data.validity not in Validity.values:
        raise _error(_("Choose the validity."), "validity")
    if data.valid_from and data.valid_until and data.valid_until < data.valid_from:
        raise _error(_("The end of validity cannot be before its start."), "valid_until")


def _apply(document: GuidanceDocument, data: DocumentData) -> None:
    for name in EDITABLE:
        value = getattr(data, name)
        setattr(document, name, nfc(value) if isinstance(value, str) else value)
    document.number_symbol = clean_number_symbol(data.number_symbol)
    document.number = parse_number(document.number_symbol)
    if document.issuer is not None and not document.issuer_name:
        document.issuer_name = document.issuer.name
    document.issuer_key = issuer_key_of(document.issuer_name)
    document.territory = document.issuer.territory if document.issuer is not None else None
    document.unit_path = unit_path_of(document.territory)
    document.natural_key = natural_key_of(
        issuer_id=document.issuer_id,
        issuer_name=document.issuer_name,
        year=document.issued_on.year,
        number_symbol=document.number_symbol,
    )


def _refuse_duplicate(document: GuidanceDocument) -> None:
    twin = (
        GuidanceDocument.objects.filter(natural_key=document.natural_key)
        .exclude(pk=document.pk)
        .first()
    )
    if twin is not None:
        raise DomainError(
            _("%(number)s of %(issuer)s issued in %(year)s is already in the register.")
            % {
                "number": twin.number_symbol,
                "issuer": twin.issuer_name,
                "year": twin.issued_on.year,
            },
            code="duplicate",
            field="number_symbol",
        )


def _snapshot(document: GuidanceDocument) -> dict:
    values = audit.snapshot(document)
    for noise in AUDIT_NOISE:
        values.pop(noise, None)
    return values


def _save(document: GuidanceDocument) -> None:
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:
        # Two people registering the same document at the same moment: the second is told.
        _refuse_duplicate(document)
        raise DomainError(_("This document is already in the register."), code="duplicate") from exc


# --- documents --------------------------------------------------------------------------------------


@transaction.atomic
def document_register(*, data: DocumentData, actor) -> GuidanceDocument:
    """Add a document to the register; the same document (issuer, year, number) only once."""
    _check(data, actor)
    if not data.doc_type.is_active:
        raise _error(_("This type of document is no longer used."), "doc_type")
    document = GuidanceDocument(created_by=actor if getattr(actor, "pk", None) else None)
    _apply(document, data)
    _refuse_duplicate(document)
    document.search_text = build_search_text(document)
    _save(document)
    audit.record_one(audit.Action.CREATE, document, actor=actor, changes=_snapshot(document))
    return document


@transaction.atomic
def document_update(
    *, document: GuidanceDocument, data: DocumentData, actor, expected_version: int | None = None
) -> GuidanceDocument:
    """Edit a document; a stale `expected_version` means someone saved in between (409)."""
    scope.require(actor, CHANGE, document.territory)
    _check(data, actor)
    current = GuidanceDocument.objects.select_for_update().get(pk=document.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    before = _snapshot(current)
    old_territory_id = current.territory_id
    _apply(current, data)
    _refuse_duplicate(current)
    changes = audit.diff(before, _snapshot(current))
    if not changes:
        return current
    current.version += 1
    current.search_text = build_search_text(current, attachment_texts(current))
    _save(current)
    if current.territory_id != old_territory_id:
        attachments.attachments_follow_owner(owner=current)
    audit.record_one(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


@transaction.atomic
def document_delete(*, document: GuidanceDocument, actor, expected_version: int | None = None):
    """Remove a document, its relations and files; refused while plans or campaigns implement it."""
    scope.require(actor, CHANGE, document.territory)
    current = GuidanceDocument.objects.select_for_update().get(pk=document.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    implementing = current.plans.count() + current.campaigns.count()
    if implementing:
        raise DomainError(
            _(
                "%(count)s plans or campaigns implement this document; unlink them before "
                "deleting it."
            )
            % {"count": implementing},
            code="in_use",
        )
    relations = list(
        DocumentRelation.objects.filter(Q(source=current) | Q(target=current)).select_related(
            "source", "target"
        )
    )
    changes = [_relation_change(audit.Action.DELETE, r) for r in relations]
    before = _snapshot(current)
    attachments.attachments_delete_for_owner(owner=current, actor=actor)
    changes.append(
        audit.Change(
            action=audit.Action.DELETE,
            object_type=audit.object_type_of(current),
            object_id=str(current.pk),
            object_repr=str(current)[:255],
            territory_id=current.territory_id,
            changes=audit.diff(before, {}),
        )
    )
    current.delete()
    audit.record(changes, actor=actor)


# --- relations -------------------------------------------------------------------------------------


def _relation_change(action: str, relation: DocumentRelation) -> audit.Change:
    values = {
        "source": relation.source_id,
        "target": relation.target_id,
        "kind": relation.kind,
        "source_number": relation.source.number_symbol,
        "target_number": relation.target.number_symbol,
    }
    empty = dict.fromkeys(values)
    return audit.Change(
        action=action,
        object_type=audit.object_type_of(relation),
        object_id=str(relation.pk),
        object_repr=f"{relation.source.number_symbol} {relation.kind} "
        f"{relation.target.number_symbol}"[:255],
        territory_id=relation.source.territory_id,
        changes=audit.diff(empty, values)
        if action == audit.Action.CREATE
        else audit.diff(values, empty),
    )


def _set_validity(document: GuidanceDocument, validity: str, actor, reason: str) -> None:
    if document.validity == validity:
        return
    before = _snapshot(document)
    document.validity = validity
    document.version += 1
    document.save(update_fields=["validity", "version", "updated_at"])
    audit.record_one(
        audit.Action.UPDATE,
        document,
        actor=actor,
        changes=audit.diff(before, _snapshot(document)),
        reason=reason,
    )


@transaction.atomic
def document_relate(
    *, source: GuidanceDocument, target: GuidanceDocument, kind: str, actor
) -> DocumentRelation:
    """Record that `source` implements, amends or replaces `target`; replacing marks the
    target "replaced"."""
    scope.require(actor, CHANGE, source.territory)
    if kind not in RelationKind.values:
        raise _error(_("Choose how the documents are related."), "kind")
    if not scope.can(actor, VIEW, target.territory) and target.territory is not None:
        raise _error(_("Choose a document of the register."), "target")
    if source.pk == target.pk:
        raise _error(_("A document cannot be related to itself."), "target", "self")
    if kind == RelationKind.REPLACES:
        scope.require(actor, CHANGE, target.territory)
    if DocumentRelation.objects.filter(source=source, target=target, kind=kind).exists():
        raise _error(_("These documents are already related this way."), "target", "duplicate")
    if DocumentRelation.objects.filter(source=target, target=source, kind=kind).exists():
        raise _error(
            _("The other document already %(kind)s this one.") % {"kind": RelationKind(kind).label},
            "target",
            "cycle",
        )
    relation = DocumentRelation.objects.create(source=source, target=target, kind=kind)
    audit.record([_relation_change(audit.Action.CREATE, relation)], actor=actor)
    if kind == RelationKind.REPLACES:
        locked = GuidanceDocument.objects.select_for_update().get(pk=target.pk)
        _set_validity(
            locked,
            Validity.REPLACED,
            actor,
            reason=_("Replaced by %(number)s") % {"number": source.number_symbol},
        )
    return relation


@transaction.atomic
def document_unrelate(*, relation: DocumentRelation, actor) -> None:
    """Remove a relation; a target no longer replaced by anything is in force again."""
    scope.require(actor, CHANGE, relation.source.territory)
    change = _relation_change(audit.Action.DELETE, relation)
    target_id, kind = relation.target_id, relation.kind
    relation.delete()
    audit.record([change], actor=actor)
    if kind == RelationKind.REPLACES:
        still_replaced = DocumentRelation.objects.filter(
            target_id=target_id, kind=RelationKind.REPLACES
        ).exists()
        target = GuidanceDocument.objects.select_for_update().get(pk=target_id)
        if not still_replaced and target.validity == Validity.REPLACED:
            _set_validity(target, Validity.IN_FORCE, actor, reason=_("No longer replaced"))
