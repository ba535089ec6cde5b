from datetime import datetime
from typing import Any

from ninja import Schema

from danvan.territories.schemas import TerritoryRefOut


class AuditEventOut(Schema):
    """One change of an object: who, when, through which channel, which fields."""

    seq: int
    created_at: datetime
    actor_id: int | None
    actor_label: str
    source: str
    action: str
    action_label: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    reason: str

    @staticmethod
    def resolve_action_label(obj) -> str:
        return str(obj.get_action_display())


class AuditEventDetailOut(AuditEventOut):
    """A row of the territory-wide trail, for those allowed to audit it."""

    ip: str
    territory: TerritoryRefOut | None = None


class AuditEventFiltersIn(Schema):
    territory_id: int | None = None
    object_type: str = ""
    action: str = ""
