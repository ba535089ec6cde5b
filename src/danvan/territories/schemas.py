from typing import Literal

from ninja import Field, Schema

from danvan.territories.models import Era, Level

EraIn = Literal[Era.CURRENT.value, Era.LEGACY.value]
LevelIn = Literal[Level.PROVINCE.value, Level.DISTRICT.value, Level.COMMUNE.value]


class TerritoryRefOut(Schema):
    """Enough to name a unit and link to it."""

    id: int
    era: str
    level: str
    code: int
    name: str


class TerritoryOut(TerritoryRefOut):
    division_type: str
    province_code: int
    path: str
    scope_path: str
    has_several_successors: bool
    parent: TerritoryRefOut | None = None


class TerritoryChildOut(TerritoryOut):
    child_count: int


class TerritoryDetailOut(TerritoryOut):
    ancestors: list[TerritoryRefOut] = Field(
        description="From the province down to the parent, for a breadcrumb."
    )


class TerritoryLinkOut(Schema):
    """One old → new mapping row, seen from either end."""

    territory: TerritoryOut
    partly_merged: bool


class TerritoryFiltersIn(Schema):
    q: str = Field("", description="Name, accent-insensitive; prefixes like 'Xã' are optional.")
    era: EraIn | None = None
    level: LevelIn | None = None
    parent_id: int | None = Field(None, description="Only units under this one (any depth).")
    parent_code: int | None = Field(
        None, description="Like parent_id, by code within `era` (current era when not given)."
    )
    parent_level: LevelIn | None = Field(
        None,
        description="Level of parent_code, for historic codes shared by a province and a district.",
    )
