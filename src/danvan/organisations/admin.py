from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from danvan.accounts.admin import AuditedAdmin, SearchNameAdminMixin, SystemAdminOnly
from danvan.core.search import search_key
from danvan.organisations import services
from danvan.organisations.models import Organisation, OrganisationKind


@admin.register(OrganisationKind)
class OrganisationKindAdmin(AuditedAdmin):
    list_display = ("code", "name_vi", "name_en", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("code", "name_vi", "name_en")


class OrganisationAdminForm(forms.ModelForm):
    """Repeats the service's checks that can be shown next to a field; the service still decides."""

    class Meta:
        model = Organisation
        fields = services.EDITABLE_FIELDS

    def clean(self):
        cleaned = super().clean()
        territory, kind, name = cleaned.get("territory"), cleaned.get("kind"), cleaned.get("name")
        if territory is not None and not territory.is_current:
            self.add_error("territory", _("Organisations belong to a current administrative unit."))
        parent = cleaned.get("parent")
        if parent is not None and self.instance.pk and parent.pk == self.instance.pk:
            self.add_error("parent", _("An organisation cannot be its own parent."))
        if territory is not None and kind is not None and name:
            twins = Organisation.objects.filter(
                territory=territory,
                kind=kind,
                search_name=search_key(name, cleaned.get("short_name")),
            ).exclude(pk=self.instance.pk)
            if twins.exists():
                self.add_error(
                    "name",
                    _("An organisation of this kind with this name already exists in this unit."),
                )
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(SearchNameAdminMixin, SystemAdminOnly, admin.ModelAdmin):
    """Saves go through the organisation services (scope, audit, optimistic version)."""

    form = OrganisationAdminForm
    list_display = ("name", "kind", "territory", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("kind", "territory")
    autocomplete_fields = ("territory", "parent")
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        data = services.data_from_instance(obj)
        if change:
            saved = services.organisation_update(organisation=obj, data=data, actor=request.user)
        else:
            saved = services.organisation_create(data=data, actor=request.user)
        obj.pk, obj.version, obj.search_name = saved.pk, saved.version, saved.search_name
