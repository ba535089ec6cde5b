"""Computed indicators equal the counts of the records built with each domain's factories."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from danvan.clearance.models import CaseStatus, Visit, VisitOutcome
from danvan.clearance.tests.factories import DonationFactory, HouseholdFactory, ProjectFactory
from danvan.core import indicators
from danvan.dialogues.models import ConferenceStatus, PetitionStatus
from danvan.dialogues.tests.factories import ConferenceFactory, PetitionFactory
from danvan.initiatives.models import Level, Recognition
from danvan.initiatives.tests.factories import InitiativeFactory
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2025, 1, 1), date(2025, 6, 30)
# Dates inside and just outside the first six months of 2025.
DAYS = [date(2024, 12, 31), FIRST, date(2025, 3, 15), LAST, date(2025, 7, 1)]


def inside(day: date) -> bool:
    return FIRST <= day <= LAST


def at_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 5, tzinfo=UTC)  # 12:00 in Vietnam


@pytest.fixture
def units(place):
    province, commune_a, commune_b = place
    elsewhere = CommuneFactory(parent=ProvinceFactory(name="Tỉnh Ngoài"))
    return province, commune_a, commune_b, elsewhere


def expected_for(rows, territory):
    """Rows (unit, day, counts) inside `territory`'s subtree and the period."""
    return sum(
        1
        for unit, day, counts in rows
        if counts and inside(day) and unit.scope_path.startswith(territory.path)
    )


def test_every_named_source_is_registered():
    keys = {source.key for source in indicators.registered_sources()}

    assert {
        "initiatives.recognised",
        "initiatives.registered",
        "clearance.households_agreed",
        "clearance.households_handed_over",
        "clearance.area_donated",
        "dialogues.petitions_received",
        "dialogues.petitions_answered_on_time",
        "dialogues.conferences_held",
    } <= keys


def test_models_recognised_counts_decisions_in_the_period_and_subtree(units):
    province, commune_a, commune_b, elsewhere = units
    rows = []
    for index, (unit, day) in enumerate(
        (u, d) for u in (commune_a, commune_b, elsewhere) for d in DAYS
    ):
        model = InitiativeFactory(organisation=OrganisationFactory(territory=unit))
        Recognition.objects.create(
            initiative=model, level=Level.COMMUNE, year=day.year, decision_number=f"{index}/QĐ",
            decision_date=day, issuer=model.organisation, territory=unit,
            subject=model.subject, kind=model.kind, field=model.field,
        )  # fmt: skip
        if index % 4 == 0:  # a second decision at a higher level the same day counts once
            Recognition.objects.create(
                initiative=model, level=Level.PROVINCE, year=day.year,
                decision_number=f"{index}/QĐ-T", decision_date=day, issuer=model.organisation,
                territory=unit, subject=model.subject, kind=model.kind, field=model.field,
            )  # fmt: skip
        rows.append((unit, day, True))

    for territory in (province, commune_a, elsewhere):
        assert indicators.compute("initiatives.recognised", territory, FIRST, LAST) == expected_for(
            rows, territory
        )
    assert indicators.compute("initiatives.recognised", None, FIRST, LAST) == sum(
        1 for _, day, _ in rows if inside(day)
    )


def test_models_registered_counts_models_submitted_in_the_period(units):
    province, commune_a, _, elsewhere = units
    rows = []
    for unit in (commune_a, elsewhere):
        for day in DAYS:
            for submitted in (True, False):
                model = InitiativeFactory(organisation=OrganisationFactory(territory=unit))
                type(model).objects.filter(pk=model.pk).update(
                    created_at=at_noon(day), submitted_at=at_noon(day) if submitted else None
                )
                rows.append((unit, day, submitted))

    assert indicators.compute("initiatives.registered", province, FIRST, LAST) == expected_for(
        rows, province
    )


def test_households_agreed_are_dated_by_their_first_agreeing_visit(units):
    province, commune_a, commune_b, elsewhere = units
    rows = []
    statuses = [CaseStatus.AGREED, CaseStatus.PAID, CaseStatus.HANDED_OVER, CaseStatus.PERSUADING]
    for unit in (commune_a, commune_b, elsewhere):
        project = ProjectFactory(territory=unit)
        for day in DAYS:
            for status in statuses:
                household = HouseholdFactory(project=project, status=status)
                Visit.objects.create(
                    household=household, visited_on=day - timedelta(days=20),
                    discussed="Giải thích chính sách", outcome=VisitOutcome.CONSIDERING,
                )  # fmt: skip
                Visit.objects.create(
                    household=household, visited_on=day, discussed="Đồng ý",
                    outcome=VisitOutcome.AGREED,
                )  # fmt: skip
                Visit.objects.create(
                    household=household, visited_on=day + timedelta(days=200),
                    discussed="Nhắc lại", outcome=VisitOutcome.AGREED,
                )  # fmt: skip
                rows.append((unit, day, status != CaseStatus.PERSUADING))
    # Handed over without any visit recorded: dated by the handover.
    HouseholdFactory(
        project=ProjectFactory(territory=commune_a),
        status=CaseStatus.HANDED_OVER,
        handed_over_on=date(2025, 2, 2),
    )
    rows.append((commune_a, date(2025, 2, 2), True))

    for territory in (province, commune_b, elsewhere, None):
        expected = (
            sum(1 for _, day, counts in rows if counts and inside(day))
            if territory is None
            else expected_for(rows, territory)
        )
        assert indicators.compute("clearance.households_agreed", territory, FIRST, LAST) == (
            expected
        )


def test_households_handed_over_count_handovers_in_the_period(units):
    province, commune_a, _, elsewhere = units
    rows = []
    for unit in (commune_a, elsewhere):
        project = ProjectFactory(territory=unit)
        for day in DAYS:
            for status in (CaseStatus.HANDED_OVER, CaseStatus.ENFORCED):
                HouseholdFactory(project=project, status=status, handed_over_on=day)
                rows.append((unit, day, status == CaseStatus.HANDED_OVER))

    assert indicators.compute(
        "clearance.households_handed_over", province, FIRST, LAST
    ) == expected_for(rows, province)


def test_area_donated_sums_square_metres_exactly(units):
    province, commune_a, commune_b, elsewhere = units
    expected = Decimal(0)
    for number, (unit, day) in enumerate(
        (u, d) for u in (commune_a, commune_b, elsewhere) for d in DAYS
    ):
        area = Decimal("100.25") + number
        DonationFactory(territory=unit, donated_on=day, area=area)
        if inside(day) and unit != elsewhere:
            expected += area

    assert indicators.compute("clearance.area_donated", province, FIRST, LAST) == expected
    assert indicators.compute("clearance.area_donated", province, date(2030, 1, 1),
                              date(2030, 6, 30)) == 0  # fmt: skip


def test_petitions_received_leave_out_spam_and_merged_duplicates(units):
    province, commune_a, _, elsewhere = units
    rows = []
    for unit in (commune_a, elsewhere):
        for day in DAYS:
            for status in (PetitionStatus.RECEIVED, PetitionStatus.SPAM, PetitionStatus.CLOSED):
                PetitionFactory(territory=unit, received_at=at_noon(day), status=status)
                rows.append((unit, day, status != PetitionStatus.SPAM))

    assert indicators.compute(
        "dialogues.petitions_received", province, FIRST, LAST
    ) == expected_for(rows, province)


def test_petitions_answered_on_time_compare_the_answer_with_the_deadline(units):
    province, commune_a, _, elsewhere = units
    rows = []
    for unit in (commune_a, elsewhere):
        for day in DAYS:
            for late_days in (-3, 0, 2):
                PetitionFactory(
                    territory=unit,
                    received_at=at_noon(day - timedelta(days=10)),
                    deadline=day - timedelta(days=late_days),
                    status=PetitionStatus.ANSWERED,
                    answered_at=at_noon(day),
                )
                rows.append((unit, day, late_days <= 0))
            PetitionFactory(territory=unit, received_at=at_noon(day))  # not answered

    assert indicators.compute(
        "dialogues.petitions_answered_on_time", province, FIRST, LAST
    ) == expected_for(rows, province)


def test_conferences_held_count_only_those_that_took_place(units):
    province, commune_a, commune_b, elsewhere = units
    rows = []
    for unit in (commune_a, commune_b, elsewhere):
        for day in DAYS:
            for status in ConferenceStatus:
                ConferenceFactory(territory=unit, starts_at=at_noon(day), status=status)
                rows.append(
                    (unit, day, status in (ConferenceStatus.HELD,
                                           ConferenceStatus.MINUTES_PUBLISHED))
                )  # fmt: skip

    assert indicators.compute("dialogues.conferences_held", commune_b, FIRST, LAST) == expected_for(
        rows, commune_b
    )
    assert indicators.compute("dialogues.conferences_held", province, FIRST, LAST) == expected_for(
        rows, province
    )


def test_sources_link_to_the_domain_lists_filtered_to_the_unit(units):
    province = units[0]

    for source in indicators.registered_sources():
        if source.drill_url is None or source.key.split(".")[0] not in {
            "initiatives", "clearance", "dialogues"
        }:  # fmt: skip
            continue
        url = source.drill_url(province, FIRST, LAST)
        assert f"territory={province.pk}" in url, source.key
        assert "year=2025" in url, source.key


def test_a_historic_unit_counts_only_its_own_old_tree(units):
    from danvan.territories.models import Era

    _province, commune_a, _commune_b, _ = units
    old_district = ProvinceFactory(
        era=Era.LEGACY, name="Huyện cũ", path="legacy/77/", scope_path=commune_a.path
    )
    old_commune = CommuneFactory(era=Era.LEGACY, parent=old_district, scope_path=commune_a.path)
    DonationFactory(territory=old_commune, donated_on=date(2025, 2, 1), area=Decimal(10))
    DonationFactory(territory=commune_a, donated_on=date(2025, 2, 1), area=Decimal(5))

    assert indicators.compute("clearance.area_donated", old_district, FIRST, LAST) == 10
    assert indicators.compute("clearance.area_donated", commune_a, FIRST, LAST) == 15
    assert timezone.is_aware(indicators.moment_bounds(FIRST, LAST)[0])
