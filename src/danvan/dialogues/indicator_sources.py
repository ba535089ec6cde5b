"""Figures that plans and campaigns can take from dialogues and petitions (core.indicators)."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from danvan.core.indicators import (
    IndicatorSource,
    list_url,
    moment_bounds,
    register_source,
    subtree_q,
)
from danvan.core.roles import Domain
from danvan.dialogues.models import (
    ANSWERED_STATES,
    HIDDEN_STATES,
    Conference,
    ConferenceStatus,
    Petition,
)

HELD_STATES = (ConferenceStatus.HELD, ConferenceStatus.MINUTES_PUBLISHED)


def petitions_received(territory, first, last) -> int:
    """Petitions received in the period; duplicates merged away and spam are not petitions."""
    start, end = moment_bounds(first, last)
    return (
        Petition.objects.filter(subtree_q(territory), received_at__gte=start, received_at__lt=end)
        .exclude(status__in=HIDDEN_STATES)
        .count()
    )


def petitions_answered_on_time(territory, first, last) -> int:
    """Petitions answered in the period on or before their deadline."""
    start, end = moment_bounds(first, last)
    return Petition.objects.filter(
        subtree_q(territory),
        status__in=ANSWERED_STATES,
        answered_at__gte=start,
        answered_at__lt=end,
        answered_at__date__lte=F("deadline"),
    ).count()


def conferences_held(territory, first, last) -> int:
    """Dialogue conferences that took place in the period (by their date)."""
    start, end = moment_bounds(first, last)
    return Conference.objects.filter(
        subtree_q(territory), status__in=HELD_STATES, starts_at__gte=start, starts_at__lt=end
    ).count()


def _inbox(territory, first, last, **params) -> str:
    # The inbox filters by year, and by month when the period is one month.
    month = first.month if (first.year, first.month) == (last.year, last.month) else ""
    return list_url("dialogues:petition_inbox", territory, year=first.year, month=month, **params)


register_source(
    IndicatorSource(
        key="dialogues.petitions_received",
        label=_("Petitions received"),
        unit=_("petitions"),
        domain=Domain.DIALOGUES,
        compute=petitions_received,
        drill_url=lambda territory, first, last: _inbox(territory, first, last, tab="all"),
    )
)
register_source(
    IndicatorSource(
        key="dialogues.petitions_answered_on_time",
        label=_("Petitions answered on time"),
        unit=_("petitions"),
        domain=Domain.DIALOGUES,
        compute=petitions_answered_on_time,
        drill_url=lambda territory, first, last: _inbox(territory, first, last, tab="answered"),
    )
)
register_source(
    IndicatorSource(
        key="dialogues.conferences_held",
        label=_("Dialogue conferences held"),
        unit=_("conferences"),
        domain=Domain.DIALOGUES,
        compute=conferences_held,
        drill_url=lambda territory, first, last: list_url(
            "dialogues:conference_list", territory, year=first.year, status=ConferenceStatus.HELD
        ),
    )
)
