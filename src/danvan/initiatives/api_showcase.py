"""Model statistics (staff, within scope) and the public showcase (no login) over the API.

Two routers: `statistics_router` at /models-statistics keeps the API's sign-in; every operation
of `public_router` at /public/models says `auth=None` and reads only recognised models.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from danvan.core import scope
from danvan.core.api_utils import error_responses, paginated, unknown_choice
from danvan.core.attachments import public_attachments_for
from danvan.initiatives import selectors
from danvan.initiatives import statistics as stats
from danvan.initiatives.models import Kind, Level, Status, Subject
from danvan.initiatives.views.public import current_provinces, province_by_code, public_filters
from danvan.territories.models import Territory
from danvan.territories.schemas import TerritoryRefOut

statistics_router = Router(tags=["models"])
public_router = Router(tags=["public"])

LevelIn = Literal[tuple(Level.values)]  # type: ignore[valid-type]
SubjectIn = Literal[tuple(Subject.values)]  # type: ignore[valid-type]
KindIn = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
StatusIn = Literal[tuple(Status.values)]  # type: ignore[valid-type]


# --- statistics ---------------------------------------------------------------------------------


class StatisticsFiltersIn(Schema):
    measure: Literal["recognised", "registered"] = Field(
        "recognised",
        description="recognised: recognition decisions (year and level of the decision); "
        "registered: models by registration year.",
    )
    year: int | None = Field(None, ge=2000, le=2100)
    level: LevelIn | None = None
    field: str = Field("", max_length=40, description="A field code.")
    subject: SubjectIn | None = None
    kind: KindIn | None = None
    status: StatusIn | None = Field(None, description="Only with measure=registered.")
    territory_id: int | None = Field(
        None, description="The unit to break down (default: the caller's whole scope)."
    )


class StatisticsCellOut(Schema):
    field: str = Field(description="Field code.")
    subject: str
    count: int


class StatisticsRowOut(Schema):
    unit: TerritoryRefOut | None = Field(
        None, description="None for the row of records filed directly under the unit shown."
    )
    name: str
    counts: list[StatisticsCellOut]
    by_field: dict[str, int]
    by_subject: dict[str, int]
    total: int


class StatisticsOut(Schema):
    measure: str
    unit: TerritoryRefOut | None = Field(
        None, description="The unit broken down; None for the caller's whole scope."
    )
    summary: str
    rows: list[StatisticsRowOut]
    totals: StatisticsRowOut


def _row_out(table: stats.StatisticsTable, row: stats.StatisticsRow) -> dict:
    return {
        "unit": row.territory,
        "name": row.label,
        "counts": [
            {"field": c.field.code, "subject": c.subject, "count": row.count(c.field.pk, c.subject)}
            for c in table.columns
        ],
        "by_field": {f.code: row.by_field(f.pk) for f in table.fields},
        "by_subject": {value: row.by_subject(value) for value, _label in table.subjects},
        "total": row.total,
    }


@statistics_router.get("", response={200: StatisticsOut, **error_responses(403, 404, 422)})
def model_statistics(request, filters: Query[StatisticsFiltersIn]):
    """Counts per unit below the chosen one, by field and subject, within the caller's scope."""
    if not scope.can_anywhere(request.user, stats.VIEW):
        raise PermissionDenied
    params = {k: v for k, v in filters.dict().items() if v is not None}
    unit = stats.statistics_unit_for_user(request.user, params.pop("territory_id", None))
    table = stats.statistics_table_for_user(
        request.user, stats.StatisticsFilters.from_params(params), unit
    )
    return {
        "measure": table.filters.measure,
        "unit": unit,
        "summary": stats.statistics_summary(table),
        "rows": [_row_out(table, row) for row in table.rows],
        "totals": _row_out(table, table.totals),
    }


# --- public showcase ----------------------------------------------------------------------------


class NamedOut(Schema):
    code: str
    name: str


class PublicUnitOut(Schema):
    id: int
    name: str
    province: str = Field(description="The unit above, when there is one.")

    @staticmethod
    def resolve_province(obj) -> str:
        return obj.parent.name if obj.parent_id else ""


class PublicRecognitionOut(Schema):
    level: str
    level_label: str
    year: int
    decision_number: str
    decision_date: date
    issuer: str

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_issuer(obj) -> str:
        return obj.issuer.name


class PublicIndicatorOut(Schema):
    kind: str
    name: str
    unit: str
    value: Decimal
    note: str


class PublicAttachmentOut(Schema):
    id: int
    name: str
    caption: str
    kind: str
    url: str


class PublicInitiativeListOut(Schema):
    """What a list shows: never scores, notes or who typed the record."""

    id: int
    name: str
    summary: str
    kind: str
    subject: str
    field: NamedOut
    level: str
    year: int = Field(description="First registered.")
    unit: PublicUnitOut
    organisation: str
    person_name: str = Field(description="Only for individual models.")

    @staticmethod
    def resolve_field(obj) -> dict:
        return {"code": obj.field.code, "name": obj.field.name}

    @staticmethod
    def resolve_unit(obj) -> Territory:
        return obj.territory

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person_name if obj.subject == Subject.INDIVIDUAL else ""


class PublicInitiativeOut(PublicInitiativeListOut):
    problem: str
    mobilisation: str
    person_position: str = Field(description="Only for individual models.")
    started_on: date | None
    recognitions: list[PublicRecognitionOut]
    indicators: list[PublicIndicatorOut]
    attachments: list[PublicAttachmentOut]

    @staticmethod
    def resolve_person_position(obj) -> str:
        return obj.person_position if obj.subject == Subject.INDIVIDUAL else ""

    @staticmethod
    def resolve_recognitions(obj) -> list:
        return selectors.public_recognitions(obj)

    @staticmethod
    def resolve_indicators(obj) -> list[dict]:
        return [
            {
                "kind": i.kind.code,
                "name": i.kind.name,
                "unit": i.kind.unit,
                "value": i.value,
                "note": i.note,
            }
            for i in obj.indicators.select_related("kind")
        ]

    @staticmethod
    def resolve_attachments(obj) -> list[dict]:
        return [
            {
                "id": a.pk,
                "name": a.original_name,
                "caption": a.caption,
                "kind": a.kind,
                "url": reverse("core:attachment-public", args=[a.pk]),
            }
            for a in public_attachments_for(obj)
        ]


class PublicFiltersIn(Schema):
    q: str = Field("", max_length=200, description="Name or summary, accent-insensitive.")
    year: int | None = Field(None, ge=2000, le=2100)
    level: LevelIn | None = None
    field: str = Field("", max_length=40, description="A field code.")
    subject: SubjectIn | None = None
    kind: KindIn | None = None
    province: int | None = Field(None, description="A current province code.")


class PublicCountOut(Schema):
    code: str
    name: str
    count: int


class PublicProvinceOut(Schema):
    province: TerritoryRefOut
    total: int
    by_field: list[PublicCountOut]
    by_level: list[PublicCountOut]


def _filters(filters: PublicFiltersIn, province: Territory | None = None):
    params = {k: v for k, v in filters.dict().items() if v is not None}
    if province is None and "province" in params:
        province = current_provinces().filter(code=params.pop("province")).first()
        if province is None:
            raise unknown_choice("province", source="query")
    params.pop("province", None)
    return public_filters(params, province=province)


@public_router.get(
    "", response={200: list[PublicInitiativeListOut], **error_responses(422)}, auth=None
)
@paginated
def public_model_list(request, filters: Query[PublicFiltersIn]):
    """Recognised models, searched and filtered; no sign-in needed."""
    return selectors.public_initiatives(_filters(filters))


@public_router.get(
    "/provinces/{int:code}", response={200: PublicProvinceOut, **error_responses(404)}, auth=None
)
def public_province(request, code: int):
    """A province's recognised models counted by field and by level; list them with
    `?province=<code>` on the list."""
    province = province_by_code(code)
    counts = stats.public_counts(province)
    return {
        "province": province,
        "total": counts.total,
        "by_field": [{"code": f.code, "name": f.name, "count": n} for f, n in counts.by_field],
        "by_level": [{"code": lv, "name": label, "count": n} for lv, label, n in counts.by_level],
    }


@public_router.get(
    "/{int:model_id}", response={200: PublicInitiativeOut, **error_responses(404)}, auth=None
)
def public_model_detail(request, model_id: int):
    """One recognised model with what its recognition published; anything else is 404."""
    return selectors.public_initiative_get(model_id)


__all__ = ["public_router", "statistics_router"]
