from django.contrib import admin

from danvan.accounts.admin import SystemAdminOnly
from danvan.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(SystemAdminOnly, admin.ModelAdmin):
    """Append-only: the admin may read the trail, never write to it."""

    allow_add = False
    allow_change = False
    allow_delete = False
    list_display = (
        "seq",
        "created_at",
        "actor_label",
        "source",
        "ip",
        "action",
        "object_type",
        "object_repr",
    )
    list_filter = ("action", "source", "object_type")
    search_fields = ("object_repr", "actor_label", "object_id")
    ordering = ("-seq",)
    show_full_result_count = False
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
