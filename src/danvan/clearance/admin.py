from django.contrib import admin

from danvan.clearance.models import TaskForce


@admin.register(TaskForce)
class TaskForceAdmin(admin.ModelAdmin):
    """Read-only overview; task forces are managed on their own pages so that changes are audited."""

    list_display = ("name", "territory")
    search_fields = ("name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
