"""API of the document register under /api/v1/documents."""

from danvan.documents.api.documents import router

__all__ = ["router"]
