"""Reads of models, councils and figures, always narrowed by the scope policy."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from danvan.core import scope
from danvan.core.search import filter_by_words
from danvan.initiatives.models import (
    Council,
    CriteriaSet,
    Entry,
    Field,
    IndicatorKind,
    Initiative,
    Recognition,
    ReviewRound,
    ScoreSheet,
    Status,
)

SORTS = {
    "name": ("search_name", "id"),
    "-name": ("-search_name", "-id"),
    "year": ("year", "id"),
    "-year": ("-year", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "score": ("score", "id"),
    "-score": ("-score", "-id"),
}


@dataclass(frozen=True)
class InitiativeFilters:
    query: str = ""
    year: int | None = None
    level: str = ""
    field: str = ""  # Field.code
    subject: str = ""
    kind: str = ""
    status: str = ""
    territory: object = None  # a Territory: its whole subtree in today's tree
    organisation_id: int | None = None
    tag: str = ""


def _filtered(qs: QuerySet, filters: InitiativeFilters) -> QuerySet:
    if filters.territory is not None:
        qs = qs.filter(territory__scope_path__under=filters.territory.path)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.field:
        qs = qs.filter(field__code=filters.field)
    if filters.subject:
        qs = qs.filter(subject=filters.subject)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.organisation_id:
        qs = qs.filter(organisation_id=filters.organisation_id)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    return filter_by_words(qs, filters.query, field="search_text")


def initiative_list_for_user(
    user, filters: InitiativeFilters = InitiativeFilters(), *, sort: str = "-year"
) -> QuerySet[Initiative]:
    """Models the user may see, filtered and sorted, with what list pages display preloaded."""
    if filters.query.strip():
        qs = scope.filter_by_unit_ids(user, "initiatives.view", Initiative.objects.all())
    else:
        qs = scope.filter(user, "initiatives.view", Initiative.objects.all())
    qs = _filtered(qs, filters)
    order = SORTS.get(sort, SORTS["-year"])
    narrowed = filters.territory is not None or scope.scope_paths(user, "initiatives.view")
    if sort in {"-year", "year"} and narrowed:
        # Within a province the fast plan starts from its units; the newest-first index would
        # walk the whole country looking for them. "+ 0" keeps that index out of the plan.
        descending = sort.startswith("-")
        order = [
            (F(name) + 0).desc() if descending else (F(name) + 0).asc() for name in ("year", "id")
        ]
    return qs.select_related("field", "territory__parent", "organisation").order_by(*order)


def initiative_get_for_user(user, pk) -> Initiative:
    return scope.get_visible_or_404(
        user,
        "initiatives.view",
        Initiative.objects.select_related(
            "field", "territory__parent", "organisation__territory", "created_by"
        ).prefetch_related("tags"),
        pk=pk,
    )


def initiative_detail_related(initiative: Initiative, user) -> dict:
    """Indicators, replications, recognitions and evaluations of one model, in few queries."""
    replications = initiative.replications.select_related("territory__parent", "copy__territory")
    return {
        "indicators": list(initiative.indicators.select_related("kind")),
        # Unit names are public; the copy's own record is linked only when the user may see it.
        "replications": [
            (r, r.copy_id is not None and scope.can(user, "initiatives.view", r.copy.territory))
            for r in replications
        ],
        "recognitions": list(initiative.recognitions.select_related("issuer")),
        "evaluations": list(initiative.evaluations.select_related("evaluated_by")),
    }


def scores_for(initiative: Initiative, user) -> list[Entry]:
    """Review entries with their score sheets, only for those the policy lets see scores."""
    if not scope.can(user, "initiatives.scores.view", initiative.territory):
        return []
    sheets = ScoreSheet.objects.select_related("member__user", "member__organisation")
    return list(
        initiative.entries.select_related("review_round__council__criteria_set")
        .prefetch_related(Prefetch("sheets", queryset=sheets))
        .order_by("-review_round__created_at")
    )


def active_fields() -> QuerySet[Field]:
    return Field.objects.filter(is_active=True)


def active_indicator_kinds() -> QuerySet[IndicatorKind]:
    return IndicatorKind.objects.filter(is_active=True)


# --- councils -------------------------------------------------------------------------------


def council_list_for_user(user) -> QuerySet[Council]:
    """Councils in the user's scope, or any council the user sits on."""
    visible = scope.filter(user, "initiatives.view", Council.objects.all())
    seated = Council.objects.filter(members__user_id=getattr(user, "pk", None))
    return (
        (visible | seated)
        .distinct()
        .select_related("territory", "issuer", "criteria_set")
        .order_by("-year", "name")
    )


def council_get_for_user(user, pk) -> Council:
    return scope.get_visible_or_404(
        user,
        "initiatives.view",
        Council.objects.select_related("territory", "issuer", "criteria_set"),
        pk=pk,
    )


def person_for_seat(user, username: str):
    """The user named `username` if `user` may see them (by their organisation's unit), else
    None: a manager seating council members learns nothing about people outside the scope."""
    from danvan.accounts.models import User

    person = (
        User.objects.filter(username=(username or "").strip())
        .select_related("organisation__territory")
        .first()
    )
    if person is None or not scope.can(
        user, "initiatives.view", getattr(person.organisation, "territory", None)
    ):
        return None
    return person


def round_get_for_user(user, pk) -> ReviewRound:
    return scope.get_visible_or_404(
        user,
        "initiatives.view",
        ReviewRound.objects.select_related(
            "council__territory", "council__issuer", "council__criteria_set"
        ),
        via="council__territory",
        pk=pk,
    )


def round_entries(review_round: ReviewRound) -> list[Entry]:
    """Entries ranked by average score (unscored last)."""
    return list(
        review_round.entries.select_related(
            "initiative__organisation", "initiative__territory", "initiative__field"
        ).order_by(F("average").desc(nulls_last=True), "initiative__search_name")
    )


def ranked(entries: list[Entry]) -> list[Entry]:
    """Attach `rank` (1 = best) to scored entries; unscored ones come last without a rank."""
    scored = sorted((e for e in entries if e.average is not None), key=lambda e: -e.average)
    unscored = [e for e in entries if e.average is None]
    rank = 0
    previous = None
    for position, entry in enumerate(scored, start=1):
        if entry.average != previous:
            rank = position
            previous = entry.average
        entry.rank = rank
    for entry in unscored:
        entry.rank = None
    return scored + unscored


def entries_to_score(review_round: ReviewRound, member) -> list[Entry]:
    """What a member still has to score, and what they scored, without conflicted entries."""
    entries = review_round.entries.select_related(
        "initiative__organisation", "initiative__territory", "initiative__field"
    ).annotate(scored=Exists(ScoreSheet.objects.filter(entry=OuterRef("pk"), member=member)))
    if member.organisation_id:
        entries = entries.exclude(initiative__organisation_id=member.organisation_id)
    return list(entries.order_by("scored", "id"))


def submitted_for_council(council: Council, user) -> QuerySet[Initiative]:
    """Submitted models of the council's unit and level, not yet in one of its open rounds."""
    qs = scope.filter(
        user,
        "initiatives.review",
        Initiative.objects.filter(
            status=Status.SUBMITTED,
            target_level=council.level,
            territory__scope_path__under=council.territory.path,
        ),
    )
    return qs.select_related("territory", "organisation").order_by("search_name")


def criteria_sets_for(user, territory) -> QuerySet[CriteriaSet]:
    condition = Q(territory__isnull=True)
    if territory is not None:
        # A set defined for the unit or any unit above it.
        paths = [territory.path[: i + 1] for i, ch in enumerate(territory.path) if ch == "/"]
        condition |= Q(territory__path__in=paths)
    return CriteriaSet.objects.filter(condition).order_by("name")


# --- public showcase ------------------------------------------------------------------------


def public_initiatives(filters: InitiativeFilters = InitiativeFilters()) -> QuerySet[Initiative]:
    """Recognised models only: drafts, reviews and withdrawn models never show publicly."""
    qs = Initiative.objects.filter(status=Status.RECOGNISED)
    qs = _filtered(qs, InitiativeFilters(**{**filters.__dict__, "status": ""}))
    return qs.select_related("field", "territory__parent", "organisation").order_by(
        "-year", "search_name", "id"
    )


def public_initiative_get(pk) -> Initiative:
    from django.http import Http404

    try:
        return (
            Initiative.objects.filter(status=Status.RECOGNISED)
            .select_related("field", "territory__parent", "organisation")
            .get(pk=pk)
        )
    except (Initiative.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def public_recognitions(initiative: Initiative) -> list[Recognition]:
    return list(initiative.recognitions.select_related("issuer"))
