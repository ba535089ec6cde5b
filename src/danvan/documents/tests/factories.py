"""Factories for the document register. Rows are built directly; tests of the rules go through
the services."""

from datetime import date

import factory

from danvan.core.search import normalize, search_key
from danvan.documents.models import DocumentType, GuidanceDocument
from danvan.documents.services import DocumentData, natural_key_of, parse_number, unit_path_of
from danvan.organisations.tests.factories import OrganisationFactory


def doc_type(code: str = "HD") -> DocumentType:
    """One of the types the migration seeds."""
    return DocumentType.objects.get(code=code)


class GuidanceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidanceDocument

    number_symbol = factory.Sequence(lambda n: f"{n + 1}-HD/BDVTU")
    number = factory.LazyAttribute(lambda o: parse_number(o.number_symbol))
    doc_type = factory.LazyFunction(doc_type)
    issuer = factory.SubFactory(OrganisationFactory)
    issuer_name = factory.LazyAttribute(
        lambda o: o.issuer.name if o.issuer else "Ban Chấp hành Trung ương"
    )
    issuer_key = factory.LazyAttribute(lambda o: normalize(o.issuer_name))
    territory = factory.LazyAttribute(lambda o: o.issuer.territory if o.issuer else None)
    unit_path = factory.LazyAttribute(lambda o: unit_path_of(o.territory))
    issued_on = date(2024, 3, 15)
    title = factory.Sequence(lambda n: f"Hướng dẫn thực hiện phong trào Dân vận khéo đợt {n}")
    natural_key = factory.LazyAttribute(
        lambda o: natural_key_of(
            issuer_id=o.issuer.pk if o.issuer else None,
            issuer_name=o.issuer_name,
            year=o.issued_on.year,
            number_symbol=o.number_symbol,
        )
    )
    search_text = factory.LazyAttribute(
        lambda o: search_key(o.number_symbol, o.title, o.issuer_name)
    )


def document_data(**overrides) -> DocumentData:
    """What a register or edit form would hand the services: a valid guidance of 2024."""
    values = {
        "number_symbol": "12-HD/BTGDVTU",
        "doc_type": doc_type("HD"),
        "issued_on": date(2024, 2, 1),
        "title": "Hướng dẫn triển khai phong trào thi đua Dân vận khéo năm 2024",
    }
    values.update(overrides)
    return DocumentData(**values)
