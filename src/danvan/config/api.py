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
        if user is None:
            return None
        if user.must_change_password:
            # An administrator reset the password (perhaps after a leak): old tokens stop
            # working until the owner signs in and chooses a new password.
            error = DomainError(
                _("Change your password in the web application before using the API."),
                code="password_change_required",
            )
            error.status_code = 403
            raise error
        request.user = user
        return user


api = NinjaAPI(
    title="danvan API",
    version="1",
    description="REST API of danvan. Authenticate with a personal token (Authorization: Bearer …) "
    "or a browser session (unsafe methods then need the CSRF token). Lists are paginated with "
    "`page` and `page_size`; every error answers {code, message, details}.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


def error_response(request, status: int, code: str, message: str, details=None):
    return api.create_response(
        request, {"code": code, "message": message, "details": details}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    details = {"field": exc.field} if exc.field else None
    return error_response(request, exc.status_code, exc.code, exc.message, details)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error_response(request, 403, "forbidden", _("You do not have permission to do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


def _field_message(err: dict) -> str:
    """Pydantic's English message for one field, said again in the request's language.

    Where Django's own catalog already has the sentence (and its Vietnamese), reuse its msgid.
    """
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "danvan":  # raised by our endpoints, already translated
        return err.get("msg", "")
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return _("This field is required.")
    if kind == "string_too_long":
        return _("Enter at most %(max)s characters.") % {"max": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Enter at least %(min)s characters.") % {"min": ctx.get("min_length")}
    if kind.startswith("int_"):
        return _("Enter a valid integer.")
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type"}:
        return _("Enter a number.")
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge")
        }
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le")
        }
    if kind.startswith("datetime_"):
        return _("Enter a valid date/time.")
    if kind.startswith("date_"):
        return _("Enter a valid date.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind in {"literal_error", "enum"}:
        return _("Select a valid choice. That choice is not one of the available choices.")
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return _("Enter a valid value.")


def _field_name(loc) -> str | None:
    # loc is (source, [schema parameter,] field, ...): drop the source, and the parameter name
    # when a whole schema was the parameter, so clients see the names they sent.
    parts = [str(p) for p in loc[1:]]
    if len(parts) >= 2:
        parts = parts[1:]
    return ".".join(parts) or None


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    details = [
        {"field": _field_name(err.get("loc", ())), "message": _field_message(err)}
        for err in exc.errors
    ]
    return error_response(request, 422, "invalid", _("Some values are not valid."), details)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in str(exc):
        return error_response(
            request, 403, "csrf_failed", _("The CSRF token is missing or wrong; reload the page.")
        )
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return error_response(request, 400, "bad_request", _("The request body is not valid JSON."))
    return error_response(request, exc.status_code, "error", str(exc))


def _mount() -> None:
    from danvan.accounts.api import router as accounts_router
    from danvan.audit.api import router as audit_router
    from danvan.core.api import router as core_router
    from danvan.initiatives.api import router as initiatives_router
    from danvan.organisations.api import router as organisations_router
    from danvan.territories.api import router as territories_router

    api.add_router("/territories", territories_router)
    api.add_router("/organisations", organisations_router)
    api.add_router("/", accounts_router)
    api.add_router("/audit", audit_router)
    api.add_router("/jobs", core_router)
    api.add_router("/notifications", "danvan.core.notifications_api.router")
    api.add_router("/attachments", "danvan.core.attachments_api.router")
    api.add_router("/models-statistics", "danvan.initiatives.api_showcase.statistics_router")
    api.add_router("/public/models", "danvan.initiatives.api_showcase.public_router")
    api.add_router("/models", initiatives_router)
    api.add_router("/clearance", "danvan.clearance.api.router")
    api.add_router("/dialogues", "danvan.dialogues.api.router")
    api.add_router("/public/petitions", "danvan.dialogues.api.portal.router")
    api.add_router("/documents", "danvan.documents.api.router")
    api.add_router("/plans", "danvan.plans.api.plans_router")
    api.add_router("/campaigns", "danvan.plans.api.campaigns_router")
    api.add_router("/reports", "danvan.reports.api.router")


_mount()
__all__ = ["api"]
