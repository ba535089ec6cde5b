"""Document types are reference data that system administrators keep (audited)."""

from django.contrib import admin

from danvan.accounts.admin import AuditedAdmin
from danvan.documents.models import DocumentType


@admin.register(DocumentType)
class DocumentTypeAdmin(AuditedAdmin):
    list_display = ("code", "name_vi", "name_en", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("code", "name_vi", "name_en")
