import pytest
from django.utils import translation

from danvan.accounts.tests.factories import UserFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.roles import Role
from danvan.organisations.models import Organisation
from danvan.organisations.tests.factories import OrganisationFactory, OrganisationKindFactory
from danvan.territories.models import Era
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations"


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def payload(territory, **overrides):
    kind = OrganisationKindFactory()
    body = {"name": "Hội Nông dân phường", "kind": kind.code, "territory_id": territory.pk}
    body.update(overrides)
    return body


def test_list_shows_only_organisations_in_the_callers_subtree(api, place):
    _, commune_a, commune_b = place
    mine = OrganisationFactory(territory=commune_a, name="Hội Phụ nữ Đông Triều")
    OrganisationFactory(territory=commune_b, name="Hội Phụ nữ Quảng Hà")
    officer = user_with_role(Role.OFFICER, commune_a)

    response = api(officer).get(URL)

    assert response.status_code == 200
    body = response.json()
    names = {item["name"] for item in body["items"]}
    assert "Hội Phụ nữ Quảng Hà" not in names
    assert mine.name in names
    assert body["count"] == len(names) == Organisation.objects.filter(territory=commune_a).count()
    assert body["page"] == 1


def test_search_is_accent_insensitive_and_never_reaches_outside_scope(api, place):
    _, commune_a, commune_b = place
    OrganisationFactory(territory=commune_a, name="Hội Cựu chiến binh Đông Triều")
    OrganisationFactory(territory=commune_b, name="Hội Cựu chiến binh Quảng Hà")
    officer = user_with_role(Role.OFFICER, commune_a)
    client = api(officer)

    found = client.get(URL, {"q": "cuu chien binh dong trieu"}).json()
    hidden = client.get(URL, {"q": "quang ha"}).json()

    assert [item["name"] for item in found["items"]] == ["Hội Cựu chiến binh Đông Triều"]
    assert hidden == {"items": [], "count": 0, "page": 1, "page_size": 25}


def test_territory_filter_keeps_the_subtree_and_kind_filter_the_kind(api, place):
    province, commune_a, commune_b = place
    youth = OrganisationKindFactory(code="youth_union", name_vi="Đoàn Thanh niên", name_en="Youth")
    OrganisationFactory(territory=commune_a, kind=youth, name="Đoàn phường")
    OrganisationFactory(territory=commune_a, name="Hội Phụ nữ phường")
    OrganisationFactory(territory=commune_b, kind=youth, name="Đoàn xã")
    admin = user_with_role(Role.TERRITORY_ADMIN, province)
    client = api(admin)

    in_a = client.get(URL, {"territory_id": commune_a.pk, "kind": "youth_union"}).json()
    everywhere = client.get(URL, {"kind": "youth_union", "sort": "-name"}).json()

    assert [item["name"] for item in in_a["items"]] == ["Đoàn phường"]
    assert [item["name"] for item in everywhere["items"]] == ["Đoàn xã", "Đoàn phường"]


def test_unknown_sort_is_a_422(api, place):
    officer = user_with_role(Role.OFFICER, place[1])

    response = api(officer).get(URL, {"sort": "password"})

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "sort"


def test_pagination_splits_the_list(api, place):
    commune_a = place[1]
    for n in range(5):
        OrganisationFactory(territory=commune_a, name=f"Tổ dân vận số {n}")
    officer = user_with_role(Role.OFFICER, commune_a)

    page = api(officer).get(URL, {"q": "to dan van", "page": 2, "page_size": 2}).json()

    assert page["count"] == 5
    assert [item["name"] for item in page["items"]] == ["Tổ dân vận số 2", "Tổ dân vận số 3"]


def test_list_query_count_does_not_grow_with_rows(api, place, django_assert_max_num_queries):
    commune_a = place[1]
    committee = OrganisationFactory(territory=commune_a, name="Đảng ủy phường")
    for n in range(20):
        OrganisationFactory(territory=commune_a, parent=committee, name=f"Chi hội {n}")
    officer = user_with_role(Role.OFFICER, commune_a)
    client = api(officer)

    # session, user, grants, count, page
    with django_assert_max_num_queries(5):
        response = client.get(URL, {"page_size": 50})

    assert response.json()["count"] == 22  # officer's own organisation too


def test_detail_update_and_delete_outside_scope_answer_404(api, place):
    _, commune_a, commune_b = place
    theirs = OrganisationFactory(territory=commune_b)
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    client = api(admin)
    url = f"{URL}/{theirs.pk}"

    answers = [
        client.get(url),
        client.patch(url, {"name": "Đổi tên"}, content_type="application/json"),
        client.put(url, payload(commune_b), content_type="application/json"),
        client.delete(url),
    ]

    assert [r.status_code for r in answers] == [404, 404, 404, 404]
    assert answers[0].json()["code"] == "not_found"
    assert Organisation.objects.filter(pk=theirs.pk, name=theirs.name).exists()


def test_viewer_in_scope_gets_403_on_writes(api, place):
    commune_a = place[1]
    organisation = OrganisationFactory(territory=commune_a)
    viewer = user_with_role(Role.VIEWER, commune_a)
    client = api(viewer)
    url = f"{URL}/{organisation.pk}"

    read = client.get(url)
    patch = client.patch(url, {"name": "Đổi tên"}, content_type="application/json")
    delete = client.delete(url)
    create = client.post(URL, payload(commune_a), content_type="application/json")

    assert read.status_code == 200
    assert [patch.status_code, delete.status_code, create.status_code] == [403, 403, 403]
    assert patch.json() == {
        "code": "forbidden",
        "message": in_language("en", "You do not have permission to do this."),
        "details": None,
    }


def test_officer_may_edit_but_not_delete(api, place):
    commune_a = place[1]
    organisation = OrganisationFactory(territory=commune_a)
    officer = user_with_role(Role.OFFICER, commune_a)

    response = api(officer).delete(f"{URL}/{organisation.pk}")

    assert response.status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_create_files_the_organisation_and_audits_it_as_api(api, place):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a)

    response = api(officer).post(
        URL,
        payload(commune_a, email="hnd@example.test", member_count=120, founded_on="2001-05-03"),
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["territory"]["id"] == commune_a.pk
    assert body["founded_on"] == "2001-05-03"
    assert body["version"] == 1
    event = AuditEvent.objects.get(
        object_type="organisations.organisation", object_id=str(body["id"])
    )
    assert (event.action, event.source, event.actor_id) == ("create", "api", officer.pk)


def test_create_outside_scope_is_refused_with_403(api, place):
    _, commune_a, commune_b = place
    officer = user_with_role(Role.OFFICER, commune_a)

    response = api(officer).post(URL, payload(commune_b), content_type="application/json")

    assert response.status_code == 403
    assert not Organisation.objects.filter(territory=commune_b).exists()


def test_missing_fields_answer_422_in_vietnamese(api, place):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a)

    response = api(officer, "vi").post(
        URL, {"name": "  ", "territory_id": commune_a.pk}, content_type="application/json"
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == in_language("vi", "Some values are not valid.")
    assert {"field": "name", "message": "Trường này là bắt buộc."} in body["details"]
    assert {"field": "kind", "message": "Trường này là bắt buộc."} in body["details"]


def test_same_error_in_english_when_asked(api, place):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a)

    response = api(officer, "en").post(
        URL,
        payload(commune_a, email="not-an-email", member_count=-1),
        content_type="application/json",
    )

    details = response.json()["details"]
    assert response.status_code == 422
    assert {"field": "email", "message": "Enter a valid email address."} in details
    assert {
        "field": "member_count",
        "message": "Ensure this value is greater than or equal to 0.",
    } in details


def test_unknown_kind_or_territory_is_a_field_error(api, place):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a)
    client = api(officer)

    bad_kind = client.post(URL, payload(commune_a, kind="nope"), content_type="application/json")
    bad_unit = client.post(URL, payload(commune_a, territory_id=0), content_type="application/json")

    assert bad_kind.status_code == bad_unit.status_code == 422
    assert bad_kind.json()["details"][0]["field"] == "kind"
    assert bad_unit.json()["details"][0]["field"] == "territory_id"


def test_parent_outside_scope_is_a_field_error_not_a_leak(api, place):
    _, commune_a, commune_b = place
    theirs = OrganisationFactory(territory=commune_b)
    officer = user_with_role(Role.OFFICER, commune_a)

    response = api(officer).post(
        URL, payload(commune_a, parent_id=theirs.pk), content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "parent_id"


def test_business_rule_breaks_answer_400_with_a_code(api, place):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a)
    legacy = CommuneFactory(era=Era.LEGACY, parent=ProvinceFactory(era=Era.LEGACY))
    client = api(officer)
    client.post(URL, payload(commune_a), content_type="application/json")

    duplicate = client.post(URL, payload(commune_a), content_type="application/json")
    historic = client.post(URL, payload(legacy), content_type="application/json")

    assert duplicate.status_code == 400
    assert duplicate.json()["code"] == "duplicate"
    assert duplicate.json()["details"] == {"field": "name"}
    assert historic.status_code == 400
    assert historic.json()["code"] == "legacy_territory"


def test_patch_changes_only_sent_fields_and_bumps_the_version(api, place):
    commune_a = place[1]
    organisation = OrganisationFactory(territory=commune_a, phone="0203111222")
    officer = user_with_role(Role.OFFICER, commune_a)

    response = api(officer).patch(
        f"{URL}/{organisation.pk}",
        {"short_name": "HPN", "version": 1},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["short_name"], body["phone"], body["version"]) == ("HPN", "0203111222", 2)


def test_stale_version_answers_409_and_changes_nothing(api, place):
    commune_a = place[1]
    organisation = OrganisationFactory(territory=commune_a, name="Hội Phụ nữ cũ")
    officer = user_with_role(Role.OFFICER, commune_a)
    client = api(officer, "vi")
    url = f"{URL}/{organisation.pk}"
    client.patch(
        url, {"note": "Người khác sửa trước", "version": 1}, content_type="application/json"
    )

    stale_put = client.put(
        url, payload(commune_a, name="Tên mới", version=1), content_type="application/json"
    )
    stale_patch = client.patch(
        url, {"name": "Tên mới", "version": 1}, content_type="application/json"
    )

    assert stale_put.status_code == stale_patch.status_code == 409
    assert stale_put.json()["code"] == "conflict"
    with translation.override("vi"):
        from danvan.core.errors import ConflictError

        assert stale_put.json()["message"] == ConflictError().message
    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("Hội Phụ nữ cũ", 2)


def test_patch_cannot_blank_a_required_field(api, place):
    commune_a = place[1]
    organisation = OrganisationFactory(territory=commune_a)
    officer = user_with_role(Role.OFFICER, commune_a)

    response = api(officer).patch(
        f"{URL}/{organisation.pk}", {"name": None}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["details"] == [{"field": "name", "message": "This field is required."}]


def test_territory_admin_deletes_an_unused_organisation(api, place):
    commune_a = place[1]
    unused = OrganisationFactory(territory=commune_a)
    used = OrganisationFactory(territory=commune_a)
    UserFactory(organisation=used)
    admin = user_with_role(Role.TERRITORY_ADMIN, commune_a)
    client = api(admin)

    gone = client.delete(f"{URL}/{unused.pk}")
    kept = client.delete(f"{URL}/{used.pk}")

    assert gone.status_code == 204
    assert not Organisation.objects.filter(pk=unused.pk).exists()
    assert kept.status_code == 400
    assert kept.json()["code"] == "in_use"


def test_parent_above_the_callers_scope_is_not_shown(api, place):
    province, commune_a, _ = place
    committee = OrganisationFactory(territory=province, name="Tỉnh ủy")
    cell = OrganisationFactory(territory=commune_a, parent=committee)
    near = OrganisationFactory(territory=commune_a, parent=cell)
    officer = user_with_role(Role.OFFICER, commune_a)
    client = api(officer)

    far_parent = client.get(f"{URL}/{cell.pk}").json()["parent"]
    near_parent = client.get(f"{URL}/{near.pk}").json()["parent"]

    assert far_parent is None
    assert near_parent["id"] == cell.pk


def test_kinds_are_listed_in_the_request_language(api, place):
    OrganisationKindFactory(code="farmers_union", name_vi="Hội Nông dân", name_en="Farmers' Union")
    officer = user_with_role(Role.OFFICER, place[1])

    english = api(officer, "en").get(f"{URL}/kinds").json()
    vietnamese = api(officer, "vi").get(f"{URL}/kinds").json()

    assert "Farmers' Union" in [kind["name"] for kind in english]
    assert "Hội Nông dân" in [kind["name"] for kind in vietnamese]


def test_anonymous_callers_get_401(client):
    response = client.get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
