"""The caller's own notifications over the API: list, unread count, mark read.

Nobody sees or marks another user's notifications: every query starts from the caller's rows,
so an id of someone else's notification is simply not among them.
"""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from danvan.core import notifications
from danvan.core.api_utils import error_responses, field_error, paginated

router = Router(tags=["notifications"])

MAX_IDS = 500


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    is_read: bool

    @staticmethod
    def resolve_is_read(obj) -> bool:
        return obj.read_at is not None


class NotificationFiltersIn(Schema):
    unread: bool = Field(False, description="Only the notifications not read yet.")


class UnreadCountOut(Schema):
    unread: int


class MarkReadIn(Schema):
    ids: list[int] | None = Field(
        None, description=f"Your notifications to mark read (at most {MAX_IDS})."
    )
    all: bool = Field(False, description="Mark every one of your notifications read.")


class MarkReadOut(Schema):
    marked: int
    unread: int


@router.get("", response={200: list[NotificationOut], **error_responses(422)})
@paginated
def notification_list(request, filters: Query[NotificationFiltersIn]):
    """Your notifications, newest first."""
    rows = notifications.for_user(request.user)
    if filters.unread:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


@router.get("/count", response=UnreadCountOut)
def notification_count(request):
    """How many of your notifications are unread."""
    return {"unread": notifications.unread_count(request.user)}


@router.post("/mark-read", response={200: MarkReadOut, **error_responses(422)})
def notification_mark_read(request, payload: MarkReadIn):
    """Mark some of your notifications (`ids`) or all of them (`all`) read."""
    if payload.all:
        marked = notifications.mark_read(request.user)
    elif payload.ids:
        if len(payload.ids) > MAX_IDS:
            raise field_error("ids", _("Send at most %(max)s ids at a time.") % {"max": MAX_IDS})
        marked = notifications.mark_read(request.user, payload.ids)
    else:
        raise field_error("ids", _("Send the ids to mark read, or all: true."))
    return {"marked": marked, "unread": notifications.unread_count(request.user)}
