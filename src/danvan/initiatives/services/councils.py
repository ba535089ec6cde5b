"""Review councils: members, rounds, scoring and the recognition decision that closes a round."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.core import scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.search import nfc
from danvan.initiatives.models import (
    LEVEL_LADDER,
    Council,
    CouncilMember,
    CriteriaSet,
    Entry,
    Initiative,
    MemberRole,
    Recognition,
    ReviewRound,
    RoundStatus,
    ScoreSheet,
    Status,
)
from danvan.initiatives.services.initiatives import initiative_transition
from danvan.organisations.models import Organisation
from danvan.territories.models import Territory

HUNDRED = Decimal(100)
CENTS = Decimal("0.01")


def _change(obj, council: Council, action: str, changes: dict, reason: str = "") -> audit.Change:
    return audit.Change(
        action=action,
        obj=obj,
        territory_id=council.territory_id,
        changes=changes,
        reason=reason,
    )


@dataclass
class CouncilData:
    name: str
    year: int
    level: str
    territory: Territory
    issuer: Organisation
    criteria_set: CriteriaSet
    pass_score: Decimal = Decimal(70)


@transaction.atomic
def council_create(*, data: CouncilData, actor) -> Council:
    scope.require(actor, "initiatives.council.manage", data.territory)
    if data.level not in LEVEL_LADDER:
        raise DomainError(
            _("New councils review at commune, provincial or central level."),
            code="level",
            field="level",
        )
    if not data.territory.is_current:
        raise DomainError(
            _("Choose a current administrative unit."), code="legacy_territory", field="territory"
        )
    if not data.criteria_set.criteria.exists():
        raise DomainError(
            _("The criteria set has no criteria."), code="criteria", field="criteria_set"
        )
    if not Decimal(0) <= data.pass_score <= HUNDRED:
        raise DomainError(
            _("Enter a score between 0 and 100."), code="pass_score", field="pass_score"
        )
    council = Council.objects.create(
        name=nfc(data.name),
        year=data.year,
        level=data.level,
        territory=data.territory,
        issuer=data.issuer,
        criteria_set=data.criteria_set,
        pass_score=data.pass_score,
    )
    audit.record(
        [_change(council, council, audit.Action.CREATE, audit.diff({}, audit.snapshot(council)))],
        actor=actor,
    )
    return council


@transaction.atomic
def council_member_add(
    *, council: Council, user, actor, role: str = MemberRole.MEMBER
) -> CouncilMember:
    """Seat a reviewer; the person must hold the scoring right in the council's unit."""
    scope.require(actor, "initiatives.council.manage", council.territory)
    if not scope.can(user, "initiatives.score", council.territory):
        raise DomainError(
            _("This person holds no reviewer role in the council's unit."),
            code="not_reviewer",
            field="user",
        )
    if role == MemberRole.CHAIR and not scope.can(user, "initiatives.decide", council.territory):
        raise DomainError(
            _("The chair must be a leader who may sign the decision."),
            code="chair_not_leader",
            field="role",
        )
    if role == MemberRole.CHAIR and council.members.filter(role=MemberRole.CHAIR).exists():
        raise DomainError(_("The council already has a chair."), code="chair_taken", field="role")
    member = CouncilMember(council=council, user=user, organisation=user.organisation, role=role)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise DomainError(
            _("This person already sits on the council."), code="duplicate", field="user"
        ) from exc
    audit.record(
        [_change(council, council, audit.Action.UPDATE, {"members": [None, f"{user} ({role})"]})],
        actor=actor,
    )
    return member


@transaction.atomic
def council_member_remove(*, member: CouncilMember, actor) -> None:
    council = member.council
    scope.require(actor, "initiatives.council.manage", council.territory)
    if member.sheets.exists():
        raise DomainError(
            _("This member has already scored; their scores stay on record."), code="in_use"
        )
    label = str(member.user)
    member.delete()
    audit.record(
        [_change(council, council, audit.Action.UPDATE, {"members": [label, None]})], actor=actor
    )


@transaction.atomic
def round_create(*, council: Council, name: str, deadline: date, actor) -> ReviewRound:
    scope.require(actor, "initiatives.council.manage", council.territory)
    if deadline < timezone.localdate():
        raise DomainError(
            _("The deadline cannot be in the past."), code="deadline", field="deadline"
        )
    review_round = ReviewRound.objects.create(council=council, name=nfc(name), deadline=deadline)
    audit.record(
        [
            _change(
                review_round,
                council,
                audit.Action.CREATE,
                {"name": [None, review_round.name], "deadline": [None, deadline.isoformat()]},
            )
        ],
        actor=actor,
    )
    return review_round


def _require_open(review_round: ReviewRound) -> None:
    if review_round.status != RoundStatus.OPEN:
        raise DomainError(_("This review round is closed."), code="round_closed")


@transaction.atomic
def entry_add(*, review_round: ReviewRound, initiative: Initiative, actor) -> Entry:
    """Put a submitted model before the council; its review starts."""
    # Judge the round as it is now, under the lock `round_close` takes: a caller's copy may
    # predate the closing, and no entry may slip into a round while it is being closed.
    review_round = (
        ReviewRound.objects.select_for_update().select_related("council").get(pk=review_round.pk)
    )
    council = review_round.council
    scope.require(actor, "initiatives.review", council.territory)
    _require_open(review_round)
    if not council.territory.contains(initiative.territory):
        raise DomainError(
            _("This model lies outside the council's unit."), code="outside", field="initiative"
        )
    if initiative.status != Status.SUBMITTED:
        raise DomainError(
            _("Only submitted models can be put before a council."),
            code="not_submitted",
            field="initiative",
        )
    if initiative.target_level != council.level:
        raise DomainError(
            _("This model asks for recognition at another level."),
            code="level",
            field="initiative",
        )
    entry = Entry(review_round=review_round, initiative=initiative, level=council.level)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise DomainError(
            _("This model is already in the round."), code="duplicate", field="initiative"
        ) from exc
    initiative_transition(initiative=initiative, name="start_review", actor=actor)
    audit.record(
        [_change(review_round, council, audit.Action.UPDATE, {"entries": [None, initiative.name]})],
        actor=actor,
    )
    return entry


def sheet_total(criteria, values: dict[str, int]) -> Decimal:
    """Weighted mean of the criteria scores, each scaled to 100 points."""
    weighted = Decimal(0)
    weights = Decimal(0)
    for criterion in criteria:
        value = Decimal(values[criterion.code])
        weighted += criterion.weight * value * HUNDRED / criterion.max_score
        weights += criterion.weight
    return (weighted / weights).quantize(CENTS, rounding=ROUND_HALF_UP)


def _clean_values(criteria, values: dict) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for criterion in criteria:
        raw = values.get(criterion.code)
        try:
            number = int(str(raw).strip()) if raw is not None and str(raw).strip() else None
        except ValueError:
            number = None
        if number is None or not 0 <= number <= criterion.max_score:
            raise DomainError(
                _("Give “%(criterion)s” a whole score from 0 to %(max)s.")
                % {"criterion": criterion.name, "max": criterion.max_score},
                code="score",
                field=criterion.code,
            )
        cleaned[criterion.code] = number
    return cleaned


def _refresh_aggregate(entry: Entry) -> None:
    figures = entry.sheets.aggregate(average=Avg("total"), count=Count("id"))
    average = figures["average"]
    entry.average = (
        Decimal(average).quantize(CENTS, rounding=ROUND_HALF_UP) if average is not None else None
    )
    entry.score_count = figures["count"]
    entry.save(update_fields=["average", "score_count"])


def member_of(council: Council, user) -> CouncilMember | None:
    return council.members.filter(user_id=getattr(user, "pk", None)).first()


def conflict_of_interest(member: CouncilMember, initiative: Initiative) -> bool:
    """A member never scores a model of their own organisation."""
    return (
        member.organisation_id is not None and member.organisation_id == initiative.organisation_id
    )


@transaction.atomic
def score_submit(*, entry: Entry, actor, values: dict, comment: str = "") -> ScoreSheet:
    """Record (or correct) one member's scores for one model; the aggregate follows at once."""
    entry = (
        Entry.objects.select_for_update()
        .select_related("review_round__council__criteria_set", "initiative")
        .get(pk=entry.pk)
    )
    review_round = entry.review_round
    council = review_round.council
    scope.require(actor, "initiatives.score", council.territory)
    _require_open(review_round)
    member = member_of(council, actor)
    if member is None:
        raise DomainError(_("Only members of the council can score."), code="not_member")
    if conflict_of_interest(member, entry.initiative):
        raise DomainError(
            _("You cannot score a model of your own organisation."), code="conflict_of_interest"
        )
    if timezone.localdate() > review_round.deadline:
        raise DomainError(_("The scoring deadline has passed."), code="deadline_passed")
    criteria = list(council.criteria_set.criteria.all())
    cleaned = _clean_values(criteria, values)
    total = sheet_total(criteria, cleaned)
    sheet = ScoreSheet.objects.filter(entry=entry, member=member).first()
    before = {"values": sheet.values, "total": str(sheet.total)} if sheet else {}
    if sheet is None:
        sheet = ScoreSheet(entry=entry, member=member)
    sheet.values = cleaned
    sheet.total = total
    sheet.comment = nfc(comment)
    sheet.save()
    _refresh_aggregate(entry)
    audit.record(
        [
            audit.Change(
                action=audit.Action.UPDATE,
                obj=entry.initiative,
                changes={
                    "score_sheet": [
                        before or None,
                        {"member": str(actor), "values": cleaned, "total": str(total)},
                    ]
                },
            )
        ],
        actor=actor,
    )
    return sheet


@transaction.atomic
def round_close(
    *,
    review_round: ReviewRound,
    actor,
    recognised_entry_ids: set[int] | None = None,
    decision_date: date | None = None,
    decision_number: str = "",
    signer_name: str = "",
    signer_position: str = "",
    expected_version: int | None = None,
) -> ReviewRound:
    """The chair closes the round: recognitions, decisions, and the decision document.

    By default every entry whose average reaches the council's pass score is recognised; the
    chair may pick otherwise, but never recognise an entry nobody scored.
    """
    from danvan.initiatives import decisions

    current = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    council = Council.objects.select_related("issuer", "territory").get(pk=current.council_id)
    scope.require(actor, "initiatives.decide", council.territory)
    member = member_of(council, actor)
    if member is None or member.role != MemberRole.CHAIR:
        raise DomainError(_("Only the council's chair can close the round."), code="not_chair")
    if expected_version is not None and expected_version != current.version:
        raise ConflictError()
    _require_open(current)
    entries = list(current.entries.select_related("initiative").order_by("-average", "id"))
    if not entries:
        raise DomainError(_("The round has no models to decide on."), code="empty_round")
    if recognised_entry_ids is None:
        recognised_entry_ids = {
            e.pk for e in entries if e.average is not None and e.average >= council.pass_score
        }
    unscored = [e for e in entries if e.pk in recognised_entry_ids and not e.score_count]
    if unscored:
        raise DomainError(
            _("“%(name)s” has no scores and cannot be recognised.")
            % {"name": unscored[0].initiative.name},
            code="unscored",
        )
    decision_date = decision_date or timezone.localdate()
    if decision_date > timezone.localdate():
        raise DomainError(
            _("The decision date cannot be in the future."),
            code="decision_date",
            field="decision_date",
        )
    if not decision_number.strip():
        decision_number = decisions.next_decision_number(council.issuer, decision_date.year)
    current.decision_number = nfc(decision_number)[:60]
    current.decision_date = decision_date
    current.signer_name = nfc(signer_name) or actor.display_name
    current.signer_position = nfc(signer_position)
    current.status = RoundStatus.CLOSED
    current.closed_at = timezone.now()
    current.closed_by = actor
    current.version += 1
    current.save()

    recognised: list[Entry] = []
    for entry in entries:
        initiative = entry.initiative
        entry.recognised = entry.pk in recognised_entry_ids
        entry.save(update_fields=["recognised"])
        if entry.recognised:
            Recognition.objects.create(
                initiative=initiative,
                level=entry.level,
                year=council.year,
                decision_number=current.decision_number,
                decision_date=decision_date,
                issuer=council.issuer,
                score=entry.average,
                review_round=current,
                territory_id=initiative.territory_id,
                subject=initiative.subject,
                kind=initiative.kind,
                field_id=initiative.field_id,
            )
            initiative_transition(
                initiative=initiative,
                name="recognise",
                actor=actor,
                extra={"level": entry.level, "score": entry.average},
            )
            recognised.append(entry)
        else:
            reason = _("Not recognised by decision %(number)s.") % {
                "number": current.decision_number
            }
            step = "keep_level" if initiative.level else "reject"
            initiative_transition(initiative=initiative, name=step, actor=actor, reason=reason)
    audit.record(
        [
            _change(
                current,
                council,
                audit.Action.TRANSITION,
                {
                    "status": [RoundStatus.OPEN, RoundStatus.CLOSED],
                    "decision_number": [None, current.decision_number],
                    "recognised": [None, len(recognised)],
                },
            )
        ],
        actor=actor,
    )
    decisions.attach_decision(review_round=current, recognised=recognised, actor=actor)
    return current
