from django.contrib import admin

from danvan.accounts.admin import SearchNameAdminMixin, SystemAdminOnly
from danvan.territories.models import Territory, TerritoryMapping


@admin.register(Territory)
class TerritoryAdmin(SearchNameAdminMixin, SystemAdminOnly, admin.ModelAdmin):
    """Read-only: units come from the vietnam-provinces package via `danvan import-territories`."""

    allow_add = False
    allow_change = False
    list_display = ("name", "code", "era", "level", "division_type", "parent")
    list_filter = ("era", "level", "division_type")
    list_select_related = ("parent",)
    show_full_result_count = False


@admin.register(TerritoryMapping)
class TerritoryMappingAdmin(SystemAdminOnly, admin.ModelAdmin):
    allow_add = False
    allow_change = False
    list_display = ("legacy_commune", "current_commune", "partly_merged")
    list_filter = ("partly_merged",)
    list_select_related = ("legacy_commune", "current_commune")
    show_full_result_count = False
