from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from danvan.audit.selectors import object_history as history_of

register = template.Library()

HIDDEN_FIELDS = {"id", "password", "search_name", "version", "updated_at", "created_at"}


def _label(model, field: str) -> str:
    """The field's translated name; foreign keys are stored under their `_id` column."""
    if model is None:
        return field
    for name in (field, field.removesuffix("_id")):
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        # Reverse relations (a model's indicators, a council's members) have no verbose
        # name of their own: use the related model's plural.
        label = getattr(found, "verbose_name", None)
        if label is None and found.related_model is not None:
            label = found.related_model._meta.verbose_name_plural
        return str(label or field)
    return field


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


@register.inclusion_tag("audit/partials/history.html")
def object_history(obj):
    """Render the history of an object the viewer is already allowed to see."""
    events = list(history_of(obj))
    model = type(obj) if obj is not None else None
    for event in events:
        if event.object_type and "." in event.object_type:
            try:
                model = apps.get_model(event.object_type)
            except LookupError:
                model = None
        changes = event.changes if isinstance(event.changes, dict) else {}
        event.visible_changes = [
            (_label(model, field), values)
            for field, values in changes.items()
            if field not in HIDDEN_FIELDS
            and isinstance(values, list)
            and len(values) == 2
            and not (_is_empty(values[0]) and _is_empty(values[1]))
        ]
    return {"events": events}
