"""Personal data: masked by default, shown in full only to a role that may, and every such view logged.

A citizen ID (CCCD) shows as `0011******45` (first four and last two digits), a phone number as
`09******89`. An app declares which action lets a role see the full values (for example
`clearance.personal`), and calls `reveal` when a user asks for them: that checks the policy and
writes an audit row naming who saw whose data, when, from where and why, in the same
transaction as the read.
"""

from collections.abc import Iterable

from django.db import transaction

from danvan.audit import services as audit
from danvan.audit.models import Action
from danvan.core import scope

MASK = "*"


def mask_id_number(value: str | None) -> str:
    """`001203004567` -> `0012******67`; anything too short to keep a part is fully starred."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) < 8:
        return MASK * len(value)
    return value[:4] + MASK * (len(value) - 6) + value[-2:]


def mask_phone(value: str | None) -> str:
    """`0912345689` -> `09******89`."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) < 6:
        return MASK * len(value)
    return value[:2] + MASK * (len(value) - 4) + value[-2:]


def mask_email(value: str | None) -> str:
    """`lethidan@example.vn` -> `le******@example.vn`: the domain stays, the name is hidden."""
    value = (value or "").strip()
    if not value:
        return ""
    name, at, domain = value.partition("@")
    if not at:
        return MASK * len(value)
    return name[:2] + MASK * max(len(name) - 2, 3) + "@" + domain


MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "email": mask_email}


def may_reveal(user, action: str, territory) -> bool:
    return scope.can(user, action, territory)


def reveal(user, action: str, obj, *, territory, fields: Iterable[str], reason: str = "") -> None:
    """Check that `user` may see `fields` of `obj` in full and log that they did.

    Raises PermissionDenied when the role does not allow it; nothing is logged then.
    """
    reveal_many(user, action, [obj], territory=territory, fields=fields, reason=reason)


def reveal_many(
    user, action: str, objs: Iterable, *, territory, fields: Iterable[str], reason: str = ""
) -> None:
    """`reveal` for many records of one unit at once (an export): one audit row each, one write."""
    scope.require(user, action, territory)
    fields = sorted(fields)
    with transaction.atomic():
        audit.record(
            [
                audit.Change(
                    action=Action.VIEW_PERSONAL,
                    obj=obj,
                    territory_id=territory.pk,
                    changes={"fields": fields},
                    reason=reason,
                )
                for obj in objs
            ],
            actor=user,
        )
