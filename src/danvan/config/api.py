"""The REST API under /api/v1: one NinjaAPI, one router per app, one error format.

Every error answers {"code": "...", "message": "...", "details": ...} with the message in the
request's language (Accept-Language, or the session's language for browser calls).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from danvan.core.errors import DomainError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dv_…` with a personal token created in the UI."""

    def authenticate(self, request: HttpRequest, token: str):
        from danvan.accounts.services import token_authenticate

        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="danvan API",
    version="1",
    description="REST API of danvan. Authenticate with a personal token (Authorization: Bearer …) "
    "or a browser session. Lists are paginated; errors share one format.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


def error_response(request, status: int, code: str, message: str, details=None):
    return api.create_response(request, {"code": code, "message": message, "details": details}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return error_response(request, exc.status_code, exc.code, exc.message, {"field": exc.field} if exc.field else None)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error_response(request, 403, "forbidden", _("You do not have permission to do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    details = [
        {"field": ".".join(str(p) for p in err.get("loc", [])[1:]) or None, "message": err.get("msg", "")}
        for err in exc.errors
    ]
    return error_response(request, 422, "invalid", _("Some values are not valid."), details)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error_response(request, exc.status_code, "error", str(exc))


def _mount() -> None:
    from danvan.accounts.api import router as accounts_router
    from danvan.audit.api import router as audit_router
    from danvan.core.api import router as core_router
    from danvan.organisations.api import router as organisations_router
    from danvan.territories.api import router as territories_router

    api.add_router("/territories", territories_router)
    api.add_router("/organisations", organisations_router)
    api.add_router("/", accounts_router)
    api.add_router("/audit", audit_router)
    api.add_router("/jobs", core_router)


_mount()
__all__ = ["api"]
