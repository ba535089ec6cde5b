import factory

from danvan.core.search import search_key
from danvan.initiatives.models import (
    Council,
    CouncilMember,
    CriteriaSet,
    Criterion,
    Field,
    Initiative,
    Kind,
    Level,
    ReviewRound,
    Subject,
)
from danvan.organisations.tests.factories import OrganisationFactory


def field(code: str = "kinh_te") -> Field:
    """The fields are seeded by a migration; tests use the real rows."""
    return Field.objects.get(code=code)


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    name = factory.Sequence(lambda n: f"Mô hình tự quản số {n}")
    summary = "Người dân tự quản đường làng, giữ vệ sinh và an ninh trật tự."
    kind = Kind.MODEL
    subject = Subject.COLLECTIVE
    field = factory.LazyFunction(field)
    organisation = factory.SubFactory(OrganisationFactory)
    territory = factory.LazyAttribute(lambda o: o.organisation.territory)
    year = 2025
    registered_years = factory.LazyAttribute(lambda o: [o.year])
    search_name = factory.LazyAttribute(lambda o: search_key(o.name))
    search_text = factory.LazyAttribute(lambda o: search_key(o.name, o.summary))


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSet
        skip_postgeneration_save = True

    name = "Phiếu chấm thử"

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        # (code, weight, max): a 60/40 sheet keeps hand-computed expectations simple.
        for order, (code, weight, maximum) in enumerate(
            extracted or [("a", 60, 10), ("b", 40, 10)]
        ):
            Criterion.objects.create(
                criteria_set=self,
                code=code,
                name=f"Tiêu chí {code}",
                weight=weight,
                max_score=maximum,
                sort_order=order,
            )


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"Hội đồng thẩm định số {n}")
    year = 2025
    level = Level.PROVINCE
    territory = factory.SubFactory("danvan.territories.tests.factories.ProvinceFactory")
    issuer = factory.SubFactory(OrganisationFactory, territory=factory.SelfAttribute("..territory"))
    criteria_set = factory.SubFactory(CriteriaSetFactory)


class CouncilMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMember

    council = factory.SubFactory(CouncilFactory)
    user = factory.SubFactory("danvan.accounts.tests.factories.UserFactory")
    organisation = factory.LazyAttribute(lambda o: o.user.organisation)
    role = "member"


class ReviewRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewRound

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Đợt thẩm định {n}")
    deadline = factory.Faker("date_between", start_date="+5d", end_date="+30d")
