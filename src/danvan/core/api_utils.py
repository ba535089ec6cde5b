"""Pieces every app's API router shares: page-number pagination, the error schema, field errors.

One pagination style everywhere: `?page=1&page_size=25` in, `{items, count, page, page_size}` out.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PageNumberPagination, paginate

MAX_PAGE_SIZE = 200


class ErrorOut(Schema):
    """The one error shape of the API; `message` is in the request's language."""

    code: str
    message: str
    details: Any = None


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """`response=` entries so that the OpenAPI schema documents the error answers."""
    return dict.fromkeys(codes, ErrorOut)


class PageIn(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int | None = Field(
        None, ge=1, description=f"Rows per page (default 25, at most {MAX_PAGE_SIZE})."
    )


class Pagination(PageNumberPagination):
    Input = PageIn

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    def paginate_queryset(self, queryset, pagination: PageIn, request: HttpRequest, **params):
        size = min(pagination.page_size or settings.DANVAN_PAGE_SIZE, MAX_PAGE_SIZE)
        offset = (pagination.page - 1) * size
        return {
            "items": queryset[offset : offset + size],
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": size,
        }


# Decorator for list endpoints: `@router.get("", response=list[ThingOut])` then `@paginated`.
paginated = paginate(Pagination)


def field_error(field: str, message: str, *, source: str = "body") -> ValidationError:
    """A 422 about one input field, shaped like the errors the schemas raise themselves."""
    return ValidationError([{"loc": (source, field), "msg": message, "type": "danvan"}])


def unknown_choice(field: str, *, source: str = "body") -> ValidationError:
    """A 422 for an id or code that names nothing the caller may pick (missing or out of scope)."""
    # Django's own sentence, so its catalogs already hold the translation.
    return field_error(
        field,
        _("Select a valid choice. That choice is not one of the available choices."),
        source=source,
    )
