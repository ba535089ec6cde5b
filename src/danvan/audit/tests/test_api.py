import pytest

from danvan.accounts.tests.factories import UserFactory, user_with_role
from danvan.core.roles import Role
from danvan.organisations import services as organisation_services
from danvan.organisations.tests.factories import OrganisationKindFactory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    province = ProvinceFactory(name="Tỉnh Quảng Nam")
    return province, CommuneFactory(parent=province), CommuneFactory(parent=province)


def organisation_in(territory, actor, name="Hội Nông dân"):
    """An organisation created and then edited through the services, so it has a history."""
    data = organisation_services.OrganisationData(
        name=name, kind=OrganisationKindFactory(), territory=territory
    )
    organisation = organisation_services.organisation_create(data=data, actor=actor)
    return organisation_services.organisation_update(
        organisation=organisation,
        data=organisation_services.data_from_instance(organisation, phone="0235 3812 345"),
        actor=actor,
    )


def test_history_of_a_visible_object_newest_first(api, place):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a)
    organisation = organisation_in(commune_a, officer)

    response = api(officer).get(f"/api/v1/audit/organisations.organisation/{organisation.pk}")

    assert response.status_code == 200
    body = response.json()
    assert [e["action"] for e in body["items"]] == ["update", "create"]
    assert body["items"][0]["changes"]["phone"] == ["", "0235 3812 345"]
    assert body["items"][0]["actor_id"] == officer.pk
    assert body["items"][0]["action_label"] == "Updated"
    assert "ip" not in body["items"][0]


def test_history_outside_scope_looks_like_a_missing_object(api, place):
    _, commune_a, commune_b = place
    author = user_with_role(Role.OFFICER, commune_b)
    theirs = organisation_in(commune_b, author)
    officer = user_with_role(Role.OFFICER, commune_a)
    client = api(officer)

    hidden = client.get(f"/api/v1/audit/organisations.organisation/{theirs.pk}")
    missing = client.get("/api/v1/audit/organisations.organisation/999999")
    garbage = client.get("/api/v1/audit/organisations.organisation/abc")
    unknown_type = client.get("/api/v1/audit/secrets.vault/1")

    assert [r.status_code for r in (hidden, missing, garbage, unknown_type)] == [404] * 4
    assert hidden.json() == missing.json()


def test_user_history_follows_the_user_view_right(api, place):
    commune_a = place[1]
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    officer = user_with_role(Role.OFFICER, commune_a)
    api(admin).post(
        f"/api/v1/users/{officer.pk}/grants",
        {"role": "viewer", "territory_id": commune_a.pk},
        content_type="application/json",
    )
    url = f"/api/v1/audit/accounts.user/{officer.pk}"

    seen_by_admin = api(admin).get(url)
    seen_by_officer = api(officer).get(url)

    assert seen_by_admin.status_code == 200
    assert [e["action"] for e in seen_by_admin.json()["items"]] == ["grant"]
    assert seen_by_officer.status_code == 404


def test_event_list_is_limited_to_the_audited_territories(api, place):
    _, commune_a, commune_b = place
    ours = organisation_in(commune_a, user_with_role(Role.OFFICER, commune_a), name="Hội của ta")
    organisation_in(commune_b, user_with_role(Role.OFFICER, commune_b), name="Hội bên kia")
    leader = user_with_role(Role.LEADER, commune_a)

    body = api(leader).get("/api/v1/audit/events").json()

    assert body["count"] == 2
    assert {e["object_id"] for e in body["items"]} == {str(ours.pk)}
    assert body["items"][0]["territory"]["id"] == commune_a.pk
    assert "ip" in body["items"][0]


def test_event_list_filters_by_object_type_and_action(api, place):
    commune_a = place[1]
    organisation_in(commune_a, user_with_role(Role.OFFICER, commune_a))
    leader = user_with_role(Role.LEADER, commune_a)

    body = api(leader).get("/api/v1/audit/events", {"action": "create"}).json()

    assert [e["action"] for e in body["items"]] == ["create"]


def test_event_list_needs_the_audit_right(api, place):
    officer = user_with_role(Role.OFFICER, place[1])

    response = api(officer).get("/api/v1/audit/events")

    assert response.status_code == 403


def test_event_list_query_count_does_not_grow_with_rows(api, place, django_assert_max_num_queries):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a)
    for n in range(10):
        organisation_in(commune_a, officer, name=f"Chi hội {n}")
    leader = user_with_role(Role.LEADER, commune_a)
    client = api(leader)

    # session, user, grants, count, page
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/audit/events", {"page_size": 50})

    assert response.json()["count"] == 20


def test_anonymous_history_request_is_401(client):
    UserFactory()

    assert client.get("/api/v1/audit/accounts.user/1").status_code == 401
