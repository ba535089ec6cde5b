from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from danvan.core.context import acting


def client_ip(request: HttpRequest) -> str:
    # Behind the reverse proxy described in the README, REMOTE_ADDR is the proxy; the proxy
    # is trusted to set X-Real-IP.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Tag audit records written during a request with its channel (web or API) and address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        with acting(source=source, ip=client_ip(request)):
            return self.get_response(request)
