from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect


def _exempt_prefixes() -> tuple[str, ...]:
    """Paths a user who must change the password may still reach."""
    static = "/" + settings.STATIC_URL.lstrip("/")
    return (
        reverse("accounts:password-change"),
        reverse("accounts:logout"),
        reverse("accounts:login"),
        reverse("set_language"),
        reverse("javascript-catalog"),
        static,
    )


class PasswordChangeRequiredMiddleware:
    """Hold users with a temporary or reset password on the change page until they pick their own.

    Browser pages redirect there (htmx requests get a client-side redirect, so a fragment swap
    does not end up holding a whole page); API calls get a 403 in the API's error format.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(_exempt_prefixes())
        ):
            return self._hold(request)
        return self.get_response(request)

    def _hold(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "password_change_required",
                    "message": _("Change your temporary password before using the application."),
                    "details": None,
                },
                status=403,
            )
        target = reverse("accounts:password-change")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)
