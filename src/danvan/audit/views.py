from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from danvan.audit.models import Action
from danvan.audit.selectors import event_list_for_user
from danvan.core import current_territory, scope
from danvan.core.pagination import paginate

# Where an audited object's page lives; later apps add their own types here.
OBJECT_PAGES = {
    "organisations.organisation": "organisations:organisation-detail",
    "accounts.user": "accounts:user-detail",
    "territories.territory": "territories:detail",
}


def _parse_day(text: str):
    try:
        # Only the calendar date is used; the time zone is applied when building the range.
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()  # noqa: DTZ007
    except ValueError:
        return None


def object_url(event) -> str | None:
    name = OBJECT_PAGES.get(event.object_type)
    if not name or event.action == Action.DELETE or not event.object_id.isdigit():
        return None
    try:
        return reverse(name, args=[int(event.object_id)])
    except NoReverseMatch:
        return None


@login_required
def event_list(request):
    """The audit trail of the territories the user may audit, newest first."""
    if not scope.can_anywhere(request.user, "audit.view"):
        raise PermissionDenied
    object_type = request.GET.get("object_type", "")
    action = request.GET.get("action", "")
    events = event_list_for_user(
        request.user,
        territory=current_territory.get(request),
        object_type=object_type if object_type in OBJECT_PAGES else "",
        action=action if action in Action.values else "",
    )
    errors = []
    tz = timezone.get_current_timezone()
    date_from, date_to = request.GET.get("from", ""), request.GET.get("to", "")
    if date_from:
        day = _parse_day(date_from)
        if day is None:
            errors.append("from")
        else:
            events = events.filter(created_at__gte=datetime.combine(day, time.min, tzinfo=tz))
    if date_to:
        day = _parse_day(date_to)
        if day is None:
            errors.append("to")
        else:
            events = events.filter(
                created_at__lt=datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
            )
    query = request.GET.get("q", "").strip()
    if query:
        events = events.filter(object_repr__icontains=query)
    page = paginate(request, events)
    for event in page:
        event.url = object_url(event)
        event.changed_fields = [
            f for f in (event.changes or {}) if f not in {"password", "search_name"}
        ]
    context = {
        "page": page,
        "object_types": list(OBJECT_PAGES),
        "actions": Action.choices,
        "filters": {
            "object_type": object_type,
            "action": action,
            "from": date_from,
            "to": date_to,
            "q": query,
        },
        "errors": errors,
    }
    if request.htmx:
        return render(request, "audit/event_list.html#events", context)
    return render(request, "audit/event_list.html", context)
