"""Every write to models, councils and recognitions goes through these functions."""

from danvan.initiatives.services.councils import (
    CouncilData,
    council_create,
    council_member_add,
    council_member_remove,
    entry_add,
    round_close,
    round_create,
    score_submit,
    sheet_total,
)
from danvan.initiatives.services.initiatives import (
    InitiativeData,
    data_from_instance,
    evaluation_record,
    initiative_create,
    initiative_transition,
    initiative_update,
    replication_add,
    replication_delete,
)

__all__ = [
    "CouncilData",
    "InitiativeData",
    "council_create",
    "council_member_add",
    "council_member_remove",
    "data_from_instance",
    "entry_add",
    "evaluation_record",
    "initiative_create",
    "initiative_transition",
    "initiative_update",
    "replication_add",
    "replication_delete",
    "round_close",
    "round_create",
    "score_submit",
    "sheet_total",
]
