"""Shapes of the document register API (dates ISO 8601)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from danvan.documents.models import RelationKind, Validity
from danvan.territories.schemas import TerritoryRefOut

ValidityIn = Literal[tuple(Validity.values)]  # type: ignore[valid-type]
RelationKindIn = Literal[tuple(RelationKind.values)]  # type: ignore[valid-type]
VERSION_DESCRIPTION = "The version read; if someone saved since, the answer is 409 conflict."


class Stripped(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)


class DocumentTypeOut(Schema):
    id: int
    code: str
    name_vi: str
    name_en: str
    is_active: bool


class DocumentFiltersIn(Schema):
    q: str = Field(
        "", max_length=200, description="Words of the number, title, summary or attached files."
    )
    issuer_id: int | None = Field(None, description="The issuing organisation.")
    issuer_name: str = Field("", max_length=200, description="Words of the issuer's name.")
    doc_type_id: int | None = None
    year: int | None = Field(None, ge=1900, le=2100)
    territory_id: int | None = Field(None, description="A unit and the units below it.")
    validity: ValidityIn | None = None


class DocumentListOut(Schema):
    id: int
    number_symbol: str
    number: int | None
    doc_type: DocumentTypeOut
    issuer_id: int | None
    issuer_name: str
    territory: TerritoryRefOut | None
    issued_on: date
    title: str
    validity: str
    version: int


class RelatedDocumentOut(Schema):
    id: int
    number_symbol: str
    title: str
    issued_on: date


class RelationOut(Schema):
    id: int
    kind: str
    document: RelatedDocumentOut = Field(description="The document on the other side.")


class AttachmentTextOut(Schema):
    id: int
    original_name: str
    kind: str
    size: int
    text_extracted_at: datetime | None
    text_length: int


class PlanRefOut(Schema):
    id: int
    title: str
    year: int | None = None


class DocumentOut(DocumentListOut):
    signer: str
    summary: str
    recipients: str
    valid_from: date | None
    valid_until: date | None
    created_at: datetime
    updated_at: datetime
    relations_out: list[RelationOut] = Field(
        description="What this document implements, amends or replaces."
    )
    relations_in: list[RelationOut] = Field(
        description="Documents implementing, amending or replacing it."
    )
    attachments: list[AttachmentTextOut]
    plans: list[PlanRefOut]
    campaigns: list[PlanRefOut]


class DocumentIn(Stripped):
    number_symbol: str = Field(..., min_length=1, max_length=60, examples=["25-NQ/TW"])
    doc_type_id: int
    issued_on: date
    title: str = Field(..., min_length=1, max_length=500)
    issuer_id: int | None = Field(
        None, description="The issuing organisation; none for a body outside the register."
    )
    issuer_name: str = Field(
        "", max_length=255, description="As printed; required without issuer_id."
    )
    signer: str = Field("", max_length=150)
    summary: str = Field("", max_length=20_000)
    recipients: str = Field("", max_length=5_000)
    validity: ValidityIn = Validity.IN_FORCE.value
    valid_from: date | None = None
    valid_until: date | None = None


class DocumentUpdateIn(DocumentIn):
    version: int = Field(description=VERSION_DESCRIPTION)


class RelationIn(Schema):
    target_id: int
    kind: RelationKindIn


class CountsRowOut(Schema):
    issuer_id: int | None
    issuer_name: str
    by_year: dict[int, int]
    total: int


class CountsOut(Schema):
    years: list[int]
    rows: list[CountsRowOut]
    column_totals: dict[int, int]
    total: int
    other_issuers: int
    other_total: int
