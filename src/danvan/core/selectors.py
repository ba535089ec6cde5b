from django.db.models import Count

from danvan.core import scope


def dashboard_counts(user, territory=None) -> dict[str, int | None]:
    """Headline counts for the home page, each through the scope policy (None: not allowed)."""
    from danvan.accounts.models import User
    from danvan.organisations.models import Organisation

    def narrowed(qs, via):
        if territory is None:
            return qs
        return qs.filter(**{f"{via}__scope_path__under": territory.path})

    counts: dict[str, int | None] = {"organisations": None, "users": None}
    if scope.can_anywhere(user, "organisations.view"):
        orgs = scope.filter(user, "organisations.view", Organisation.objects.all())
        counts["organisations"] = narrowed(orgs, "territory").count()
    if scope.can_anywhere(user, "accounts.user.view"):
        users = scope.filter(
            user, "accounts.user.view", User.objects.all(), via="organisation__territory"
        )
        counts["users"] = narrowed(users, "organisation__territory").count()
    return counts


def organisations_by_kind(user, territory=None) -> list[dict]:
    """Organisations per kind in the user's scope (and the current unit), for the home page."""
    from danvan.organisations.models import Organisation

    if not scope.can_anywhere(user, "organisations.view"):
        return []
    orgs = scope.filter(user, "organisations.view", Organisation.objects.filter(is_active=True))
    if territory is not None:
        orgs = orgs.filter(territory__scope_path__under=territory.path)
    rows = (
        orgs.values("kind__code", "kind__name_vi", "kind__name_en", "kind__sort_order")
        .annotate(total=Count("id"))
        .order_by("kind__sort_order", "kind__code")
    )
    return list(rows)
