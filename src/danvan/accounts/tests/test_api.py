import pytest
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import ApiToken, RoleGrant, User
from danvan.accounts.services import token_create
from danvan.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.roles import Role
from danvan.core.search import search_key
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- /me -------------------------------------------------------------------------------------


def test_me_shows_the_user_their_organisation_and_grants(api, place):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a, full_name="Trần Thị Hoa")

    body = api(officer).get("/api/v1/me").json()

    assert body["user"]["full_name"] == "Trần Thị Hoa"
    assert body["organisation"]["territory"]["id"] == commune_a.pk
    assert [(g["role"], g["territory"]["id"]) for g in body["grants"]] == [
        ("officer", commune_a.pk)
    ]
    assert body["is_system_admin"] is False


# --- tokens ------------------------------------------------------------------------------------


def test_valid_token_authenticates_without_a_session(client, place):
    officer = user_with_role(Role.OFFICER, place[1])
    _, secret = token_create(user=officer, name="Báo cáo tự động")

    response = client.get("/api/v1/me", **bearer(secret))

    assert response.status_code == 200
    assert response.json()["user"]["id"] == officer.pk


def test_revoked_and_wrong_tokens_are_refused(client, place):
    officer = user_with_role(Role.OFFICER, place[1])
    token, secret = token_create(user=officer, name="Cũ")
    token.revoked_at = timezone.now()
    token.save()

    revoked = client.get("/api/v1/me", **bearer(secret))
    wrong = client.get("/api/v1/me", **bearer("dv_not-a-real-token"))
    malformed = client.get("/api/v1/me", HTTP_AUTHORIZATION="Token abc")

    assert [revoked.status_code, wrong.status_code, malformed.status_code] == [401, 401, 401]
    assert revoked.json()["code"] == "unauthenticated"


def test_token_of_a_deactivated_user_stops_working(client, place):
    officer = user_with_role(Role.OFFICER, place[1])
    _, secret = token_create(user=officer, name="Máy chủ báo cáo")
    User.objects.filter(pk=officer.pk).update(is_active=False)

    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_token_secret_is_shown_once_and_stored_hashed(api, place):
    officer = user_with_role(Role.OFFICER, place[1])
    client = api(officer)

    created = client.post(
        "/api/v1/tokens", {"name": "Kết nối Excel"}, content_type="application/json"
    )
    listed = client.get("/api/v1/tokens").json()

    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("dv_")
    assert ApiToken.objects.get().key_hash == ApiToken.hash_key(secret)
    assert listed["count"] == 1
    assert "token" not in listed["items"][0]
    assert client.get("/api/v1/me", **bearer(secret)).json()["user"]["id"] == officer.pk


def test_tokens_are_private_to_their_owner(api, place):
    commune_a = place[1]
    owner = user_with_role(Role.OFFICER, commune_a)
    token, _ = token_create(user=owner, name="Của tôi")
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    client = api(admin)

    listed = client.get("/api/v1/tokens").json()
    revoke = client.delete(f"/api/v1/tokens/{token.pk}")

    assert listed["count"] == 0
    assert revoke.status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_revoking_a_token_ends_its_access(api, place):
    officer = user_with_role(Role.OFFICER, place[1])
    token, secret = token_create(user=officer, name="Tạm")
    client = api(officer)

    response = client.delete(f"/api/v1/tokens/{token.pk}")
    client.logout()

    assert response.status_code == 204
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_session_writes_need_csrf_but_token_writes_do_not(place):
    officer = user_with_role(Role.OFFICER, place[1])
    _, secret = token_create(user=officer, name="Tích hợp")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    machine = Client(enforce_csrf_checks=True)

    by_session = browser.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    by_token = machine.post(
        "/api/v1/tokens", {"name": "y"}, content_type="application/json", **bearer(secret)
    )

    assert by_session.status_code == 403
    assert by_session.json()["code"] == "csrf_failed"
    assert by_token.status_code == 201


def test_session_write_with_the_csrf_token_passes(place):
    officer = user_with_role(Role.OFFICER, place[1])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    browser.get("/api/v1/docs")  # any page that sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value

    response = browser.post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )

    assert response.status_code == 201


# --- users within scope -----------------------------------------------------------------------


def test_user_list_shows_only_users_in_scope(api, place):
    _, commune_a, commune_b = place
    # The factory leaves search_name empty (services fill it), so set it as a service would.
    colleague = UserFactory(
        organisation=OrganisationFactory(territory=commune_a),
        full_name="Lê Văn Ánh",
        search_name=search_key("Lê Văn Ánh"),
    )
    stranger = UserFactory(
        organisation=OrganisationFactory(territory=commune_b),
        full_name="Lê Văn Bình",
        search_name=search_key("Lê Văn Bình"),
    )
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    client = api(admin)

    everyone = client.get("/api/v1/users").json()
    search = client.get("/api/v1/users", {"q": "le van"}).json()

    ids = {item["id"] for item in everyone["items"]}
    assert colleague.pk in ids
    assert stranger.pk not in ids
    assert everyone["count"] == len(ids) == 2
    assert [item["id"] for item in search["items"]] == [colleague.pk]


def test_user_detail_outside_scope_is_404(api, place):
    _, commune_a, commune_b = place
    stranger = UserFactory(organisation=OrganisationFactory(territory=commune_b))
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    client = api(admin)

    answers = [
        client.get(f"/api/v1/users/{stranger.pk}"),
        client.patch(
            f"/api/v1/users/{stranger.pk}", {"full_name": "X"}, content_type="application/json"
        ),
        client.post(f"/api/v1/users/{stranger.pk}/reset-password"),
        client.post(
            f"/api/v1/users/{stranger.pk}/grants",
            {"role": "viewer"},
            content_type="application/json",
        ),
    ]

    assert [r.status_code for r in answers] == [404, 404, 404, 404]


def test_officers_may_not_list_users(api, place):
    officer = user_with_role(Role.OFFICER, place[1])

    response = api(officer).get("/api/v1/users")

    assert response.status_code == 403


def test_leader_sees_users_but_cannot_manage_them(api, place):
    commune_a = place[1]
    colleague = UserFactory(organisation=OrganisationFactory(territory=commune_a))
    leader = user_with_role(Role.LEADER, commune_a)
    client = api(leader)

    read = client.get(f"/api/v1/users/{colleague.pk}")
    write = client.patch(
        f"/api/v1/users/{colleague.pk}", {"full_name": "X"}, content_type="application/json"
    )
    reset = client.post(f"/api/v1/users/{colleague.pk}/reset-password")

    assert read.status_code == 200
    assert [write.status_code, reset.status_code] == [403, 403]


def test_user_list_query_count_does_not_grow_with_rows(api, place, django_assert_max_num_queries):
    commune_a = place[1]
    organisation = OrganisationFactory(territory=commune_a)
    for _ in range(15):
        user_with_role(Role.VIEWER, commune_a, organisation=organisation)
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    client = api(admin)

    # session, user, grants, count, page, prefetched grants
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/users", {"page_size": 50})

    assert response.json()["count"] == 16


def test_create_user_returns_the_temporary_password_once(api, place):
    commune_a = place[1]
    organisation = OrganisationFactory(territory=commune_a)
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    client = api(admin)

    response = client.post(
        "/api/v1/users",
        {"username": "hoa.tran", "full_name": "Trần Thị Hoa", "organisation_id": organisation.pk},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    created = User.objects.get(username="hoa.tran")
    assert created.check_password(body["temporary_password"])
    assert created.must_change_password
    assert "temporary_password" not in client.get(f"/api/v1/users/{created.pk}").json()
    assert AuditEvent.objects.filter(
        object_type="accounts.user", object_id=str(created.pk), source="api"
    ).exists()


def test_create_user_in_an_organisation_outside_scope_is_a_field_error(api, place):
    _, commune_a, commune_b = place
    theirs = OrganisationFactory(territory=commune_b)
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)

    response = api(admin, "vi").post(
        "/api/v1/users",
        {"username": "x", "full_name": "X", "organisation_id": theirs.pk},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["details"] == [
        {
            "field": "organisation_id",
            "message": "Hãy chọn một giá trị hợp lệ. Giá trị này không có trong danh sách.",
        }
    ]
    assert not User.objects.filter(username="x").exists()


def test_create_user_with_a_bad_username_is_422(api, place):
    admin = user_with_role(Role.TERRITORY_ADMIN, place[1])

    response = api(admin).post(
        "/api/v1/users",
        {"username": "có dấu cách", "full_name": "X"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "username"


def test_duplicate_username_is_a_400_with_code(api, place):
    commune_a = place[1]
    UserFactory(username="trung")
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)

    response = api(admin).post(
        "/api/v1/users",
        {"username": "TRUNG", "full_name": "X", "organisation_id": admin.organisation_id},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "duplicate"


def test_patch_user_with_stale_version_is_409(api, place):
    commune_a = place[1]
    colleague = UserFactory(
        organisation=OrganisationFactory(territory=commune_a), position="Cán bộ"
    )
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    client = api(admin)
    url = f"/api/v1/users/{colleague.pk}"

    fresh = client.patch(
        url, {"position": "Trưởng ban", "version": 1}, content_type="application/json"
    )
    stale = client.patch(
        url, {"position": "Phó ban", "version": 1}, content_type="application/json"
    )

    assert fresh.status_code == 200
    assert (fresh.json()["position"], fresh.json()["version"]) == ("Trưởng ban", 2)
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    colleague.refresh_from_db()
    assert colleague.position == "Trưởng ban"


def test_admin_cannot_deactivate_themselves(api, place):
    admin = user_with_role(Role.TERRITORY_ADMIN, place[1])

    response = api(admin).patch(
        f"/api/v1/users/{admin.pk}", {"is_active": False}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "self_deactivate"


def test_grant_and_revoke_a_role(api, place):
    commune_a = place[1]
    colleague = UserFactory(organisation=OrganisationFactory(territory=commune_a))
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    client = api(admin)

    granted = client.post(
        f"/api/v1/users/{colleague.pk}/grants",
        {"role": "officer", "territory_id": commune_a.pk},
        content_type="application/json",
    )
    grant_id = granted.json()["id"]
    revoked = client.delete(f"/api/v1/users/{colleague.pk}/grants/{grant_id}")

    assert granted.status_code == 201
    assert granted.json()["territory"]["id"] == commune_a.pk
    assert revoked.status_code == 204
    assert not RoleGrant.objects.filter(user=colleague).exists()


def test_granting_outside_scope_or_above_ones_own_roles_is_refused(api, place):
    province, commune_a, commune_b = place
    colleague = UserFactory(organisation=OrganisationFactory(territory=commune_a))
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    client = api(admin)
    url = f"/api/v1/users/{colleague.pk}/grants"

    wider = client.post(
        url, {"role": "officer", "territory_id": province.pk}, content_type="application/json"
    )
    sideways = client.post(
        url, {"role": "officer", "territory_id": commune_b.pk}, content_type="application/json"
    )
    system = client.post(
        url, {"role": "system_admin", "territory_id": commune_a.pk}, content_type="application/json"
    )
    bogus = client.post(url, {"role": "emperor"}, content_type="application/json")

    assert [wider.status_code, sideways.status_code] == [403, 403]
    assert system.status_code == 400
    assert system.json()["code"] == "role_not_grantable"
    assert bogus.status_code == 422
    assert not RoleGrant.objects.filter(user=colleague).exists()


def test_revoking_another_users_grant_through_the_wrong_url_is_404(api, place):
    commune_a = place[1]
    first = user_with_role(Role.VIEWER, commune_a)
    second = user_with_role(Role.VIEWER, commune_a)
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    grant = first.grants.get()

    response = api(admin).delete(f"/api/v1/users/{second.pk}/grants/{grant.pk}")

    assert response.status_code == 404
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_reset_password_returns_a_working_temporary_password(api, place):
    commune_a = place[1]
    colleague = UserFactory(organisation=OrganisationFactory(territory=commune_a))
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)

    response = api(admin).post(f"/api/v1/users/{colleague.pk}/reset-password")

    assert response.status_code == 200
    colleague.refresh_from_db()
    assert colleague.check_password(response.json()["temporary_password"])
    assert not colleague.check_password(DEFAULT_PASSWORD)
    assert colleague.must_change_password
