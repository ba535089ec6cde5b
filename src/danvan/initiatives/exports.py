"""The XLSX export of the model list: the rows of the list page, for the same filters and scope.

The builder reads the filters with the list page's own functions (`filters_from`,
`list_territory`) so the file and the page can never disagree. It also runs in the background
task, where there is no request: the view stores the query string and the header's current
unit in the job's params, and the builder hands them back to those functions as a stand-in
request.
"""

from types import SimpleNamespace
from typing import Any

from django.db.models import Prefetch
from django.http import QueryDict
from django.utils.translation import gettext as _

from danvan.core import current_territory
from danvan.core.exports import ExportColumn, ExportSpec, register_export
from danvan.core.templatetags.vn import format_date
from danvan.initiatives import selectors
from danvan.initiatives.models import Field, Initiative, Kind, Level, Recognition, Status, Subject
from danvan.territories.models import Level as TerritoryLevel

KEY = "initiatives"
# Query-string keys the list page reads (see views.initiatives.FILTER_KEYS).
QUERY_KEYS = (
    "q", "year", "level", "field", "subject", "kind", "status", "organisation", "tag",
    "territory", "sort",
)  # fmt: skip


def export_params(request) -> dict[str, Any]:
    """What the builder needs to see the list as the page saw it; JSON-safe for the job."""
    return {
        "query": {key: request.GET[key] for key in QUERY_KEYS if request.GET.get(key)},
        "current_territory": request.session.get(current_territory.SESSION_KEY),
    }


def _stand_in_request(user, params: dict[str, Any]) -> SimpleNamespace:
    query = QueryDict(mutable=True)
    for key, value in (params.get("query") or {}).items():
        if key in QUERY_KEYS:
            query[key] = str(value)
    session = {}
    if params.get("current_territory"):
        session[current_territory.SESSION_KEY] = params["current_territory"]
    return SimpleNamespace(GET=query, user=user, session=session)


def _province(territory) -> str:
    # Today's communes hang directly under a province; older ones under a district first.
    while territory is not None and territory.level != TerritoryLevel.PROVINCE:
        territory = territory.parent
    return territory.name if territory is not None else ""


def _recognition(initiative: Initiative) -> str:
    recognitions = initiative.recognitions.all()  # prefetched, newest first
    if not recognitions:
        return ""
    latest = recognitions[0]
    return f"{latest.decision_number}, {format_date(latest.decision_date)}"


def _indicator_column(kind) -> ExportColumn:
    def value(initiative: Initiative):
        for item in initiative.indicators.all():
            if item.kind_id == kind.pk:
                return int(item.value) if kind.is_money or kind.is_whole else item.value
        return None

    label = f"{kind.name} ({kind.unit})" if kind.unit else kind.name
    column_kind = "money" if kind.is_money else ("int" if kind.is_whole else "decimal")
    return ExportColumn(label, value, kind=column_kind, width=16)


def _filters_line(filters: selectors.InitiativeFilters) -> str:
    parts = []
    if filters.territory is not None:
        parts.append(_("Unit: %(value)s") % {"value": filters.territory.name})
    if filters.year:
        parts.append(_("Year: %(value)s") % {"value": filters.year})
    labelled = (
        (_("Status"), filters.status, Status),
        (_("Level"), filters.level, Level),
        (_("Model or exemplar"), filters.kind, Kind),
        (_("Subject"), filters.subject, Subject),
    )
    for title, value, choices in labelled:
        if value:
            parts.append(f"{title}: {choices(value).label}")
    if filters.field:
        field = Field.objects.filter(code=filters.field).first()
        parts.append(_("Field: %(value)s") % {"value": field.name if field else filters.field})
    if filters.tag:
        parts.append(_("Keyword: %(value)s") % {"value": filters.tag})
    if filters.query:
        parts.append(_("Search: %(value)s") % {"value": filters.query})
    return "; ".join(parts) or _("All models within your scope")


def initiative_export(user, params: dict[str, Any]) -> ExportSpec:
    # Imported here: the views module pulls in forms and templates the worker does not need
    # at start-up.
    from danvan.initiatives.views.initiatives import filters_from, list_territory

    request = _stand_in_request(user, params)
    territory = list_territory(request)
    filters = filters_from(request, territory)
    sort = request.GET.get("sort", "-year")
    rows = selectors.initiative_list_for_user(
        user, filters, sort=sort if sort in selectors.SORTS else "-year"
    )
    count = rows.count()
    rows = rows.select_related("territory__parent__parent").prefetch_related(
        "tags",
        "indicators",
        Prefetch("recognitions", queryset=Recognition.objects.order_by("-decision_date", "-id")),
    )
    columns = [
        ExportColumn(_("Name"), lambda m: m.name, width=40),
        ExportColumn(_("Model or exemplar"), lambda m: m.get_kind_display()),
        ExportColumn(_("Subject"), lambda m: m.get_subject_display(), width=12),
        ExportColumn(_("Person"), lambda m: m.person_name, width=24),
        ExportColumn(_("Organisation"), lambda m: m.organisation.name, width=32),
        ExportColumn(_("Field"), lambda m: m.field.name, width=22),
        ExportColumn(_("Unit"), lambda m: m.territory.name, width=24),
        ExportColumn(_("Province"), lambda m: _province(m.territory), width=22),
        ExportColumn(_("Year"), lambda m: m.year, kind="int", width=8),
        ExportColumn(_("Status"), lambda m: m.get_status_display()),
        ExportColumn(_("Recognised level"), lambda m: m.get_level_display()),
        ExportColumn(_("Score"), lambda m: m.score, kind="decimal", width=8),
        *(_indicator_column(kind) for kind in selectors.active_indicator_kinds()),
        ExportColumn(
            _("Keywords"), lambda m: ", ".join(sorted(t.name for t in m.tags.all())), width=24
        ),
        ExportColumn(_("Recognition decision"), _recognition, width=24),
    ]
    title = _("Skilled mass mobilisation models")
    return ExportSpec(
        filename=f"{title}.xlsx",
        title=title,
        columns=columns,
        queryset_or_rows=rows,
        count=count,
        filters_line=_filters_line(filters),
    )


register_export(KEY, initiative_export)
