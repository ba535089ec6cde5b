"""Django admin, for system administrators only.

The admin is a back door around the scope policy, so it is closed to everyone without the
system_admin grant, whatever their `is_staff` flag says. Changes made here still go through the
services where one exists, and leave audit rows otherwise.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from danvan.accounts import services
from danvan.accounts.models import ApiToken, RoleGrant, User
from danvan.audit import services as audit
from danvan.core import scope
from danvan.core.search import filter_by_search, search_key


def admin_site_has_permission(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and scope.is_system_admin(user))


def admin_site_login(request: HttpRequest, extra_context=None):
    """Sign in through the application's own page (with its lockout). A signed-in user without
    the grant gets a plain refusal instead of Django's admin sign-in form."""
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    target = target or reverse("admin:index")
    if request.user.is_authenticated:
        if admin_site_has_permission(request):
            return redirect(target)
        raise PermissionDenied("admin")
    return redirect_to_login(target, reverse("accounts:login"))


admin.site.has_permission = admin_site_has_permission
admin.site.login = admin_site_login
admin.site.site_header = _("danvan administration")
admin.site.site_title = _("danvan administration")


class SystemAdminOnly:
    """Model permissions follow the system_admin grant rather than Django's own permission table.
    Subclasses switch individual rights off with the `allow_*` flags."""

    allow_add = True
    allow_change = True
    allow_delete = False

    def _is_system_admin(self, request: HttpRequest) -> bool:
        return admin_site_has_permission(request)

    def has_module_permission(self, request):
        return self._is_system_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_system_admin(request)

    def has_add_permission(self, request, *args):
        return self.allow_add and self._is_system_admin(request)

    def has_change_permission(self, request, obj=None):
        return self.allow_change and self._is_system_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and self._is_system_admin(request)


class AuditedAdmin(SystemAdminOnly, admin.ModelAdmin):
    """For models without a service: save as usual, then record the field-level diff."""

    audit_fields: tuple[str, ...] | None = None  # None: every concrete field

    def save_model(self, request, obj, form, change):
        fields = self.audit_fields
        before = (
            audit.snapshot(type(obj).objects.get(pk=obj.pk), fields) if change and obj.pk else {}
        )
        super().save_model(request, obj, form, change)
        changes = audit.diff(before, audit.snapshot(obj, fields))
        if changes:
            action = audit.Action.UPDATE if change else audit.Action.CREATE
            audit.record(
                [
                    audit.Change(
                        action=action,
                        obj=obj,
                        changes=changes,
                        territory_id=self.audit_territory_id(obj),
                    )
                ],
                actor=request.user,
            )

    def audit_territory_id(self, obj) -> int | None:
        return getattr(obj, "territory_id", None)


class SearchNameAdminMixin:
    """Admin search through the accent-insensitive `search_name` column."""

    search_fields = ("search_name",)

    def get_search_results(self, request, queryset, search_term):
        return filter_by_search(queryset, search_term), False


@admin.register(User)
class UserAdmin(SearchNameAdminMixin, AuditedAdmin):
    """Accounts are created in the user-management pages (which hand out a temporary password);
    here a system administrator corrects details and the staff flags."""

    allow_add = False
    audit_fields = (*services.USER_AUDIT_FIELDS, "is_staff", "is_superuser")
    list_display = (
        "username",
        "full_name",
        "organisation",
        "is_active",
        "is_staff",
        "must_change_password",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "must_change_password")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    fields = (
        "username",
        "full_name",
        "email",
        "phone",
        "position",
        "organisation",
        "is_active",
        "is_staff",
        "is_superuser",
        "must_change_password",
        "last_login",
        "date_joined",
    )
    readonly_fields = ("username", "must_change_password", "last_login", "date_joined")

    def audit_territory_id(self, obj) -> int | None:
        return obj.organisation.territory_id if obj.organisation_id else None

    def save_model(self, request, obj, form, change):
        obj.search_name = search_key(obj.full_name, obj.username)
        obj.version += 1
        super().save_model(request, obj, form, change)


class RoleGrantAdminForm(forms.ModelForm):
    class Meta:
        model = RoleGrant
        fields = ("user", "role", "territory", "domain")

    def clean_territory(self):
        territory = self.cleaned_data.get("territory")
        if territory is not None and not territory.is_current:
            raise forms.ValidationError(_("Roles are granted on current administrative units."))
        return territory


@admin.register(RoleGrant)
class RoleGrantAdmin(SystemAdminOnly, admin.ModelAdmin):
    """Grants are added and removed through the services (audit, cache); never edited in place."""

    form = RoleGrantAdminForm
    allow_change = False
    allow_delete = True
    list_display = ("user", "role", "territory", "domain", "granted_by", "created_at")
    list_filter = ("role", "domain")
    list_select_related = ("user", "territory", "granted_by")
    autocomplete_fields = ("user", "territory")
    search_fields = ("user__search_name",)

    def get_search_results(self, request, queryset, search_term):
        return filter_by_search(queryset, search_term, field="user__search_name"), False

    def save_model(self, request, obj, form, change):
        grant = services.grant_add(
            user=obj.user,
            role=obj.role,
            territory=obj.territory,
            domain=obj.domain,
            actor=request.user,
        )
        obj.pk = grant.pk
        obj.created_at = grant.created_at

    def delete_model(self, request, obj):
        services.grant_revoke(grant=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for grant in queryset.select_related("user", "territory", "user__organisation__territory"):
            services.grant_revoke(grant=grant, actor=request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(SystemAdminOnly, admin.ModelAdmin):
    """Read-only: only the owner revokes a token (deactivate the account to cut someone off)."""

    allow_add = False
    allow_change = False
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    fields = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
