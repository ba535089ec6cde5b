"""Figures that plans and campaigns can take from the "Dân vận khéo" models (core.indicators)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from danvan.core.indicators import (
    IndicatorSource,
    list_url,
    moment_bounds,
    register_source,
    subtree_q,
)
from danvan.core.roles import Domain
from danvan.initiatives.models import Initiative, Recognition, Status


def models_recognised(territory, first, last) -> int:
    """Models with a recognition decision dated in the period (counted once at any level)."""
    return Recognition.objects.filter(
        subtree_q(territory), decision_date__range=(first, last)
    ).aggregate(models=Count("initiative_id", distinct=True))["models"]


def models_registered(territory, first, last) -> int:
    """Models registered for the movement in the period: dated by their submission to the
    committee (a draft still being written is not registered yet; the row's creation date is
    when it was typed in, often long after)."""
    start, end = moment_bounds(first, last)
    return Initiative.objects.filter(
        subtree_q(territory), submitted_at__gte=start, submitted_at__lt=end
    ).count()


# The model list filters by registration year, the nearest it has to a period.
register_source(
    IndicatorSource(
        key="initiatives.recognised",
        label=_("“Dân vận khéo” models recognised"),
        unit=_("models"),
        domain=Domain.INITIATIVES,
        compute=models_recognised,
        drill_url=lambda territory, first, last: list_url(
            "initiatives:initiative-list", territory, status=Status.RECOGNISED, year=first.year
        ),
    )
)
register_source(
    IndicatorSource(
        key="initiatives.registered",
        label=_("“Dân vận khéo” models registered"),
        unit=_("models"),
        domain=Domain.INITIATIVES,
        compute=models_registered,
        drill_url=lambda territory, first, last: list_url(
            "initiatives:initiative-list", territory, year=first.year
        ),
    )
)
