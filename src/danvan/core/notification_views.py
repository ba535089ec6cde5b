"""The signed-in user's notifications: the list page, mark read, and the bell in the top bar.

Only the user's own rows are ever read or changed; someone else's notification is not found.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from danvan.core import notifications
from danvan.core.models import Notification
from danvan.core.pagination import paginate

SHOW_CHOICES = ("all", "unread")
# htmx stops polling on this status: a signed-out tab must not keep asking (or swap in a login
# page where the bell was).
STOP_POLLING = 286


def _show(request) -> str:
    show = request.GET.get("show") or request.POST.get("show") or "all"
    return show if show in SHOW_CHOICES else "all"


def _list_url(request) -> str:
    """Back to the list page the user came from (same filter and page)."""
    url = reverse("core:notification-list")
    params = {}
    if _show(request) != "all":
        params["show"] = _show(request)
    page = request.POST.get("page") or request.GET.get("page")
    if page and page.isdigit():
        params["page"] = page
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def _own(request, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


@login_required
@require_GET
def notification_list(request):
    show = _show(request)
    rows = notifications.for_user(request.user)
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    page = paginate(request, rows.order_by("-created_at", "-id"))
    return render(
        request,
        "core/notifications.html",
        {
            "page": page,
            "show": show,
            "unread_total": notifications.unread_count(request.user),
        },
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    note = _own(request, pk)
    notifications.mark_read(request.user, [note.pk])
    if request.htmx:
        note.refresh_from_db()
        return render(
            request,
            "core/partials/notification_row.html",
            {
                "note": note,
                "show": _show(request),
                "with_bell": True,
                "oob_count": notifications.unread_count(request.user),
            },
        )
    return redirect(_list_url(request))


@login_required
@require_POST
def notification_read_all(request):
    marked = notifications.mark_read(request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    else:
        messages.info(request, _("There was nothing unread."))
    return redirect(_list_url(request))


@login_required
@require_GET
def notification_open(request, pk: int):
    """Follow a notification to its record, marking it read on the way."""
    note = _own(request, pk)
    notifications.mark_read(request.user, [note.pk])
    if note.url and url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.url)
    return redirect(_list_url(request))


@require_GET
def notification_bell(request):
    """The bell with the unread count, refreshed by htmx every minute."""
    if not request.user.is_authenticated:
        return HttpResponse(status=STOP_POLLING)
    return render(
        request,
        "core/partials/notification_bell.html",
        {"unread_notifications": notifications.unread_count(request.user)},
    )


urlpatterns = [
    path("", notification_list, name="notification-list"),
    path("bell/", notification_bell, name="notification-bell"),
    path("read-all/", notification_read_all, name="notification-read-all"),
    path("<int:pk>/read/", notification_read, name="notification-read"),
    path("<int:pk>/open/", notification_open, name="notification-open"),
]
