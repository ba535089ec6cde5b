"""Reads for the dialogue and petition screens, always narrowed by the scope policy first."""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from danvan.core import scope
from danvan.dialogues.models import (
    ANSWERED_STATES,
    HELD_STATES,
    HIDDEN_STATES,
    OPEN_STATES,
    Conference,
    ConferencePlan,
    Petition,
    PetitionStatus,
)
from danvan.dialogues.services import deadlines


def petitions_visible(user, action: str = "dialogues.view") -> QuerySet[Petition]:
    return scope.filter(user, action, Petition.objects.all())


def conferences_visible(user, action: str = "dialogues.view") -> QuerySet[Conference]:
    return scope.filter(user, action, Conference.objects.all())


# --- inbox ----------------------------------------------------------------------------------------

INBOX_BUCKETS = ("new", "mine", "agency", "due_soon", "overdue", "escalated", "answered", "spam")


def inbox_q(user, bucket: str, on: date) -> Q:
    """The condition for one inbox tab (on top of the scope filter)."""
    if bucket == "new":
        return Q(status=PetitionStatus.RECEIVED)
    if bucket == "mine":
        return Q(officer=user, status__in=OPEN_STATES)
    if bucket == "agency":
        if not getattr(user, "organisation_id", None):
            return Q(pk__in=[])
        return Q(agency_id=user.organisation_id, status__in=OPEN_STATES)
    if bucket == "due_soon":
        return deadlines.due_soon_q(on)
    if bucket == "overdue":
        return deadlines.overdue_q(on)
    if bucket == "escalated":
        return Q(status__in=OPEN_STATES, escalated_at__isnull=False)
    if bucket == "answered":
        return Q(status__in=ANSWERED_STATES)
    if bucket == "spam":
        return Q(status=PetitionStatus.SPAM)
    raise ValueError(bucket)


def inbox(user, bucket: str = "new", *, on: date | None = None) -> QuerySet[Petition]:
    on = on or timezone.localdate()
    rows = petitions_visible(user).filter(inbox_q(user, bucket, on))
    order = ["-answered_at"] if bucket == "answered" else ["deadline", "received_at", "pk"]
    return rows.select_related("territory", "agency", "officer").order_by(*order)


# Tabs whose petitions are all open: counted together over the open petitions only, which the
# partial index `petition_open_inbox` holds (a few per cent of all petitions).
OPEN_BUCKETS = ("new", "mine", "agency", "due_soon", "overdue", "escalated")


def inbox_counts(user, *, on: date | None = None, cap: int | None = None) -> dict[str, int]:
    """Sizes of every tab: one query over the open petitions, one count each for answered and
    spam. With `cap`, those two stop counting past `cap` (a count of `cap + 1` reads "more than
    `cap`"), so a national scope does not count a million answered petitions for a badge."""
    on = on or timezone.localdate()
    visible = petitions_visible(user)
    counts = visible.filter(status__in=OPEN_STATES).aggregate(
        **{bucket: Count("status", filter=inbox_q(user, bucket, on)) for bucket in OPEN_BUCKETS}
    )
    for bucket in ("answered", "spam"):
        rows = visible.filter(inbox_q(user, bucket, on)).order_by()
        counts[bucket] = rows[: cap + 1].count() if cap else rows.count()
    return {bucket: counts[bucket] or 0 for bucket in INBOX_BUCKETS}


# --- duplicates -------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]{3,}")
# Words too common in petitions to say two of them are about the same thing.
_COMMON = frozenset(
    [
        "cua",
        "cho",
        "cac",
        "nhung",
        "duoc",
        "khong",
        "trong",
        "voi",
        "nguoi",
        "dan",
        "xin",
        "kien",
        "nghi",
        "phan",
        "anh",
        "viec",
        "tai",
        "theo",
        "nay",
        "den",
        "hien",
        "dang",
        "lam",
        "ban",
        "can",
    ]
)


def _words(search_text: str) -> set[str]:
    return {w for w in _WORD.findall(search_text) if w not in _COMMON}


def similarity(a: str, b: str) -> float:
    """Share of distinctive words two accent-free texts have in common (Jaccard)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


@dataclass
class Suggestion:
    petition: Petition
    score: float


def similar_petitions(
    petition: Petition, user, *, limit: int = 5, threshold: float = 0.3, days: int = 180
) -> list[Suggestion]:
    """Likely duplicates of `petition` the user may see: same unit, field, recent, by words."""
    since = petition.received_at - timedelta(days=days)
    candidates = (
        petitions_visible(user)
        .filter(
            territory_id=petition.territory_id, category=petition.category, received_at__gte=since
        )
        .exclude(pk=petition.pk)
        .exclude(status__in=HIDDEN_STATES)
        .only("pk", "code", "title", "status", "search_text", "received_at", "deadline")
        .order_by("-received_at")[:500]
    )
    scored = [
        Suggestion(other, round(similarity(petition.search_text, other.search_text), 2))
        for other in candidates
    ]
    scored = [s for s in scored if s.score >= threshold]
    scored.sort(key=lambda s: (-s.score, -s.petition.pk))
    return scored[:limit]


# --- conferences -------------------------------------------------------------------------------------


@dataclass
class FollowUp:
    total: int
    answered: int
    open: int
    overdue: int

    @property
    def answered_percent(self) -> float | None:
        return round(100 * self.answered / self.total, 1) if self.total else None


def conference_follow_up(conference: Conference, *, on: date | None = None) -> FollowUp:
    """What became of what people raised: "of 42 petitions, 35 answered, 4 overdue"."""
    on = on or timezone.localdate()
    counts = conference.petitions.exclude(status__in=HIDDEN_STATES).aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(status__in=ANSWERED_STATES)),
        open=Count("pk", filter=Q(status__in=OPEN_STATES)),
        overdue=Count("pk", filter=deadlines.overdue_q(on)),
    )
    return FollowUp(**counts)


@dataclass
class PlanProgress:
    plan: ConferencePlan
    held: int
    required_by_now: int

    @property
    def behind(self) -> bool:
        return self.held < self.required_by_now


def required_by(planned: int, year: int, on: date) -> int:
    """How many of `planned` conferences should have been held by `on` (evenly over the year)."""
    if on.year > year:
        return planned
    if on.year < year:
        return 0
    start = date(year, 1, 1)
    share = ((on - start).days + 1) / ((date(year + 1, 1, 1) - start).days)
    return math.floor(planned * share)


def plan_progress(user, year: int, *, on: date | None = None) -> list[PlanProgress]:
    """Each visible unit's plan for `year`, with the conferences held so far."""
    on = on or timezone.localdate()
    plans = list(
        scope.filter(user, "dialogues.view", ConferencePlan.objects.filter(year=year))
        .select_related("territory")
        .order_by("territory__path")
    )
    held: dict[str, int] = {}
    if plans:
        rows = (
            conferences_visible(user)
            .filter(status__in=HELD_STATES, starts_at__year=year)
            .values_list("territory__scope_path")
            .annotate(n=Count("pk"))
        )
        for path, n in rows:
            held[path] = held.get(path, 0) + n
    result = []
    for plan in plans:
        # A unit's plan counts the conferences of the unit itself and of the units below it.
        prefix = plan.territory.path
        count = sum(n for path, n in held.items() if path.startswith(prefix))
        result.append(PlanProgress(plan, count, required_by(plan.planned_count, year, on)))
    return result


def upcoming_conferences(*, on: date | None = None, limit: int = 20) -> QuerySet[Conference]:
    """Planned conferences from today on, for the public portal (no scope: they are public)."""
    start = timezone.now()
    if on is not None:
        start = timezone.make_aware(datetime.combine(on, time.min))
    return (
        Conference.objects.filter(status="planned", starts_at__gte=start)
        .select_related("territory")
        .order_by("starts_at")[:limit]
    )


def public_answers(*, territory=None, category: str = "") -> QuerySet[Petition]:
    """Answered petitions whose answer is public; callers show no personal data."""
    rows = Petition.objects.filter(status__in=ANSWERED_STATES, answer_public=True)
    if territory is not None:
        rows = rows.filter(territory__scope_path__under=territory.path)
    if category:
        rows = rows.filter(category=category)
    return rows.select_related("territory", "agency").order_by("-answered_at", "-pk")


# --- petition lists and pages --------------------------------------------------------------------


@dataclass
class PetitionFilters:
    """What the inbox and the API list narrow by, on top of the scope and the inbox tab."""

    territory: object = None  # the unit whose subtree is shown
    category: str = ""
    channel: str = ""
    agency_id: int | None = None
    status: str = ""
    year: int | None = None
    month: int | None = None
    query: str = ""


def petition_list(
    user, bucket: str = "", filters: PetitionFilters | None = None, *, on: date | None = None
) -> QuerySet[Petition]:
    """Visible petitions in one inbox tab (or all but merged and spam when `bucket` is empty)."""
    from danvan.core.search import filter_by_search

    filters = filters or PetitionFilters()
    if bucket:
        rows = inbox(user, bucket, on=on)
    else:
        rows = (
            petitions_visible(user)
            .exclude(status__in=HIDDEN_STATES)
            .select_related("territory", "agency", "officer")
            .order_by("-received_at", "-pk")
        )
    if filters.status:
        # A status asked for explicitly shows it even where the tab would hide it (merged).
        if not bucket:
            rows = (
                petitions_visible(user)
                .select_related("territory", "agency", "officer")
                .order_by("-received_at", "-pk")
            )
        rows = rows.filter(status=filters.status)
    if filters.territory is not None:
        rows = rows.filter(territory__scope_path__under=filters.territory.path)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.agency_id:
        rows = rows.filter(agency_id=filters.agency_id)
    if filters.year:
        rows = rows.filter(received_at__year=filters.year)
        if filters.month:
            rows = rows.filter(received_at__month=filters.month)
    return filter_by_search(rows, filters.query, field="search_text")


def petition_get(user, pk) -> Petition:
    """One petition the user may see, with what its page shows; 404 otherwise."""
    return scope.get_visible_or_404(
        user,
        "dialogues.view",
        Petition.objects.select_related(
            "territory__parent",
            "agency",
            "officer",
            "conference",
            "merged_into",
            "answered_by",
            "created_by",
        ),
        pk=pk,
    )
