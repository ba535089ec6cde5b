"""Writing and verifying the audit trail."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from danvan.audit.models import Action, AuditEvent, ChainHead
from danvan.core import context

GENESIS_HASH = "0" * 64
_HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "source",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "territory_id",
    "changes",
    "reason",
)


@dataclass
class Change:
    """What a service hands to `record`: one business change of one object."""

    action: str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    territory_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


_PLAIN = (str, int, bool)


def json_value(value: Any) -> Any:
    """A JSON-safe, stable representation of a field value for diffs and hashing."""
    kind = type(value)
    # Imports audit hundreds of thousands of values; settle the common plain ones first.
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is list and len(value) == 2:
        first, second = value
        if (first is None or type(first) in _PLAIN) and (second is None or type(second) in _PLAIN):
            return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float) and abs(value) >= 1e16 and value.is_integer():
        # Python writes 1e+20 where PostgreSQL's jsonb gives back 100000000000000000000; store
        # the integer so the hash still matches after the round trip.
        return int(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Concrete field values of `obj` (foreign keys as IDs), ready for `diff`."""
    names = fields or [
        f.attname
        for f in obj._meta.concrete_fields
        if f.attname not in {"search_name", "search_text", "version"}
    ]
    return {name: json_value(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-level changes as {field: [old, new]}."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def row_digest(prev_hash: str, values: dict[str, Any]) -> str:
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _hashed_values(event: AuditEvent) -> dict[str, Any]:
    values = {name: getattr(event, name) for name in _HASHED_FIELDS}
    values["created_at"] = event.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    return values


def _territory_id_of(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    for attname in ("territory_id", "scope_territory_id"):
        if hasattr(obj, attname):
            return getattr(obj, attname)
    return None


_INSERT_COLUMNS = (*_HASHED_FIELDS, "prev_hash", "hash")


def _insert_rows(rows: list[tuple]) -> None:
    """Write rows without model instances: COPY on PostgreSQL, a multi-row INSERT elsewhere.

    Model instances and bulk_create cost more than the hashing; on PostgreSQL a long multi-row
    INSERT also spends its time in the driver splitting the query, which COPY avoids.
    """
    if not rows:
        return
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _INSERT_COLUMNS)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    placeholder = "(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ")"
    # Table and column names are constants quoted by the backend; values go as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([placeholder] * len(rows))  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


@transaction.atomic
def record(changes: Iterable[Change], *, actor: Any = None, batch_size: int = 2000) -> int:
    """Append audit rows for `changes`; returns how many were written.

    The chain head is locked once for the whole batch, the hashes are computed in memory and the
    rows are inserted with multi-row INSERTs, so an import of 100,000 rows costs a few hundred
    statements and no per-row round trip.
    """
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    acting = context.current()
    now = timezone.now()
    now_text = now.astimezone(UTC).isoformat(timespec="microseconds")
    db_now = connection.ops.adapt_datetimefield_value(now)
    actor_id = getattr(actor, "pk", None)
    actor_label = (getattr(actor, "username", "") if actor is not None else "")[:150]
    source, ip = acting.source[:80], acting.ip[:45]
    max_params = connection.features.max_query_params or 30_000
    batch_size = max(1, min(batch_size, max_params // len(_INSERT_COLUMNS)))
    seq, prev_hash = head.seq, head.hash
    pending: list[tuple] = []
    written = 0
    for change in changes:
        obj = change.obj
        seq += 1
        object_type = change.object_type or (object_type_of(obj) if obj is not None else "")
        object_id = str(change.object_id or (obj.pk if obj is not None else ""))
        object_repr = (change.object_repr or (str(obj) if obj is not None else ""))[:255]
        territory_id = (
            change.territory_id if change.territory_id is not None else _territory_id_of(obj)
        )
        values = json_value(change.changes)
        hashed = {
            "seq": seq,
            "created_at": now_text,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "source": source,
            "ip": ip,
            "action": change.action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr,
            "territory_id": territory_id,
            "changes": values,
            "reason": change.reason,
        }
        digest = row_digest(prev_hash, hashed)
        pending.append(
            (
                seq,
                db_now,
                actor_id,
                actor_label,
                source,
                ip,
                change.action,
                object_type,
                object_id,
                object_repr,
                territory_id,
                json.dumps(values, ensure_ascii=False),
                change.reason,
                prev_hash,
                digest,
            )
        )
        prev_hash = digest
        if len(pending) >= batch_size:
            _insert_rows(pending)
            written += len(pending)
            pending = []
    _insert_rows(pending)
    written += len(pending)
    if written:
        ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash)
    return written


def record_one(
    action: str, obj: models.Model, *, actor: Any, changes: dict | None = None, reason: str = ""
) -> None:
    record([Change(action=action, obj=obj, changes=changes or {}, reason=reason)], actor=actor)


@dataclass
class ChainReport:
    checked: int
    first_broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def _events_in_order(chunk: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:chunk])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain() -> ChainReport:
    """Recompute every hash in order; report the first row that does not match."""
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in _events_in_order():
        if event.seq != expected_seq:
            return ChainReport(checked, expected_seq, "missing row")
        if event.prev_hash != prev_hash:
            return ChainReport(checked, event.seq, "previous hash does not match")
        if row_digest(prev_hash, _hashed_values(event)) != event.hash:
            return ChainReport(checked, event.seq, "row content does not match its hash")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return ChainReport(checked, checked + 1, "rows missing at the end of the chain")
    return ChainReport(checked)


__all__ = [
    "Action",
    "ChainReport",
    "Change",
    "diff",
    "record",
    "record_one",
    "snapshot",
    "verify_chain",
]
