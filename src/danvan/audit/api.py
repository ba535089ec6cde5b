"""The audit trail over the API: one object's history, and the trail of a territory."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from ninja import Query, Router

from danvan.audit import selectors
from danvan.audit.schemas import AuditEventDetailOut, AuditEventFiltersIn, AuditEventOut
from danvan.core import scope
from danvan.core.api_utils import error_responses, paginated, unknown_choice
from danvan.territories.models import Territory

router = Router(tags=["audit"])

# object type ("organisations.organisation") -> getter(user, object_id) that returns the object
# when the user may see it and raises Http404 otherwise. Each app registers its own types.
HistoryGetter = Callable[..., Model]
_HISTORY_GETTERS: dict[str, HistoryGetter] = {}


def register_history(object_type: str, getter: HistoryGetter) -> None:
    """Let `GET /audit/<object_type>/<id>` show the history of objects the getter lets through."""
    _HISTORY_GETTERS[object_type] = getter


@router.get("/events", response={200: list[AuditEventDetailOut], **error_responses(403, 422)})
@paginated
def audit_event_list(request, filters: Query[AuditEventFiltersIn]):
    """The audit trail of the territories the caller may audit, newest first."""
    if not scope.can_anywhere(request.user, "audit.view"):
        raise PermissionDenied("audit.view")
    territory = None
    if filters.territory_id is not None:
        territory = Territory.objects.filter(pk=filters.territory_id).first()
        if territory is None:
            raise unknown_choice("territory_id", source="query")
    return selectors.event_list_for_user(
        request.user, territory=territory, object_type=filters.object_type, action=filters.action
    )


@router.get(
    "/{object_type}/{object_id}", response={200: list[AuditEventOut], **error_responses(404)}
)
@paginated
def audit_object_history(request, object_type: str, object_id: str):
    """The history of one object, for anyone who may see the object itself."""
    getter = _HISTORY_GETTERS.get(object_type)
    if getter is None:
        raise Http404
    obj = getter(request.user, object_id)
    return selectors.object_history(obj, limit=None)
