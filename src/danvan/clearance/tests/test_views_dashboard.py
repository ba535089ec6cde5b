"""The dashboard page and its API: same figures, drill-down links, scope, bad input."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from danvan.accounts.tests.factories import RoleGrantFactory, user_with_role
from danvan.clearance import statistics as stats
from danvan.clearance.tests.test_statistics import build_records, country  # noqa: F401
from danvan.core.templatetags.vn import format_money, format_money_short, format_number

pytestmark = pytest.mark.django_db

URL = "/api/v1/clearance/dashboard"


@pytest.fixture
def records(country):  # noqa: F811
    build_records(list(country.values()), seed=11, project_count=10)
    return country


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("clearance:dashboard"), params)


def test_page_shows_the_figures_of_the_province_and_links_to_drill_down(client, records):
    leader = user_with_role("leader", records["p1"])
    expected = stats.dashboard_for_user(leader, stats.DashboardFilters(), records["p1"])

    response = page(client, leader)

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["unit"] == records["p1"]
    assert response.context["summary"] == stats.dashboard_summary(expected)
    totals = response.context["totals"]
    assert (totals.projects, totals.paid_total, totals.donated_value) == (
        expected.totals.projects,
        expected.totals.paid_total,
        expected.totals.donated_value,
    )
    assert format_money_short(totals.paid_total) in html
    assert format_money(totals.paid_total) in html  # the exact figure, next to the short one
    assert records["c1a"].name in html
    assert records["c1b"].name in html
    assert records["p2"].name not in html  # another province never shows
    assert html.count('class="chart chart-') == 3  # by unit, money by year, households by year


def test_country_rows_link_to_the_provinces(client, records):
    national = user_with_role("viewer", None)

    response = page(client, national, year_from="2021", year_to="2023")

    assert response.status_code == 200
    rows = {row.territory: row for row in response.context["dashboard"].rows}
    drill = rows[records["p1"]].drill_url
    assert f"territory={records['p1'].pk}" in drill
    assert "year_from=2021" in drill
    assert drill in response.content.decode().replace("&amp;", "&")
    try:
        reverse("clearance:project-list")
    except NoReverseMatch:
        return  # the board is built in another slice
    board = rows[records["p1"]].board_url
    assert f"territory={records['p1'].pk}" in board
    assert "year_to=2023" in board


def test_commune_row_is_its_own_figures_without_drill_down(client, records):
    officer = user_with_role("officer", records["c1b"])

    response = page(client, officer)

    rows = response.context["dashboard"].rows
    assert [r.territory for r in rows] == [records["c1b"]]
    assert rows[0].drill_url is None


def test_out_of_scope_unit_is_not_found(client, records):
    officer = user_with_role("officer", records["c1a"])

    for unit in (records["p1"], records["c1b"], records["p2"], records["old_ward"]):
        assert page(client, officer, territory=unit.pk).status_code == 404


def test_user_without_clearance_rights_is_refused(client, records):
    other_domain = user_with_role("viewer", records["p1"])
    other_domain.grants.update(domain="initiatives")

    assert page(client, other_domain).status_code == 403
    client.logout()
    assert client.get(reverse("clearance:dashboard")).status_code == 302


def test_bad_years_give_a_message_not_an_error(client, records):
    national = user_with_role("viewer", None)

    response = page(client, national, year_from="20x1", year_to="2023", territory="abc")

    assert response.status_code == 200
    assert len(response.context["errors"]) == 1
    assert response.context["filters"] == stats.DashboardFilters(year_to=2023)


def test_page_queries_stay_few_whatever_the_data(client, country):  # noqa: F811
    national = user_with_role("viewer", None)
    build_records(list(country.values()), seed=3, project_count=2)
    url = reverse("clearance:dashboard")
    params = {"territory": country["p1"].pk, "year_from": 2021}
    page(client, national, **params)  # signs in
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    build_records(list(country.values()), seed=4, project_count=10)

    with CaptureQueriesContext(connection) as many:
        client.get(url, params)

    # Session, user, grants, the unit, projects and donations by unit and by year, child units,
    # and the unread count of the notification bell.
    assert len(many) == len(few) == 10


# --- API ----------------------------------------------------------------------------------------


def test_api_gives_the_same_figures_as_the_page(api, records):
    national = user_with_role("viewer", None)
    filters = stats.DashboardFilters(year_from=2022, year_to=2023)
    expected = stats.dashboard_for_user(national, filters, records["p1"])

    response = api(national).get(
        URL, {"territory_id": records["p1"].pk, "year_from": 2022, "year_to": 2023}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["id"] == records["p1"].pk
    assert body["summary"] == stats.dashboard_summary(expected)
    totals = body["totals"]
    assert totals["projects"] == expected.totals.projects
    assert totals["households"] == expected.totals.households
    assert totals["households_handed_over"] == expected.totals.handed_over
    assert totals["approved_total"] == expected.totals.approved_total
    assert totals["paid_total"] == expected.totals.paid_total
    assert totals["average_paid_per_household"] == expected.totals.average_paid
    assert Decimal(totals["recovered_area"]) == expected.totals.recovered_area
    assert Decimal(totals["donated_area"]) == expected.totals.donated_area
    assert totals["donated_value"] == expected.totals.donated_value
    assert sum(totals["projects_by_status"].values()) == expected.totals.projects
    assert body["rows"][0]["figures"]["projects_by_status"] is None
    assert [r["name"] for r in body["rows"]] == [r.label for r in expected.rows]
    assert sum(r["figures"]["paid_total"] for r in body["rows"]) == totals["paid_total"]
    assert [y["year"] for y in body["years"]] == [y for y, _f in expected.years]


def test_api_default_unit_is_the_callers_scope(api, records):
    officer = user_with_role("officer", records["c1a"])
    expected = stats.dashboard_for_user(officer, stats.DashboardFilters(), records["c1a"])

    body = api(officer).get(URL).json()

    assert body["unit"]["id"] == records["c1a"].pk
    assert body["totals"]["projects"] == expected.totals.projects
    assert [r["unit"]["id"] for r in body["rows"]] == [records["c1a"].pk]


def test_api_refuses_out_of_scope_and_bad_input(api, records):
    officer = user_with_role("officer", records["c1a"])
    client = api(officer)

    assert client.get(URL, {"territory_id": records["p2"].pk}).status_code == 404
    backwards = client.get(URL, {"year_from": 2023, "year_to": 2021})
    assert backwards.status_code == 422
    assert backwards.json()["details"][0]["field"] == "year_to"
    assert client.get(URL, {"year_from": 1800}).status_code == 422
    assert client.get(URL, {"territory_id": "x"}).status_code == 422


def test_api_needs_clearance_rights(api, records, client):
    other_domain = user_with_role("viewer", records["p1"])
    other_domain.grants.update(domain="initiatives")

    assert api(other_domain).get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 401


def test_api_several_grants_list_each_granted_unit(api, records):
    user = user_with_role("viewer", records["c1b"])
    RoleGrantFactory(user=user, role="viewer", territory=records["p2"])

    body = api(user).get(URL).json()

    assert body["unit"] is None
    assert {r["unit"]["id"] for r in body["rows"]} == {records["c1b"].pk, records["p2"].pk}
    assert body["totals"]["projects"] == sum(r["figures"]["projects"] for r in body["rows"])
    assert format_number(body["totals"]["projects"]) in body["summary"]


def test_page_without_any_record_still_renders(client, country):  # noqa: F811
    officer = user_with_role("officer", country["c2a"])

    response = page(client, officer)

    assert response.status_code == 200
    assert response.context["totals"].projects == 0
    assert response.context["money_chart"] is None
