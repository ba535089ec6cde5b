"""Form pieces shared by every app: the administrative-unit picker."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danvan.core import scope
from danvan.core.search import filter_by_search
from danvan.territories.models import Era, Territory

# Longer digit strings would overflow the database's integer columns.
MAX_ID_DIGITS = 9


def as_id(value) -> int | None:
    """A database id from a request parameter, or None for anything else."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= MAX_ID_DIGITS else None


def current_units_for(user, action: str) -> QuerySet[Territory]:
    """Current units where `user` may do `action`."""
    return scope.filter(user, action, Territory.objects.filter(era=Era.CURRENT), via=None)


def territory_field(**kwargs) -> forms.IntegerField:
    """The hidden value the htmx picker fills; without JavaScript the search box is read."""
    return forms.IntegerField(
        label=kwargs.pop("label", _("Administrative unit")),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "Type part of the name (accents optional) or the unit code, then pick the unit."
        ),
        error_messages={
            key: _("Pick a unit from the list.") for key in ("invalid", "min_value", "max_value")
        },
        **kwargs,
    )


class TerritoryPickerMixin:
    """Resolves the `territory` field of a form to a unit the user may use.

    Subclasses name the scope action in `territory_action`. Units outside it are never named
    back to the user, whether picked, typed or guessed by id.
    """

    territory_action: str = ""
    territory_candidates: list[Territory]

    def picker_units(self) -> QuerySet[Territory]:
        return current_units_for(self.user, self.territory_action)

    def chosen_territory(self) -> Territory | None:
        value = self.data.get("territory") if self.is_bound else self.initial.get("territory")
        if as_id(value) is None:
            return None
        return self.picker_units().filter(pk=value).select_related("parent").first()

    def clean_territory(self):
        value = self.cleaned_data.get("territory")
        if value is None:
            return None
        territory = self.picker_units().filter(pk=value).first()
        if territory is None:
            raise forms.ValidationError(_("Pick a current unit within your scope."))
        return territory

    def resolve_typed_territory(self) -> None:
        """No unit picked (no JavaScript, or not clicked): resolve the typed text or code."""
        self.territory_candidates = []
        if self.cleaned_data.get("territory") is not None or "territory" in self.errors:
            return
        query = (self.data.get("q") or "").strip()
        if not query:
            self.add_error("territory", _("Choose the administrative unit."))
            return
        units = self.picker_units()
        if query.isdigit():
            units = units.filter(code=int(query)) if len(query) <= MAX_ID_DIGITS else units.none()
        else:
            units = filter_by_search(units, query)
        matches = list(units.select_related("parent").order_by("level", "search_name")[:21])
        if len(matches) == 1:
            self.cleaned_data["territory"] = matches[0]
            return
        self.territory_candidates = matches[:20]
        if matches:
            self.add_error("territory", _("Several units match; pick one below."))
        else:
            self.add_error("territory", _("No unit in your scope matches."))
