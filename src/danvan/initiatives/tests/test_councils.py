"""Councils: seating members, putting models before a round, scoring, ranking and the decision."""

import math
import re
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from danvan.accounts.tests.factories import user_with_role
from danvan.core import scope
from danvan.core.errors import ConflictError, DomainError
from danvan.core.models import Attachment
from danvan.initiatives import selectors, services
from danvan.initiatives.models import (
    CouncilMember,
    Entry,
    Initiative,
    Kind,
    Level,
    Recognition,
    ReviewRound,
    RoundStatus,
    ScoreSheet,
    Status,
    Subject,
)
from danvan.initiatives.tests.factories import (
    CouncilFactory,
    CouncilMemberFactory,
    CriteriaSetFactory,
    InitiativeFactory,
    ReviewRoundFactory,
    field,
)
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def board(place):
    """A provincial council with a chair and one reviewer, and an open round."""
    province, commune_a, commune_b = place
    chair = user_with_role("leader", province)
    reviewer = user_with_role("reviewer", province)
    council = CouncilFactory(territory=province, level=Level.PROVINCE, year=TODAY.year)
    services.council_member_add(council=council, user=chair, role="chair", actor=chair)
    services.council_member_add(council=council, user=reviewer, actor=chair)
    review_round = services.round_create(
        council=council, name="Đợt 1", deadline=TODAY + timedelta(days=7), actor=chair
    )
    return {
        "province": province,
        "commune_a": commune_a,
        "commune_b": commune_b,
        "chair": chair,
        "reviewer": reviewer,
        "council": council,
        "round": review_round,
    }


def submitted(commune, **fields) -> Initiative:
    values = {"status": Status.SUBMITTED, "target_level": Level.PROVINCE}
    values.update(fields)
    return InitiativeFactory(organisation=OrganisationFactory(territory=commune), **values)


def entered(board, **fields) -> Entry:
    initiative = submitted(board["commune_a"], **fields)
    return services.entry_add(
        review_round=board["round"], initiative=initiative, actor=board["reviewer"]
    )


def code_of(call) -> str:
    with pytest.raises(DomainError) as error:
        call()
    return error.value.code


# --- members --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "where"),
    [("viewer", "province"), ("officer", "province"), ("reviewer", "commune_a")],
)
def test_a_member_must_hold_the_scoring_right_in_the_council_unit(board, role, where):
    person = user_with_role(role, board[where])

    code = code_of(
        lambda: services.council_member_add(
            council=board["council"], user=person, actor=board["chair"]
        )
    )

    assert code == "not_reviewer"
    assert not CouncilMember.objects.filter(user=person).exists()


def test_the_chair_must_be_a_leader(place):
    council = CouncilFactory(territory=place[0])
    manager = user_with_role("territory_admin", place[0])
    reviewer = user_with_role("reviewer", place[0])

    code = code_of(
        lambda: services.council_member_add(
            council=council, user=reviewer, role="chair", actor=manager
        )
    )

    assert code == "chair_not_leader"


def test_a_council_has_one_chair_only(board):
    second_leader = user_with_role("leader", board["province"])

    code = code_of(
        lambda: services.council_member_add(
            council=board["council"], user=second_leader, role="chair", actor=board["chair"]
        )
    )

    assert code == "chair_taken"
    services.council_member_add(council=board["council"], user=second_leader, actor=board["chair"])
    assert board["council"].members.count() == 3


def test_a_person_sits_once(board):
    code = code_of(
        lambda: services.council_member_add(
            council=board["council"], user=board["reviewer"], actor=board["chair"]
        )
    )

    assert code == "duplicate"


def test_only_a_council_manager_seats_members(board):
    newcomer = user_with_role("reviewer", board["province"])

    with pytest.raises(PermissionDenied):
        services.council_member_add(
            council=board["council"], user=newcomer, actor=board["reviewer"]
        )


def test_the_member_keeps_the_organisation_they_had_when_seated(board):
    member = board["council"].members.get(user=board["reviewer"])

    assert member.organisation == board["reviewer"].organisation


def test_a_member_who_scored_cannot_be_removed(board):
    entry = entered(board)
    services.score_submit(entry=entry, actor=board["reviewer"], values={"a": 5, "b": 5})
    member = board["council"].members.get(user=board["reviewer"])

    assert code_of(lambda: services.council_member_remove(member=member, actor=board["chair"])) == (
        "in_use"
    )


# --- entries --------------------------------------------------------------------------------


def test_entry_add_starts_the_review(board):
    entry = entered(board)

    entry.initiative.refresh_from_db()
    assert entry.initiative.status == Status.UNDER_REVIEW
    assert entry.level == Level.PROVINCE


def test_entry_outside_the_council_unit_is_refused(board):
    council = CouncilFactory(territory=board["commune_a"], level=Level.COMMUNE)
    review_round = ReviewRoundFactory(council=council)
    initiative = submitted(board["commune_b"], target_level=Level.COMMUNE)

    code = code_of(
        lambda: services.entry_add(
            review_round=review_round, initiative=initiative, actor=board["chair"]
        )
    )

    assert code == "outside"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": Status.DRAFT}, "not_submitted"),
        ({"status": Status.RECOGNISED, "level": Level.COMMUNE}, "not_submitted"),
        ({"target_level": Level.COMMUNE}, "level"),
        ({"target_level": Level.CENTRAL}, "level"),
    ],
)
def test_entry_rules(board, fields, code):
    initiative = submitted(board["commune_a"], **fields)

    assert (
        code_of(
            lambda: services.entry_add(
                review_round=board["round"], initiative=initiative, actor=board["reviewer"]
            )
        )
        == code
    )
    assert not Entry.objects.exists()


def test_a_model_enters_a_round_once(board):
    entry = entered(board)
    initiative = entry.initiative
    # Returned for revision and submitted again, it cannot come back into the same round.
    initiative = services.initiative_transition(
        initiative=initiative, name="return", actor=board["reviewer"], reason="Bổ sung."
    )
    Initiative.objects.filter(pk=initiative.pk).update(status=Status.SUBMITTED)
    initiative.refresh_from_db()

    code = code_of(
        lambda: services.entry_add(
            review_round=board["round"], initiative=initiative, actor=board["reviewer"]
        )
    )

    assert code == "duplicate"
    assert Entry.objects.count() == 1


def test_an_officer_cannot_put_models_before_a_council(board):
    initiative = submitted(board["commune_a"])

    with pytest.raises(PermissionDenied):
        services.entry_add(
            review_round=board["round"],
            initiative=initiative,
            actor=user_with_role("officer", board["province"]),
        )


# --- scoring --------------------------------------------------------------------------------


def test_a_non_member_cannot_score(board):
    entry = entered(board)
    outsider = user_with_role("reviewer", board["province"])

    code = code_of(lambda: services.score_submit(entry=entry, actor=outsider, values={"a": 5}))

    assert code == "not_member"
    assert not ScoreSheet.objects.exists()


def test_a_member_of_the_model_organisation_cannot_score_it(board):
    entry = entered(board)
    member = user_with_role(
        "reviewer", board["province"], organisation=entry.initiative.organisation
    )
    services.council_member_add(council=board["council"], user=member, actor=board["chair"])

    code = code_of(
        lambda: services.score_submit(entry=entry, actor=member, values={"a": 5, "b": 5})
    )

    assert code == "conflict_of_interest"
    assert not ScoreSheet.objects.exists()


@pytest.mark.parametrize(
    ("values", "criterion"),
    [
        ({"a": 11, "b": 5}, "a"),
        ({"a": 5, "b": -1}, "b"),
        ({"a": 5}, "b"),
        ({"a": "", "b": 5}, "a"),
        ({"a": "7.5", "b": 5}, "a"),
        ({"a": 5, "b": "bảy"}, "b"),
        ({"a": None, "b": 5}, "a"),
    ],
)
def test_bad_scores_are_refused_naming_the_criterion(board, values, criterion):
    entry = entered(board)

    with pytest.raises(DomainError) as error:
        services.score_submit(entry=entry, actor=board["reviewer"], values=values)

    assert error.value.field == criterion
    assert f"Tiêu chí {criterion}" in error.value.message
    assert not ScoreSheet.objects.exists()


def test_a_member_scoring_again_replaces_their_sheet(board):
    entry = entered(board)
    services.score_submit(entry=entry, actor=board["reviewer"], values={"a": 5, "b": 5})

    sheet = services.score_submit(
        entry=entry, actor=board["reviewer"], values={"a": "10", "b": " 8 "}, comment="Rất tốt"
    )

    assert ScoreSheet.objects.get() == sheet
    assert sheet.values == {"a": 10, "b": 8}
    assert sheet.total == Decimal("92.00")
    entry.refresh_from_db()
    assert (entry.average, entry.score_count) == (Decimal("92.00"), 1)


def test_scoring_after_the_deadline_is_refused(board):
    entry = entered(board)
    ReviewRound.objects.filter(pk=board["round"].pk).update(deadline=TODAY - timedelta(days=1))

    code = code_of(
        lambda: services.score_submit(entry=entry, actor=board["reviewer"], values={"a": 5, "b": 5})
    )

    assert code == "deadline_passed"


def test_scoring_on_the_deadline_day_is_accepted(board):
    entry = entered(board)
    ReviewRound.objects.filter(pk=board["round"].pk).update(deadline=TODAY)

    services.score_submit(entry=entry, actor=board["reviewer"], values={"a": 5, "b": 5})

    assert ScoreSheet.objects.count() == 1


def cents(value: Fraction) -> Decimal:
    """Round half up to two decimals, the way the council's sheets are rounded."""
    return Decimal(math.floor(value * 100 + Fraction(1, 2))) / 100


def expected_total(criteria: list[tuple[Decimal, int]], values: list[int]) -> Decimal:
    weighted = sum(
        Fraction(weight) * value * 100 / maximum
        for (weight, maximum), value in zip(criteria, values, strict=True)
    )
    return cents(weighted / sum(Fraction(weight) for weight, _ in criteria))


@st.composite
def score_sets(draw):
    criteria = draw(
        st.lists(
            st.tuples(st.integers(1, 9999).map(lambda w: Decimal(w) / 100), st.integers(1, 100)),
            min_size=1,
            max_size=5,
        )
    )
    sheets = draw(
        st.lists(
            st.tuples(*[st.integers(0, maximum) for _, maximum in criteria]),
            min_size=1,
            max_size=5,
        )
    )
    return criteria, sheets


@pytest.fixture
def scorers(place):
    return [user_with_role("reviewer", place[0]) for _ in range(5)]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=score_sets())
# 33.33 and 0.00 average to exactly 16.665: half a cent, which must round up.
@example(case=([(Decimal(1), 3)], [(1,), (0,)]))
def test_the_average_is_the_mean_of_weighted_sheets(place, scorers, case):
    criteria, sheets = case
    with transaction.atomic():
        criteria_set = CriteriaSetFactory(
            criteria=[(f"c{i}", weight, maximum) for i, (weight, maximum) in enumerate(criteria)]
        )
        council = CouncilFactory(territory=place[0], criteria_set=criteria_set)
        entry = Entry.objects.create(
            review_round=ReviewRoundFactory(council=council),
            initiative=InitiativeFactory(),
            level=Level.PROVINCE,
        )
        for scorer, values in zip(scorers, sheets, strict=False):
            CouncilMemberFactory(council=council, user=scorer)
            services.score_submit(
                entry=entry,
                actor=scorer,
                values={f"c{i}": value for i, value in enumerate(values)},
            )

        totals = [expected_total(criteria, list(values)) for values in sheets]
        entry.refresh_from_db()
        assert sorted(entry.sheets.values_list("total", flat=True)) == sorted(totals)
        assert entry.average == cents(Fraction(sum(totals)) / len(totals))
        assert entry.score_count == len(sheets)
        transaction.set_rollback(True)


def test_ties_share_a_rank_and_unscored_entries_come_last():
    averages = [Decimal("85.50"), None, Decimal("90"), Decimal("85.50"), Decimal("70")]
    entries = [Entry(pk=i, average=a) for i, a in enumerate(averages, start=1)]

    ranked = selectors.ranked(entries)

    assert [(e.average, e.rank) for e in ranked] == [
        (Decimal("90"), 1),
        (Decimal("85.50"), 2),
        (Decimal("85.50"), 2),
        (Decimal("70"), 4),
        (None, None),
    ]


def test_round_entries_are_listed_best_first(board):
    low, high, unscored = entered(board), entered(board), entered(board)
    services.score_submit(entry=low, actor=board["reviewer"], values={"a": 5, "b": 5})
    services.score_submit(entry=high, actor=board["reviewer"], values={"a": 9, "b": 9})

    listed = selectors.round_entries(board["round"])

    assert [e.pk for e in listed] == [high.pk, low.pk, unscored.pk]


# --- closing --------------------------------------------------------------------------------


def score(board, entry, a: int, b: int) -> None:
    services.score_submit(entry=entry, actor=board["reviewer"], values={"a": a, "b": b})


def close(board, **kwargs) -> ReviewRound:
    kwargs.setdefault("signer_name", "Trần Văn Bình")
    kwargs.setdefault("signer_position", "Trưởng ban")
    return services.round_close(review_round=board["round"], actor=board["chair"], **kwargs)


def test_only_the_chair_closes_the_round(board):
    entry = entered(board)
    score(board, entry, 9, 9)
    other_leader = user_with_role("leader", board["province"])
    services.council_member_add(council=board["council"], user=other_leader, actor=board["chair"])

    with pytest.raises(PermissionDenied):
        services.round_close(review_round=board["round"], actor=board["reviewer"])
    assert code_of(
        lambda: services.round_close(review_round=board["round"], actor=other_leader)
    ) == ("not_chair")

    board["round"].refresh_from_db()
    assert board["round"].status == RoundStatus.OPEN


def test_a_chair_who_lost_the_leader_role_cannot_close(board):
    entered(board)
    board["chair"].grants.all().delete()
    scope.forget_grants(board["chair"])

    with pytest.raises(PermissionDenied):
        close(board)


def test_closing_recognises_the_entries_that_reach_the_pass_score(board):
    at_pass = entered(board, subject=Subject.INDIVIDUAL, person_name="Lò Thị Mai")
    below = entered(board)
    unscored = entered(board)
    higher = entered(board, level=Level.COMMUNE)
    score(board, at_pass, 7, 7)  # 70.00, the pass score itself
    score(board, below, 7, 6)  # 66.00
    score(board, higher, 5, 5)

    closed = close(board)

    assert closed.status == RoundStatus.CLOSED
    assert closed.closed_by == board["chair"]
    results = {e.pk: e.recognised for e in Entry.objects.all()}
    assert results == {at_pass.pk: True, below.pk: False, unscored.pk: False, higher.pk: False}
    states = {
        i.pk: (i.status, i.level)
        for i in Initiative.objects.filter(entries__review_round=board["round"])
    }
    assert states[at_pass.initiative_id] == (Status.RECOGNISED, Level.PROVINCE)
    assert states[below.initiative_id] == (Status.REJECTED, "")
    assert states[unscored.initiative_id] == (Status.REJECTED, "")
    # A model proposed for a higher level keeps the level it already had.
    assert states[higher.initiative_id] == (Status.RECOGNISED, Level.COMMUNE)
    below.initiative.refresh_from_db()
    assert closed.decision_number in below.initiative.status_note


def test_recognition_rows_copy_the_facts_of_the_model(board):
    entry = entered(
        board,
        subject=Subject.INDIVIDUAL,
        person_name="Hà Văn Sơn",
        kind=Kind.EXEMPLAR,
        field=field("van_hoa_xa_hoi"),
    )
    score(board, entry, 9, 8)

    closed = close(board, decision_date=TODAY - timedelta(days=1))

    recognition = Recognition.objects.get()
    initiative = entry.initiative
    assert recognition.initiative == initiative
    assert (recognition.subject, recognition.kind) == (Subject.INDIVIDUAL, Kind.EXEMPLAR)
    assert recognition.field == field("van_hoa_xa_hoi")
    assert recognition.territory == board["commune_a"]
    assert recognition.level == Level.PROVINCE
    assert recognition.year == board["council"].year
    assert recognition.issuer == board["council"].issuer
    assert recognition.score == Decimal("86.00")
    assert recognition.review_round == closed
    assert recognition.decision_number == closed.decision_number
    assert recognition.decision_date == TODAY - timedelta(days=1)
    initiative.refresh_from_db()
    assert initiative.score == Decimal("86.00")


def test_an_unscored_entry_cannot_be_recognised(board):
    scored, unscored = entered(board), entered(board)
    score(board, scored, 9, 9)

    code = code_of(lambda: close(board, recognised_entry_ids={scored.pk, unscored.pk}))

    assert code == "unscored"
    board["round"].refresh_from_db()
    assert board["round"].status == RoundStatus.OPEN
    assert not Recognition.objects.exists()


def test_the_chair_may_recognise_below_the_pass_score(board):
    below = entered(board)
    score(board, below, 5, 5)

    close(board, recognised_entry_ids={below.pk})

    below.initiative.refresh_from_db()
    assert below.initiative.status == Status.RECOGNISED


def leading_number(decision_number: str) -> int:
    return int(re.match(r"\d+", decision_number).group())


def test_decision_numbers_count_up_per_issuer_and_year(board):
    entered(board)
    first = close(board)
    second_council = CouncilFactory(
        territory=board["province"], issuer=board["council"].issuer, year=TODAY.year
    )
    services.council_member_add(
        council=second_council, user=board["chair"], role="chair", actor=board["chair"]
    )
    other_issuer_council = CouncilFactory(territory=board["province"], year=TODAY.year)
    services.council_member_add(
        council=other_issuer_council, user=board["chair"], role="chair", actor=board["chair"]
    )
    numbers = []
    for council, decided in [
        (second_council, TODAY),
        (other_issuer_council, TODAY),
        (second_council, date(TODAY.year - 1, 12, 31)),
    ]:
        review_round = ReviewRoundFactory(council=council)
        Entry.objects.create(
            review_round=review_round,
            initiative=submitted(board["commune_a"], status=Status.UNDER_REVIEW),
            level=council.level,
        )
        numbers.append(
            services.round_close(
                review_round=review_round, actor=board["chair"], decision_date=decided
            ).decision_number
        )

    assert leading_number(first.decision_number) == 1
    assert [leading_number(n) for n in numbers] == [2, 1, 1]
    assert numbers[0] != first.decision_number


def test_a_given_decision_number_is_kept(board):
    entered(board)

    closed = close(board, decision_number="15-QĐ/BTGDVTU")

    assert closed.decision_number == "15-QĐ/BTGDVTU"


def test_the_decision_date_cannot_be_in_the_future(board):
    entered(board)

    assert code_of(lambda: close(board, decision_date=TODAY + timedelta(days=1))) == (
        "decision_date"
    )


def test_a_round_closes_once(board):
    entry = entered(board)
    score(board, entry, 9, 9)
    close(board)

    assert code_of(lambda: close(board)) == "round_closed"
    assert Recognition.objects.count() == 1


def test_closing_with_a_stale_version_is_a_conflict(board):
    entered(board)

    with pytest.raises(ConflictError):
        close(board, expected_version=board["round"].version + 1)


def test_a_round_without_entries_cannot_be_closed(board):
    assert code_of(lambda: close(board)) == "empty_round"


def test_a_closed_round_takes_no_scores_and_no_entries(board):
    entry = entered(board)
    score(board, entry, 9, 9)
    close(board)
    late = submitted(board["commune_a"])

    assert code_of(
        lambda: services.score_submit(entry=entry, actor=board["chair"], values={"a": 1, "b": 1})
    ) == ("round_closed")
    assert code_of(
        lambda: services.entry_add(
            review_round=board["round"], initiative=late, actor=board["reviewer"]
        )
    ) == ("round_closed")


def test_the_decision_is_attached_to_the_round_and_published_on_each_model(board):
    recognised = [entered(board), entered(board)]
    not_recognised = entered(board)
    for entry in recognised:
        score(board, entry, 9, 9)
    score(board, not_recognised, 1, 1)

    closed = close(board)

    on_round = Attachment.objects.filter(
        owner_type="initiatives.reviewround", owner_id=str(closed.pk)
    )
    assert sorted(a.kind for a in on_round) == ["docx", "pdf"]
    assert not any(a.is_public for a in on_round)
    for entry in recognised:
        files = Attachment.objects.filter(
            owner_type="initiatives.initiative", owner_id=str(entry.initiative_id)
        )
        assert sorted(a.kind for a in files) == ["docx", "pdf"]
        assert all(a.is_public and a.is_generated for a in files)
    assert not Attachment.objects.filter(
        owner_type="initiatives.initiative", owner_id=str(not_recognised.initiative_id)
    ).exists()
