"""Reference data a system administrator keeps: fields, indicator kinds and scoring sheets."""

from django.contrib import admin

from danvan.accounts.admin import AuditedAdmin
from danvan.audit import services as audit
from danvan.initiatives.models import CriteriaSet, Criterion, Field, IndicatorKind


@admin.register(Field)
class FieldAdmin(AuditedAdmin):
    list_display = ("code", "name_vi", "name_en", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")


@admin.register(IndicatorKind)
class IndicatorKindAdmin(AuditedAdmin):
    list_display = ("code", "name_vi", "unit", "is_money", "is_whole", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 1


@admin.register(CriteriaSet)
class CriteriaSetAdmin(AuditedAdmin):
    list_display = ("name", "territory")
    inlines = [CriterionInline]
    raw_id_fields = ("territory",)

    def save_related(self, request, form, formsets, change):
        before = self._criteria(form.instance)
        super().save_related(request, form, formsets, change)
        after = self._criteria(form.instance)
        if before != after:
            # Scores already given were weighed by the old sheet; the trail shows what changed.
            audit.record_one(
                audit.Action.UPDATE,
                form.instance,
                actor=request.user,
                changes={"criteria": [before, after]},
            )

    @staticmethod
    def _criteria(criteria_set) -> list[list]:
        if not criteria_set.pk:
            return []
        return [
            [c.code, c.name, str(c.weight), c.max_score]
            for c in criteria_set.criteria.order_by("sort_order", "id")
        ]
