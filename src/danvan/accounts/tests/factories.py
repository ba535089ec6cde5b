import factory

from danvan.accounts.models import RoleGrant, User
from danvan.core.search import search_key
from danvan.organisations.tests.factories import OrganisationFactory

DEFAULT_PASSWORD = "Mat-khau-thu-nghiem-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(DEFAULT_PASSWORD)
    search_name = factory.LazyAttribute(lambda o: search_key(o.full_name, o.username))


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = "officer"
    territory = factory.LazyAttribute(
        lambda o: o.user.organisation.territory if o.user.organisation else None
    )
    domain = ""


def user_with_role(role: str, territory=None, **kwargs) -> User:
    """A user whose organisation sits in `territory` and who holds `role` over it."""
    if territory is not None and "organisation" not in kwargs:
        kwargs["organisation"] = OrganisationFactory(territory=territory)
    user = UserFactory(**kwargs)
    RoleGrantFactory(user=user, role=role, territory=territory)
    return user
