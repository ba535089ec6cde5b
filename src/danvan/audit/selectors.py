from django.db.models import Model, QuerySet

from danvan.audit.models import AuditEvent
from danvan.audit.services import object_type_of
from danvan.core import scope


def object_history(obj: Model, limit: int = 200) -> QuerySet[AuditEvent]:
    """The audit events of one object, newest first. Callers have already checked the user may
    see the object itself."""
    return (
        AuditEvent.objects.filter(object_type=object_type_of(obj), object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-seq")[:limit]
    )


def event_list_for_user(
    user, *, territory=None, object_type: str = "", action: str = ""
) -> QuerySet[AuditEvent]:
    """The audit trail of the territories the user may audit."""
    qs = scope.filter(user, "audit.view", AuditEvent.objects.all())
    if territory is not None:
        qs = qs.filter(territory__scope_path__under=territory.path)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if action:
        qs = qs.filter(action=action)
    return qs.select_related("actor", "territory").order_by("-seq")
