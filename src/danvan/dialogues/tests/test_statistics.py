"""Petition statistics: figures equal counts of known petitions, on both databases, within scope;
the page, the API and the export show the same numbers."""

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.core.roles import Role
from danvan.dialogues import figures
from danvan.dialogues import statistics as stats
from danvan.dialogues.models import Category, Channel, PetitionStatus
from danvan.dialogues.tests.factories import PetitionFactory
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def petition(
    territory,
    *,
    received: date,
    days_given: int = 15,
    status=PetitionStatus.RECEIVED,
    answered_after_hours: float | None = None,
    **extra,
):
    received_at = at(received)
    answered_at = None
    if answered_after_hours is not None:
        answered_at = received_at + timedelta(hours=answered_after_hours)
    return PetitionFactory(
        territory=territory,
        received_at=received_at,
        deadline=received + timedelta(days=days_given),
        status=status,
        answered_at=answered_at,
        **extra,
    )


@pytest.fixture(params=["live", "kept"])
def known(request, place):
    """Petitions with known dates in commune A and B, and the figures they must give; counted
    live from the petitions, or read from the figures kept per unit and month."""
    province, commune_a, commune_b = place
    agency = OrganisationFactory(territory=province, name="Sở Tài nguyên")
    may = date(2026, 5, 1)
    # Commune A: on time (2 days, 5 days), late (20 days on a 15-day term), answered exactly on
    # the deadline day in the evening (on time), open overdue, open in time, closed satisfied.
    petition(
        commune_a,
        received=may,
        status="answered",
        answered_after_hours=48,
        satisfaction="satisfied",
        agency=agency,
        category=Category.LAND,
    )
    petition(
        commune_a,
        received=may,
        status="closed",
        answered_after_hours=120,
        satisfaction="partly",
        channel=Channel.PORTAL,
    )
    petition(
        commune_a,
        received=may,
        status="answered",
        answered_after_hours=480,
        satisfaction="dissatisfied",
        agency=agency,
    )
    petition(commune_a, received=may, status="answered", answered_after_hours=15 * 24 + 12)
    petition(commune_a, received=may, status="in_progress")  # deadline 16/05: overdue
    petition(commune_a, received=TODAY - timedelta(days=2), status="assigned")  # in time
    # Not petitions: never counted.
    petition(commune_a, received=may, status=PetitionStatus.MERGED)
    petition(commune_a, received=may, status=PetitionStatus.SPAM)
    # Commune B, another month: answered late (30 days), reopened (open again, not answered).
    petition(
        commune_b,
        received=date(2026, 3, 10),
        status="closed",
        answered_after_hours=720,
        satisfaction="satisfied",
    )
    petition(
        commune_b,
        received=date(2026, 3, 10),
        status="received",
        reopen_count=1,
        answered_after_hours=24,
    )
    if request.param == "kept":
        figures.rebuild(on=TODAY)
    return {"province": province, "a": commune_a, "b": commune_b, "agency": agency}


def response_days(hours: list[float]) -> tuple[Decimal, int]:
    """Average days, and the fewest whole days within which nine in ten were answered, by hand."""
    values = sorted(h / 24 for h in hours)
    average = sum(values) / len(values)
    whole_days = [math.ceil(v) for v in values]
    p90 = next(d for d in whole_days if sum(w <= d for w in whole_days) >= 0.9 * len(values))
    return Decimal(str(average)).quantize(Decimal("0.1")), p90


def test_totals_count_each_kind_of_petition(known):
    officer = user_with_role(Role.OFFICER, known["province"])

    data = stats.petition_statistics_for_user(officer, stats.StatisticsFilters(), None, on=TODAY)

    t = data.totals
    assert (t.received, t.answered, t.on_time, t.late) == (8, 5, 3, 2)
    assert (t.open, t.overdue) == (3, 2)  # the reopened one in B is overdue too
    assert (t.satisfied, t.partly_satisfied, t.dissatisfied) == (2, 1, 1)
    assert t.on_time_rate == Decimal("60.0")
    assert t.satisfaction_rate == Decimal("50.0")
    average, p90 = response_days([48, 120, 480, 372, 720])
    assert (t.average_days, t.p90_days) == (average, p90)


def test_groups_add_up_to_the_totals_and_carry_their_own_percentile(known):
    officer = user_with_role(Role.OFFICER, known["province"])
    unit = stats.statistics_unit_for_user(officer)

    data = stats.petition_statistics_for_user(officer, stats.StatisticsFilters(), unit, on=TODAY)

    rows = {row.label: row.figures for row in data.rows}
    a, b = rows[known["a"].name], rows[known["b"].name]
    assert (a.received, a.answered, a.on_time, a.late, a.overdue) == (6, 4, 3, 1, 1)
    assert (b.received, b.answered, b.late, b.overdue) == (2, 1, 1, 1)
    assert (a.average_days, a.p90_days) == response_days([48, 120, 480, 372])
    assert (b.average_days, b.p90_days) == (Decimal("30.0"), 30)
    for name in figures.COUNTS:
        assert sum(getattr(r.figures, name) for r in data.rows) == getattr(data.totals, name)


@pytest.mark.parametrize(
    ("group_by", "key", "received"),
    [
        ("agency", "none", 6),
        ("category", Category.LAND, 1),
        ("channel", Channel.PORTAL, 1),
        ("month", "2026-05", 5),
        ("month", "2026-04", 0),  # empty months between the first and the last are shown
    ],
)
def test_other_dimensions(known, group_by, key, received):
    officer = user_with_role(Role.OFFICER, known["province"])

    data = stats.petition_statistics_for_user(
        officer, stats.StatisticsFilters(), None, group_by, on=TODAY
    )

    rows = {row.key: row.figures for row in data.rows}
    assert rows[key].received == received
    assert sum(r.figures.received for r in data.rows) == data.totals.received == 8


def test_agency_row_and_filter(known):
    officer = user_with_role(Role.OFFICER, known["province"])
    agency = known["agency"]

    by_agency = stats.petition_statistics_for_user(
        officer, stats.StatisticsFilters(), None, "agency", on=TODAY
    )
    filters, errors = stats.StatisticsFilters.from_params({"agency": str(agency.pk)})
    filtered = stats.petition_statistics_for_user(officer, filters, None, on=TODAY)

    row = next(r for r in by_agency.rows if r.key == str(agency.pk))
    assert (row.label, row.figures.received, row.figures.late) == (agency.name, 2, 1)
    assert errors == {}
    assert filtered.totals.received == 2


def test_period_filter_bounds_the_received_day(known):
    officer = user_with_role(Role.OFFICER, known["province"])
    filters, errors = stats.StatisticsFilters.from_params(
        {"date_from": "01/03/2026", "date_to": "2026-03-31"}
    )

    data = stats.petition_statistics_for_user(officer, filters, None, on=TODAY)

    assert errors == {}
    assert data.totals.received == 2


def test_commune_officer_sees_only_their_subtree(known):
    officer = user_with_role(Role.OFFICER, known["a"])

    data = stats.petition_statistics_for_user(
        officer, stats.StatisticsFilters(), stats.statistics_unit_for_user(officer), on=TODAY
    )

    assert data.totals.received == 6
    assert [row.label for row in data.rows] == [known["a"].name]


def test_outsider_gets_nothing(known, client, api, place):
    from danvan.territories.tests.factories import ProvinceFactory

    outsider = user_with_role(Role.OFFICER, ProvinceFactory())

    data = stats.petition_statistics_for_user(outsider, stats.StatisticsFilters(), None)
    page = api(outsider).get(reverse("dialogues:statistics"))
    foreign = api(outsider).get(
        reverse("dialogues:statistics"), {"territory": known["province"].pk}
    )
    foreign_api = api(outsider).get("/api/v1/dialogues/statistics", {"territory_id": known["a"].pk})

    assert data.totals.received == 0
    assert page.status_code == 200
    assert page.context["totals"].received == 0
    assert foreign.status_code == 404
    assert foreign_api.status_code == 404


def test_user_without_dialogue_rights_is_refused(known, api):
    from danvan.accounts.tests.factories import UserFactory

    nobody = UserFactory()

    assert api(nobody).get(reverse("dialogues:statistics")).status_code == 403
    assert api(nobody).get("/api/v1/dialogues/statistics").status_code == 403
    assert api(nobody).get(reverse("dialogues:statistics-export")).status_code == 403


def test_page_drills_down_from_province_to_commune(known, api):
    leader = user_with_role(Role.LEADER, known["province"])
    client = api(leader)

    top = client.get(reverse("dialogues:statistics"))
    commune_row = next(r for r in top.context["data"].rows if r.territory == known["a"])
    below = client.get(
        reverse("dialogues:statistics"), {"territory": known["a"].pk, "group_by": "channel"}
    )

    assert top.status_code == 200
    assert commune_row.drill_url is None  # a commune has no units below
    assert below.status_code == 200
    assert below.context["totals"].received == 6
    assert b"Petition statistics" in top.content


def test_page_drill_links_lead_to_child_units(known, api):
    from danvan.territories.models import Era, Territory

    admin = user_with_role(Role.SYSTEM_ADMIN, None)
    client = api(admin)

    country = client.get(reverse("dialogues:statistics"))
    province_row = next(r for r in country.context["data"].rows if r.territory == known["province"])
    followed = client.get(province_row.drill_url)

    assert province_row.figures.received == 8
    assert {r.territory for r in followed.context["data"].rows} == set(
        Territory.objects.filter(parent=known["province"], era=Era.CURRENT)
    )


def test_bad_filters_get_a_message_not_an_error(known, api):
    officer = user_with_role(Role.OFFICER, known["province"])
    client = api(officer)

    page = client.get(
        reverse("dialogues:statistics"),
        {
            "date_from": "31/02/2026",
            "category": "weather",
            "group_by": "planet",
            "agency": "abc",
            "territory": "x",
        },
    )
    response = client.get("/api/v1/dialogues/statistics", {"date_to": "yesterday"})
    group = client.get("/api/v1/dialogues/statistics", {"group_by": "planet"})

    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("dd/mm/yyyy", "weather", "planet", "abc"):
        assert shown in text
    assert page.context["totals"].received == 8  # the bad values were ignored
    assert response.status_code == 422
    assert "dd/mm/yyyy" in response.json()["message"] + str(response.json()["details"])
    assert group.status_code == 422


def test_api_gives_the_page_numbers(known, api):
    officer = user_with_role(Role.OFFICER, known["province"])
    client = api(officer)

    for group_by in stats.GROUP_VALUES:
        page = client.get(reverse("dialogues:statistics"), {"group_by": group_by})
        answer = client.get("/api/v1/dialogues/statistics", {"group_by": group_by})

        assert answer.status_code == 200, answer.content
        body = answer.json()
        shown = page.context["data"]
        assert [r["label"] for r in body["rows"]] == [r.label for r in shown.rows]
        for row, shown_row in zip(body["rows"], shown.rows, strict=True):
            assert row["figures"]["received"] == shown_row.figures.received
            assert row["figures"]["answered_on_time"] == shown_row.figures.on_time
            assert row["figures"]["overdue_now"] == shown_row.figures.overdue
        totals = shown.totals
        assert body["totals"]["received"] == totals.received == 8
        assert body["totals"]["answered_late"] == totals.late
        expected_p90 = str(totals.p90_days) if totals.p90_days is not None else None
        assert (
            str(body["totals"]["p90_response_days"])
            if body["totals"]["p90_response_days"] is not None
            else None
        ) == expected_p90


def test_percentile_matches_a_hand_computation_on_many_values(place):
    province, commune_a, _b = place
    officer = user_with_role(Role.OFFICER, province)
    hours = [3, 7.5, 30, 31, 55, 90, 91.25, 140, 200, 333, 334, 500, 610]
    for h in hours:
        petition(commune_a, received=date(2026, 1, 5), status="answered", answered_after_hours=h)

    data = stats.petition_statistics_for_user(officer, stats.StatisticsFilters(), None, on=TODAY)

    assert (data.totals.average_days, data.totals.p90_days) == response_days(hours)
    assert data.totals.p90_days == 21  # 12 of the 13 took at most 500 hours, 20.8 days


def test_statistics_take_a_fixed_number_of_queries(known, django_assert_max_num_queries):
    officer = user_with_role(Role.OFFICER, known["province"])
    unit = stats.statistics_unit_for_user(officer)

    # Two reads of the petitions, the child units (and the percentile values on SQLite).
    with django_assert_max_num_queries(6):
        stats.petition_statistics_for_user(officer, stats.StatisticsFilters(), unit, on=TODAY)


def test_period_shortcuts_are_whole_months_and_show_which_is_chosen(known, api):
    from danvan.dialogues.views.statistics import period_shortcuts

    shortcuts = {str(label): (first, last) for label, first, last in period_shortcuts(TODAY)}
    assert shortcuts["This month"] == (date(2026, 6, 1), date(2026, 6, 30))
    assert shortcuts["Last month"] == (date(2026, 5, 1), date(2026, 5, 31))
    assert shortcuts["This quarter"] == (date(2026, 4, 1), date(2026, 6, 30))
    assert shortcuts["First six months"] == (date(2026, 1, 1), date(2026, 6, 30))
    assert shortcuts["Last year"] == (date(2025, 1, 1), date(2025, 12, 31))
    assert period_shortcuts(date(2026, 1, 10))[1][1:] == (date(2025, 12, 1), date(2025, 12, 31))

    client = api(user_with_role(Role.OFFICER, known["province"]))
    _label, first, last = period_shortcuts(timezone.localdate())[1]
    last_month = {"date_from": f"{first:%d/%m/%Y}", "date_to": f"{last:%d/%m/%Y}"}
    page = client.get(reverse("dialogues:statistics"), last_month)
    chosen = [active for _label, _url, active in page.context["periods"]]
    assert chosen == [False, True, False, False, False, False, False]  # "Last month"
    this_month_url = page.context["periods"][0][1]
    assert f"date_from={first + timedelta(days=40):01/%m/%Y}".replace("/", "%2F") in this_month_url
