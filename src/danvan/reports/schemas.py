"""Shapes of the reports API (dates ISO 8601, figures as exact decimal strings)."""

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from danvan.reports.models import ReportKind, ReportStatus
from danvan.territories.schemas import TerritoryRefOut

ReportKindIn = Literal[tuple(ReportKind.values)]  # type: ignore[valid-type]
ReportStatusIn = Literal[tuple(ReportStatus.values)]  # type: ignore[valid-type]
VERSION_DESCRIPTION = "The version read; if someone saved since, the answer is 409 conflict."


class OrganisationRefOut(Schema):
    id: int
    name: str
    territory_id: int


class TemplateOut(Schema):
    id: int
    name: str
    kind: str
    organisation_kind_id: int | None
    territory: TerritoryRefOut | None
    title: str
    opening: str
    closing: str
    recipients: str
    signer_authority: str
    signer_position: str
    include_plans: bool
    include_campaigns: bool
    include_domains: bool
    is_active: bool
    version: int
    updated_at: datetime


class PlaceholderOut(Schema):
    name: str
    meaning: str


class TemplateIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(..., min_length=1, max_length=200)
    kind: ReportKindIn
    organisation_kind_id: int | None = None
    territory_id: int | None = Field(None, description="None: a nationwide template.")
    title: str = Field(
        ..., min_length=1, max_length=300, description="May use the placeholders, e.g. {period}."
    )
    opening: str = Field("", max_length=5000)
    closing: str = Field("", max_length=5000, description="One task per line.")
    recipients: str = Field("", max_length=3000, description="One recipient per line.")
    signer_authority: str = Field("", max_length=120)
    signer_position: str = Field("", max_length=120)
    include_plans: bool = True
    include_campaigns: bool = True
    include_domains: bool = True
    is_active: bool = True
    version: int | None = Field(None, description=VERSION_DESCRIPTION)


class GenerateIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    organisation_id: int
    kind: ReportKindIn
    year: int = Field(..., ge=2000, le=2100)
    issued_on: date
    signer_name: str = Field(..., min_length=1, max_length=150)


class GenerateOut(Schema):
    report_id: int
    job_id: UUID
    number_label: str
    status: str


class ReportFiltersIn(Schema):
    territory_id: int | None = Field(None, description="A unit and the units below it.")
    organisation_id: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    kind: ReportKindIn | None = None
    status: ReportStatusIn | None = None


class ReportListOut(Schema):
    id: int
    organisation: OrganisationRefOut
    territory: TerritoryRefOut
    kind: str
    year: int
    number_label: str
    issued_on: date
    status: str
    created_at: datetime


class FileOut(Schema):
    kind: str
    filename: str
    url: str


class JobProgressOut(Schema):
    id: UUID
    status: str
    message: str
    progress_done: int
    progress_total: int | None


class ReportOut(ReportListOut):
    place: str
    signer_name: str
    template_id: int | None
    template_snapshot: dict[str, Any]
    figures: dict[str, Any]
    error: str
    finished_at: datetime | None
    job: JobProgressOut | None
    files: list[FileOut]
