"""The territory a signed-in user is currently working in (the header switcher).

It narrows list pages by default. It is only ever a narrowing: a unit outside the user's scope is
ignored, so the switcher cannot widen what anyone sees.
"""

from django.http import HttpRequest

from danvan.core import scope

SESSION_KEY = "danvan_territory_id"


def get(request: HttpRequest):
    from danvan.territories.models import Territory

    if hasattr(request, "_danvan_current_territory"):
        return request._danvan_current_territory
    territory = None
    territory_id = request.session.get(SESSION_KEY)
    if territory_id:
        territory = (
            scope.filter(
                request.user,
                "territories.switch",
                Territory.objects.filter(pk=territory_id),
                via=None,
            )
            .select_related("parent")
            .first()
        )
    request._danvan_current_territory = territory
    return territory


def set_(request: HttpRequest, territory) -> None:
    if territory is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = territory.pk
    request._danvan_current_territory = territory


def breadcrumb(territory) -> list:
    chain = []
    while territory is not None:
        chain.append(territory)
        territory = territory.parent
    return list(reversed(chain))
