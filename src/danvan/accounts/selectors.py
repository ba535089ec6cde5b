from django.db.models import Prefetch, QuerySet

from danvan.accounts.models import RoleGrant, User
from danvan.core import scope
from danvan.core.search import filter_by_search

USER_VIA = "organisation__territory"


def user_list_for_user(
    user,
    *,
    query: str = "",
    role: str = "",
    is_active: bool | None = None,
    territory=None,
    organisation_id: int | None = None,
) -> QuerySet[User]:
    qs = scope.filter(user, "accounts.user.view", User.objects.all(), via=USER_VIA)
    if territory is not None:
        qs = qs.filter(organisation__territory__scope_path__under=territory.path)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if role:
        qs = qs.filter(grants__role=role).distinct()
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    qs = filter_by_search(qs, query)
    grants = Prefetch("grants", queryset=RoleGrant.objects.select_related("territory"))
    return (
        qs.select_related("organisation", "organisation__territory")
        .prefetch_related(grants)
        .order_by("username")
    )


def user_get_for_user(user, pk) -> User:
    return scope.get_visible_or_404(
        user,
        "accounts.user.view",
        User.objects.select_related("organisation", "organisation__territory").prefetch_related(
            "grants__territory"
        ),
        via=USER_VIA,
        pk=pk,
    )
