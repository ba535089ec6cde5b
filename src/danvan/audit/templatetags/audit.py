from django import template

from danvan.audit.selectors import object_history as history_of

register = template.Library()

HIDDEN_FIELDS = {"password", "search_name", "version", "updated_at", "created_at"}


@register.inclusion_tag("audit/partials/history.html")
def object_history(obj):
    """Render the history of an object the viewer is already allowed to see."""
    events = list(history_of(obj))
    for event in events:
        changes = event.changes if isinstance(event.changes, dict) else {}
        event.visible_changes = [
            (field, values)
            for field, values in changes.items()
            if field not in HIDDEN_FIELDS and isinstance(values, list) and len(values) == 2
        ]
    return {"events": events}
