import factory

from danvan.core.search import search_key
from danvan.organisations.models import Organisation, OrganisationKind
from danvan.territories.tests.factories import CommuneFactory


class OrganisationKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationKind
        django_get_or_create = ("code",)

    code = "womens_union"
    name_vi = "Hội Liên hiệp Phụ nữ"
    name_en = "Women's Union"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Hội Phụ nữ số {n}")
    short_name = ""
    kind = factory.SubFactory(OrganisationKindFactory)
    territory = factory.SubFactory(CommuneFactory)
    search_name = factory.LazyAttribute(lambda o: search_key(o.name, o.short_name))
