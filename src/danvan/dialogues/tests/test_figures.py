"""The petition figures kept per unit and month: they follow every change a service makes, the
statistics read them only when they are right for the day asked, and a check finds tampering."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.core.roles import Role
from danvan.dialogues import figures
from danvan.dialogues import statistics as stats
from danvan.dialogues.models import (
    RESPONSE_DAYS_COUNTED,
    Category,
    Channel,
    PetitionFigures,
    PetitionFiguresState,
)
from danvan.dialogues.services import petitions as svc
from danvan.dialogues.tests.factories import PetitionFactory, petition_data

pytestmark = pytest.mark.django_db


def _both_ways(user, group_by: str, filters=None, unit=None):
    """The statistics read from the kept rows and counted live, as comparable tuples."""
    filters = filters or stats.StatisticsFilters()
    today = timezone.localdate()
    assert figures.is_current(today)
    kept = stats.petition_statistics_for_user(user, filters, unit, group_by, on=today)
    PetitionFiguresState.objects.filter(pk=1).update(as_of=today - timedelta(days=1))
    live = stats.petition_statistics_for_user(user, filters, unit, group_by, on=today)
    PetitionFiguresState.objects.filter(pk=1).update(as_of=today)
    return _numbers(kept), _numbers(live)


def _numbers(data: stats.PetitionStatistics) -> list:
    return [
        (
            row.key,
            *(getattr(row.figures, n) for n in (*figures.COUNTS, "late")),
            row.figures.p90_days,
        )
        for row in [*data.rows, stats.StatisticsRow("total", "", data.totals)]
    ]


def test_every_service_step_keeps_the_kept_rows_equal_to_a_live_count(place):
    province, commune, other = place
    officer = user_with_role(Role.OFFICER, province)
    figures.rebuild()
    assert figures.differences() == [], "\n".join(x[:120] for x in figures.differences())

    first = svc.petition_create(data=petition_data(commune), actor=officer)
    second = svc.petition_create(
        data=petition_data(commune, category=Category.LAND, title="Tranh chấp ranh giới đất"),
        actor=officer,
    )
    old = svc.petition_create(
        data=petition_data(commune, received_at=timezone.now() - timedelta(days=70)), actor=officer
    )
    assert figures.differences() == [], "\n".join(x[:120] for x in figures.differences())
    assert PetitionFigures.objects.filter(rollup=False, facet="", received=2).exists()

    first = svc.petition_assign(
        petition=first, agency=officer.organisation, officer=officer, actor=officer
    )
    first = svc.petition_answer(petition=first, answer="Đã khơi thông cống.", actor=officer)
    first = svc.petition_citizen_feedback(petition=first, satisfaction="satisfied")
    # Answered 70 days late, with an answer time set by the caller's clock.
    old = svc.petition_assign(
        petition=old, agency=officer.organisation, officer=officer, actor=officer
    )
    old = svc.petition_answer(petition=old, answer="Đã xử lý.", actor=officer, now=timezone.now())
    # Moved to another unit and month: both the cells it left and the ones it joined change.
    svc.petition_update(
        petition=second,
        data=petition_data(
            other,
            category=Category.LAND,
            title="Tranh chấp ranh giới đất",
            received_at=timezone.now() - timedelta(days=40),
        ),
        actor=officer,
    )
    svc.petition_mark_spam(
        petition=svc.petition_create(data=petition_data(commune), actor=officer), actor=officer
    )
    assert figures.differences() == [], "\n".join(x[:120] for x in figures.differences())

    totals = stats.petition_statistics_for_user(
        officer, stats.StatisticsFilters(), None, on=timezone.localdate()
    ).totals
    assert (totals.received, totals.answered, totals.satisfied) == (3, 2, 1)
    assert totals.p90_days == 70 or totals.p90_capped  # the late one is among the slowest 10 %
    for group_by in stats.GROUP_VALUES:
        kept, live = _both_ways(officer, group_by)
        assert kept == live, group_by


def test_the_country_reads_province_rollups_that_equal_the_units(place):
    province, commune, other = place
    leader = user_with_role(Role.LEADER, None)
    for territory, category in ((commune, Category.LAND), (other, Category.ENVIRONMENT)):
        for days_taken in (1, 3, 12):
            PetitionFactory(
                territory=territory,
                category=category,
                status="answered",
                received_at=timezone.now() - timedelta(days=20),
                answered_at=timezone.now() - timedelta(days=20 - days_taken),
            )
    PetitionFactory(territory=commune, status="received", deadline=date(2020, 1, 1))
    figures.rebuild()

    rollups = PetitionFigures.objects.filter(rollup=True, facet="")
    assert set(rollups.values_list("territory", flat=True)) == {province.pk}
    assert sum(rollups.values_list("received", flat=True)) == 7
    assert figures.differences() == [], "\n".join(x[:120] for x in figures.differences())
    for group_by in stats.GROUP_VALUES:
        kept, live = _both_ways(leader, group_by)
        assert kept == live, group_by
    kept, _live = _both_ways(leader, stats.UNIT)
    assert kept[-1][1:3] == (7, 6)  # received, answered
    assert kept[-1][-1] == 12  # nine in ten within 12 days


def test_statistics_count_live_when_the_rows_are_not_for_the_day_asked(place):
    province, commune, _other = place
    officer = user_with_role(Role.OFFICER, province)
    today = timezone.localdate()
    PetitionFactory(territory=commune, status="assigned", deadline=today)
    figures.rebuild(on=today)

    def overdue(on: date) -> int:
        data = stats.petition_statistics_for_user(officer, stats.StatisticsFilters(), None, on=on)
        return data.totals.overdue

    assert overdue(today) == 0
    # Tomorrow the petition is overdue: the rows (counted today) say 0, the live count says 1.
    assert overdue(today + timedelta(days=1)) == 1
    assert figures.ensure_current(on=today) is False
    assert figures.ensure_current(on=today + timedelta(days=1)) is True
    assert PetitionFigures.objects.get(rollup=False, facet="").overdue == 1


def test_questions_the_rows_cannot_answer_are_counted_live(place):
    province, commune, _other = place
    officer = user_with_role(Role.OFFICER, province)
    received = timezone.now() - timedelta(days=3)
    PetitionFactory(territory=commune, received_at=received, category=Category.LAND)
    figures.rebuild()
    # Tamper with the kept rows: whatever reads them now shows 1000 received.
    PetitionFigures.objects.update(received=1000)
    month = timezone.localtime(received).date().replace(day=1)
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)

    def received_with(**filters) -> int:
        data = stats.petition_statistics_for_user(
            officer,
            stats.StatisticsFilters(**filters),
            None,
            stats.CATEGORY,
            on=timezone.localdate(),
        )
        return data.totals.received

    assert received_with(date_from=month, date_to=month_end) == 1000  # whole months: kept rows
    assert received_with(date_from=month + timedelta(days=1)) == 1  # part of a month: live
    assert received_with(channel=Channel.RECEPTION) in (0, 1)  # field and channel: live
    assert received_with(channel=Channel.RECEPTION) != 1000
    with pytest.raises(CommandError):
        call_command("petition_figures", "--check")
    call_command("petition_figures")
    call_command("petition_figures", "--check")


def test_the_percentile_reads_sixty_days_or_more_past_the_last_day_counted(place, client):
    province, commune, _other = place
    officer = user_with_role(Role.OFFICER, province)
    for days_taken in (90, 120):
        PetitionFactory(
            territory=commune,
            status="answered",
            received_at=timezone.now() - timedelta(days=150),
            answered_at=timezone.now() - timedelta(days=150 - days_taken),
        )
    figures.rebuild()

    totals = stats.petition_statistics_for_user(
        officer, stats.StatisticsFilters(), None, on=timezone.localdate()
    ).totals
    assert (totals.p90_days, totals.p90_capped) == (RESPONSE_DAYS_COUNTED, True)
    assert totals.average_days == 105
    client.force_login(officer)
    page = client.get(reverse("dialogues:statistics")).content.decode()
    assert f"≥ {RESPONSE_DAYS_COUNTED}" in page


def test_a_territories_import_that_moves_a_unit_stops_the_kept_rows_until_rebuilt(monkeypatch):
    from danvan.documents.tests.test_unit_path import _tree
    from danvan.territories import services as territories
    from danvan.territories.models import Era, Level, Territory

    monkeypatch.setattr(territories, "_desired_rows", lambda: _tree(successor=60001))
    territories.territories_import()
    old_commune = Territory.objects.get(era=Era.LEGACY, level=Level.COMMUNE, code=70001)
    one, two = (
        Territory.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=code) for code in (95, 96)
    )
    PetitionFactory(territory=old_commune)
    figures.rebuild()
    rollup = PetitionFigures.objects.filter(rollup=True, facet="")
    assert list(rollup.values_list("territory", flat=True)) == [one.pk]

    # The next release maps the old commune to the other province's ward.
    monkeypatch.setattr(territories, "_desired_rows", lambda: _tree(successor=60002))
    territories.territories_import()

    assert not figures.is_current(timezone.localdate())
    leader = user_with_role(Role.LEADER, None)
    data = stats.petition_statistics_for_user(
        leader, stats.StatisticsFilters(), None, on=timezone.localdate()
    )
    assert {row.key: row.figures.received for row in data.rows if row.figures.received} == {
        two.path: 1
    }
    assert figures.ensure_current() is True
    assert list(rollup.values_list("territory", flat=True)) == [two.pk]


def test_a_bulk_assignment_recounts_once_and_not_at_all_when_it_fails(place, monkeypatch):
    province, commune, _other = place
    officer = user_with_role(Role.OFFICER, province)
    waiting = [svc.petition_create(data=petition_data(commune), actor=officer) for _ in range(3)]
    figures.rebuild()
    recounts = []
    real_refresh = figures.refresh

    def counting_refresh(keys, **kw):
        keys = set(keys)
        if getattr(figures._deferral, "keys", None) is None:
            recounts.append(keys)
        return real_refresh(keys, **kw)

    monkeypatch.setattr(figures, "refresh", counting_refresh)
    svc.petitions_bulk_assign(petitions=waiting, agency=officer.organisation, actor=officer)

    assert len(recounts) == 1
    assigned = PetitionFigures.objects.get(
        rollup=False, facet="agency", value=str(officer.organisation.pk)
    )
    assert assigned.received == 3
    assert figures.differences() == []

    late = svc.petition_create(data=petition_data(commune), actor=officer)
    with pytest.raises(svc.DomainError):
        svc.petitions_bulk_assign(
            petitions=[late, *waiting], agency=officer.organisation, actor=officer
        )
    assert figures.differences() == []
