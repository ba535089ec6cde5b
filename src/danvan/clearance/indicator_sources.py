"""Figures that plans and campaigns can take from land clearance (core.indicators)."""

from django.db.models import Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from danvan.clearance.models import (
    AGREED_STATES,
    CaseStatus,
    Donation,
    Household,
    VisitOutcome,
)
from danvan.core.indicators import IndicatorSource, list_url, register_source, subtree_q
from danvan.core.roles import Domain


def households_agreed(territory, first, last) -> int:
    """Households that agreed to hand over land, dated by the first visit that recorded the
    agreement (or, without one, by the handover itself)."""
    return (
        Household.objects.filter(subtree_q(territory, "project__territory"))
        .filter(status__in=AGREED_STATES)
        .annotate(
            agreed_on=Coalesce(
                Min("visits__visited_on", filter=Q(visits__outcome=VisitOutcome.AGREED)),
                "handed_over_on",
            )
        )
        .filter(agreed_on__range=(first, last))
        .count()
    )


def households_handed_over(territory, first, last) -> int:
    return Household.objects.filter(
        subtree_q(territory, "project__territory"),
        status=CaseStatus.HANDED_OVER,
        handed_over_on__range=(first, last),
    ).count()


def area_donated(territory, first, last):
    """Square metres of land donated for public works in the period."""
    total = Donation.objects.filter(
        subtree_q(territory), donated_on__range=(first, last)
    ).aggregate(area=Sum("area"))["area"]
    return total or 0


def _board(territory, first, last) -> str:
    return list_url("clearance:project-list", territory, year=first.year)


register_source(
    IndicatorSource(
        key="clearance.households_agreed",
        label=_("Households that agreed to hand over land"),
        unit=_("households"),
        domain=Domain.CLEARANCE,
        compute=households_agreed,
        drill_url=_board,
    )
)
register_source(
    IndicatorSource(
        key="clearance.households_handed_over",
        label=_("Households that handed over land"),
        unit=_("households"),
        domain=Domain.CLEARANCE,
        compute=households_handed_over,
        drill_url=_board,
    )
)
register_source(
    IndicatorSource(
        key="clearance.area_donated",
        label=_("Land donated for public works"),
        unit=_("m²"),
        domain=Domain.CLEARANCE,
        compute=area_donated,
        drill_url=lambda territory, first, last: list_url(
            "clearance:donation-list", territory, year=first.year
        ),
    )
)
