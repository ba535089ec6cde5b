"""Statistics of models: every cell equals a brute-force count, and nobody counts outside scope."""

import io
import random
from datetime import date

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import RoleGrantFactory, user_with_role
from danvan.core import scope
from danvan.initiatives import statistics as stats
from danvan.initiatives.models import Field, Kind, Level, Recognition, Status, Subject
from danvan.initiatives.tests.factories import InitiativeFactory
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.models import Era
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def sheet_rows(response) -> list[list]:
    """The data rows of an exported sheet (below the title, filters and header lines)."""
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    return [[int(v) if isinstance(v, float) else v for v in row] for row in rows[3:]]


YEARS = (2022, 2023, 2024, 2025)


@pytest.fixture
def country():
    """Two provinces; the first has two communes, a historic commune that became commune A,
    and a historic commune split between several communes (it rolls up to the province)."""
    p1 = ProvinceFactory(name="Tỉnh Một")
    p2 = ProvinceFactory(name="Tỉnh Hai")
    c1a = CommuneFactory(parent=p1, name="Xã Một A")
    c1b = CommuneFactory(parent=p1, name="Xã Một B")
    c2a = CommuneFactory(parent=p2, name="Xã Hai A")
    old_province = ProvinceFactory(era=Era.LEGACY, name="Tỉnh Cũ", scope_path=p1.path)
    old_whole = CommuneFactory(
        era=Era.LEGACY, parent=old_province, name="Xã Cũ Nguyên", scope_path=c1a.path
    )
    old_split = CommuneFactory(
        era=Era.LEGACY,
        parent=old_province,
        name="Xã Cũ Chia",
        scope_path=p1.path,
        has_several_successors=True,
    )
    return {
        "p1": p1,
        "p2": p2,
        "c1a": c1a,
        "c1b": c1b,
        "c2a": c2a,
        "old_whole": old_whole,
        "old_split": old_split,
    }


@pytest.fixture
def records(country):
    """A few dozen models and recognitions with random attributes all over the country."""
    rng = random.Random(20240611)
    fields = list(Field.objects.all())
    places = list(country.values())
    organisations = {t.pk: OrganisationFactory(territory=t) for t in places}
    for _ in range(60):
        territory = rng.choice(places)
        initiative = InitiativeFactory(
            territory=territory,
            organisation=organisations[territory.pk],
            field=rng.choice(fields),
            subject=rng.choice(Subject.values),
            kind=rng.choice(Kind.values),
            year=rng.choice(YEARS),
            status=rng.choice(Status.values),
            level=rng.choice(["", *Level.values]),
        )
        for level in rng.sample(Level.values, rng.randint(0, 2)):
            year = rng.choice(YEARS)
            Recognition.objects.create(
                initiative=initiative,
                level=level,
                year=year,
                decision_number=f"{rng.randint(1, 999)}-QĐ/BDV",
                decision_date=date(year, 6, 1),
                issuer=organisations[territory.pk],
                territory=territory,
                subject=initiative.subject,
                kind=initiative.kind,
                field=initiative.field,
            )
    return country


@pytest.fixture
def national(country):
    """A nationwide viewer (whose organisation sits in province one, adding no unit)."""
    return user_with_role("viewer", None, organisation=OrganisationFactory(territory=country["p1"]))


def _brute_force(filters: stats.StatisticsFilters, scope_paths, unit, child_paths):
    """{row key: {(field_id, subject): n}} counted row by row in Python."""
    if filters.measure == stats.REGISTERED:
        from danvan.initiatives.models import Initiative

        items = [
            (i.territory.scope_path, i.field_id, i.subject, i.kind, i.year, i.level, i.status)
            for i in Initiative.objects.select_related("territory")
        ]
    else:
        items = [
            (r.territory.scope_path, r.field_id, r.subject, r.kind, r.year, r.level, "")
            for r in Recognition.objects.select_related("territory")
        ]
    field_id = Field.objects.get(code=filters.field).pk if filters.field else None
    expected: dict[str, dict] = {}
    for path, fid, subject, kind, year, level, status in items:
        if scope_paths is not None and not any(path.startswith(p) for p in scope_paths):
            continue
        if unit is not None and not path.startswith(unit.path):
            continue
        if (
            (filters.year and year != filters.year)
            or (filters.level and level != filters.level)
            or (field_id and fid != field_id)
            or (filters.subject and subject != filters.subject)
            or (filters.kind and kind != filters.kind)
            or (filters.status and status != filters.status)
        ):
            continue
        key = next((c for c in child_paths if path.startswith(c)), "rest")
        cell = expected.setdefault(key, {})
        cell[(fid, subject)] = cell.get((fid, subject), 0) + 1
    return expected


FILTER_CASES = [
    stats.StatisticsFilters(),
    stats.StatisticsFilters(year=2024, level=Level.PROVINCE),
    stats.StatisticsFilters(level=Level.COMMUNE, subject=Subject.INDIVIDUAL),
    stats.StatisticsFilters(year=2023, field="kinh_te", kind=Kind.EXEMPLAR),
    stats.StatisticsFilters(measure=stats.REGISTERED),
    stats.StatisticsFilters(measure=stats.REGISTERED, year=2025, status=Status.RECOGNISED),
    stats.StatisticsFilters(measure=stats.REGISTERED, level=Level.PROVINCE, field="van_hoa_xa_hoi"),
]


def _assert_matches(table, expected):
    rows_by_key = {
        (row.territory.path if row.territory is not None else "rest"): row for row in table.rows
    }
    fields = list(Field.objects.all())
    for key, row in rows_by_key.items():
        for f in fields:
            for subject in Subject.values:
                want = expected.get(key, {}).get((f.pk, subject), 0)
                assert row.count(f.pk, subject) == want, (row.label, f.code, subject)
    # Nothing counted is missing from the rows, and the totals add up.
    assert set(expected) <= set(rows_by_key)
    assert table.totals.total == sum(sum(c.values()) for c in expected.values())


@pytest.mark.parametrize("filters", FILTER_CASES, ids=lambda f: str(f.as_params()))
def test_national_table_equals_brute_force_count(records, filters, national):
    provinces = [records["p1"], records["p2"]]

    table = stats.statistics_table_for_user(national, filters, None)

    assert [row.territory for row in table.rows if row.territory] == sorted(
        provinces, key=lambda p: p.code
    )
    _assert_matches(table, _brute_force(filters, None, None, [p.path for p in provinces]))


@pytest.mark.parametrize("filters", FILTER_CASES, ids=lambda f: str(f.as_params()))
def test_province_drill_down_equals_brute_force_count(records, filters, national):
    p1 = records["p1"]
    communes = [records["c1a"], records["c1b"]]

    table = stats.statistics_table_for_user(national, filters, p1)

    _assert_matches(table, _brute_force(filters, None, p1, [c.path for c in communes]))


def test_historic_communes_roll_up_into_todays_units(records, national):
    filters = stats.StatisticsFilters(measure=stats.REGISTERED)

    table = stats.statistics_table_for_user(national, filters, records["p1"])

    by_label = {row.label: row.total for row in table.rows}
    from danvan.initiatives.models import Initiative

    under = Initiative.objects.filter
    assert by_label["Xã Một A"] == (
        under(territory=records["c1a"]).count() + under(territory=records["old_whole"]).count()
    )
    assert by_label["Directly under Tỉnh Một"] == (
        under(territory=records["p1"]).count() + under(territory=records["old_split"]).count()
    )


def test_commune_user_counts_only_their_commune(records):
    c1a = records["c1a"]
    user = user_with_role("officer", c1a)
    filters = stats.StatisticsFilters()

    unit = stats.statistics_unit_for_user(user)
    table = stats.statistics_table_for_user(user, filters, unit)

    assert unit == c1a
    assert [row.label for row in table.rows] == ["Xã Một A"]
    _assert_matches(table, {c1a.path: _brute_force(filters, [c1a.path], c1a, []).get("rest", {})})


def test_user_with_two_grants_sees_one_row_per_granted_unit(records):
    user = user_with_role("viewer", records["c1b"])
    user_with_role("viewer", records["c2a"], username=user.username)
    filters = stats.StatisticsFilters(measure=stats.REGISTERED)
    paths = [records["c1b"].path, records["c2a"].path]

    table = stats.statistics_table_for_user(user, filters, stats.statistics_unit_for_user(user))

    assert {row.label for row in table.rows} == {"Xã Một B", "Xã Hai A"}
    _assert_matches(table, _brute_force(filters, paths, None, paths))


def test_commune_user_cannot_drill_into_province_or_other_commune(records):
    from django.http import Http404

    user = user_with_role("officer", records["c1a"])

    for outside in (records["p1"], records["c1b"], records["c2a"]):
        with pytest.raises(Http404):
            stats.statistics_unit_for_user(user, outside.pk)


def test_summary_sentence_names_level_year_and_subjects(country, national):
    p1 = country["p1"]
    organisation = OrganisationFactory(territory=p1)
    economy = Field.objects.get(code="kinh_te")
    for n, subject in enumerate([Subject.COLLECTIVE] * 3 + [Subject.INDIVIDUAL] * 2):
        initiative = InitiativeFactory(territory=p1, organisation=organisation, subject=subject)
        Recognition.objects.create(
            initiative=initiative,
            level=Level.PROVINCE,
            year=2024,
            decision_number=f"{n}-QĐ",
            decision_date=date(2024, 5, 1),
            issuer=organisation,
            territory=p1,
            subject=subject,
            kind=Kind.MODEL,
            field=economy,
        )
    filters = stats.StatisticsFilters(year=2024, level=Level.PROVINCE)

    table = stats.statistics_table_for_user(national, filters, None)

    assert stats.statistics_summary(table) == (
        "5 models recognised at provincial level in 2024: 3 collective, 2 individual."
    )


def test_statistics_grouping_is_one_query_per_table(records, django_assert_num_queries, national):
    scope.grants_of(national)  # cached on the user, as within a request

    # Fields, the grouped counts, the child units.
    with django_assert_num_queries(3):
        stats.statistics_table_for_user(national, stats.StatisticsFilters(), records["p1"])


# --- the page, the export and the API --------------------------------------------------------


def test_page_shows_summary_table_and_drill_links(records, client, national):
    client.force_login(national)

    response = client.get(reverse("initiatives:statistics"), {"year": 2024})

    assert response.status_code == 200
    body = response.content.decode()
    assert "models recognised at all levels in 2024" in body
    assert f"territory={records['p1'].pk}" in body
    assert "Tỉnh Hai" in body


def test_page_without_rights_is_forbidden(client, place):
    grant = RoleGrantFactory(role="viewer", territory=place[1], domain="clearance")
    client.force_login(grant.user)

    assert client.get(reverse("initiatives:statistics")).status_code == 403


def test_commune_user_page_export_and_api_show_no_other_commune(records, client):
    c1a, c1b = records["c1a"], records["c1b"]
    user = user_with_role("officer", c1a)
    client.force_login(user)
    visible = stats.statistics_table_for_user(user, stats.StatisticsFilters(), c1a).totals.total

    page = client.get(reverse("initiatives:statistics")).content.decode()
    export = client.get(reverse("initiatives:statistics-export"))
    api = client.get("/api/v1/models-statistics").json()
    drill = client.get(reverse("initiatives:statistics"), {"territory": c1b.pk})
    api_drill = client.get("/api/v1/models-statistics", {"territory_id": records["p1"].pk})

    for name in ("Xã Một B", "Xã Hai A", "Tỉnh Hai"):
        assert name not in page
    units = [row[0] for row in sheet_rows(export)]
    assert units == ["Xã Một A", "Total"]
    assert [r["name"] for r in api["rows"]] == ["Xã Một A"]
    assert api["totals"]["total"] == visible
    assert drill.status_code == 404
    assert api_drill.status_code == 404


def test_export_has_the_same_numbers_as_the_table(records, client, national):
    client.force_login(national)
    filters = stats.StatisticsFilters(measure=stats.REGISTERED)
    table = stats.statistics_table_for_user(national, filters, records["p1"])

    response = client.get(
        reverse("initiatives:statistics-export"),
        {"measure": "registered", "territory": records["p1"].pk},
    )

    expected = [
        [row.label, *values]
        for row, values in [*table.value_rows, (table.totals, table.total_values)]
    ]
    assert sheet_rows(response) == expected


def test_api_rows_match_the_table(records, api, national):
    table = stats.statistics_table_for_user(national, stats.StatisticsFilters(year=2024), None)

    answer = api(national).get("/api/v1/models-statistics", {"year": 2024}).json()

    assert [r["name"] for r in answer["rows"]] == [row.label for row in table.rows]
    assert [r["total"] for r in answer["rows"]] == [row.total for row in table.rows]
    assert answer["totals"]["total"] == table.totals.total
    first = answer["rows"][0]["counts"][0]
    assert set(first) == {"field", "subject", "count"}


def test_api_needs_sign_in(client):
    assert client.get("/api/v1/models-statistics").status_code == 401
