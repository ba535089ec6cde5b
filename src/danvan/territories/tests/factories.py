import factory

from danvan.core.search import search_key
from danvan.territories.models import Era, Level, Territory


class ProvinceFactory(factory.django.DjangoModelFactory):
    """A current-era province; pass era=Era.LEGACY for a historic one."""

    class Meta:
        model = Territory
        django_get_or_create = ("era", "level", "code")

    era = Era.CURRENT
    level = Level.PROVINCE
    code = factory.Sequence(lambda n: 90 + n)
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    division_type = "tỉnh"
    province_code = factory.SelfAttribute("code")
    path = factory.LazyAttribute(lambda o: f"{o.era}/{o.code}/")
    scope_path = factory.LazyAttribute(lambda o: o.path)
    search_name = factory.LazyAttribute(lambda o: search_key(o.name))


class CommuneFactory(factory.django.DjangoModelFactory):
    """A current-era commune under a province (created when not given)."""

    class Meta:
        model = Territory
        django_get_or_create = ("era", "level", "code")

    era = Era.CURRENT
    level = Level.COMMUNE
    parent = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: 50000 + n)
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    division_type = "xã"
    province_code = factory.LazyAttribute(lambda o: o.parent.code)
    path = factory.LazyAttribute(lambda o: f"{o.parent.path}{o.code}/")
    scope_path = factory.LazyAttribute(lambda o: o.path)
    search_name = factory.LazyAttribute(lambda o: search_key(o.name))
