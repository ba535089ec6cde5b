"""Business errors that views and the API turn into messages in the user's language."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A request that breaks a business rule; nothing was changed."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class ConflictError(DomainError):
    """Someone else changed the record after it was loaded (optimistic locking)."""

    status_code = 409

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Someone else changed this record while you were working on it. "
                "Reload the page to see their changes, then try again."
            ),
            code="conflict",
        )
