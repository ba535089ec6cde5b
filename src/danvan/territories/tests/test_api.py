import pytest

from danvan.accounts.tests.factories import UserFactory, user_with_role
from danvan.core.roles import Role
from danvan.territories.models import Era, Level, TerritoryMapping
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/territories"


@pytest.fixture
def tree():
    """Today's Quảng Ninh with two wards, and a historic province, district and two communes."""
    quang_ninh = ProvinceFactory(code=22, name="Tỉnh Quảng Ninh")
    dong_trieu = CommuneFactory(parent=quang_ninh, code=7090, name="Phường Đông Triều")
    mao_khe = CommuneFactory(parent=quang_ninh, code=7093, name="Phường Mạo Khê")
    old_province = ProvinceFactory(era=Era.LEGACY, code=22, name="Tỉnh Quảng Ninh")
    old_district = CommuneFactory(
        era=Era.LEGACY,
        level=Level.DISTRICT,
        parent=old_province,
        code=205,
        name="Thị xã Đông Triều",
        division_type="thị xã",
    )
    old_ward = CommuneFactory(
        era=Era.LEGACY,
        parent=old_district,
        code=7090,
        name="Phường Đông Triều",
        division_type="phường",
        scope_path=dong_trieu.path,
    )
    split_commune = CommuneFactory(
        era=Era.LEGACY,
        parent=old_district,
        code=7111,
        name="Xã Tràng An",
        scope_path=quang_ninh.path,
        has_several_successors=True,
    )
    TerritoryMapping.objects.create(legacy_commune=old_ward, current_commune=dong_trieu)
    TerritoryMapping.objects.create(
        legacy_commune=split_commune, current_commune=dong_trieu, partly_merged=True
    )
    TerritoryMapping.objects.create(
        legacy_commune=split_commune, current_commune=mao_khe, partly_merged=True
    )
    return {
        "quang_ninh": quang_ninh,
        "dong_trieu": dong_trieu,
        "mao_khe": mao_khe,
        "old_province": old_province,
        "old_district": old_district,
        "old_ward": old_ward,
        "split_commune": split_commune,
    }


@pytest.fixture
def viewer(client, tree):
    # A viewer far away: territories are reference data, not filed records, so scope does not narrow them.
    user = user_with_role(Role.VIEWER, CommuneFactory(name="Xã Ở Nơi Khác"))
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def test_search_ignores_accents_case_and_admin_prefixes(viewer):
    plain = viewer.get(URL, {"q": "quang ninh", "era": "2025"})
    prefixed = viewer.get(URL, {"q": "Tỉnh QUANG ninh", "era": "2025"})
    d_for_dj = viewer.get(URL, {"q": "phuong dong trieu", "era": "2025"})

    assert names(plain) == names(prefixed) == ["Tỉnh Quảng Ninh"]
    assert names(d_for_dj) == ["Phường Đông Triều"]


def test_search_covers_both_eras_unless_told(viewer, tree):
    both = viewer.get(URL, {"q": "dong trieu"}).json()
    legacy = viewer.get(URL, {"q": "dong trieu", "era": "legacy", "level": "commune"}).json()

    assert {(t["era"], t["level"]) for t in both["items"]} == {
        ("2025", "commune"),
        ("legacy", "district"),
        ("legacy", "commune"),
    }
    assert [t["id"] for t in legacy["items"]] == [tree["old_ward"].pk]


def test_parent_filters_keep_units_below_the_parent(viewer, tree):
    by_id = viewer.get(URL, {"parent_id": tree["old_province"].pk, "level": "commune"})
    by_code = viewer.get(URL, {"parent_code": 22})
    by_legacy_code = viewer.get(
        URL, {"parent_code": 205, "era": "legacy", "parent_level": "district"}
    )
    unknown = viewer.get(URL, {"parent_code": 99999})

    assert names(by_id) == ["Phường Đông Triều", "Xã Tràng An"]
    assert names(by_code) == ["Phường Đông Triều", "Phường Mạo Khê"]
    assert names(by_legacy_code) == ["Phường Đông Triều", "Xã Tràng An"]
    assert unknown.status_code == 422
    assert unknown.json()["details"][0]["field"] == "parent_code"


def test_bad_filter_values_are_422(viewer):
    response = viewer.get(URL, {"era": "1975"})

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "era"


def test_detail_carries_the_breadcrumb(viewer, tree):
    body = viewer.get(f"{URL}/{tree['old_ward'].pk}").json()

    assert [a["name"] for a in body["ancestors"]] == ["Tỉnh Quảng Ninh", "Thị xã Đông Triều"]
    assert body["parent"]["id"] == tree["old_district"].pk
    assert viewer.get(f"{URL}/999999").status_code == 404


def test_children_browse_one_level_with_counts(viewer, tree):
    provinces = viewer.get(f"{URL}/{tree['old_province'].pk}/children").json()
    district = viewer.get(f"{URL}/{tree['old_district'].pk}/children").json()

    assert [(c["name"], c["child_count"]) for c in provinces["items"]] == [("Thị xã Đông Triều", 2)]
    assert district["count"] == 2


def test_successors_of_a_split_commune_are_flagged_partly_merged(viewer, tree):
    split = viewer.get(f"{URL}/{tree['split_commune'].pk}/successors").json()
    whole = viewer.get(f"{URL}/{tree['old_ward'].pk}/successors").json()

    assert sorted((s["territory"]["name"], s["partly_merged"]) for s in split) == [
        ("Phường Mạo Khê", True),
        ("Phường Đông Triều", True),
    ]
    assert [(s["territory"]["id"], s["partly_merged"]) for s in whole] == [
        (tree["dong_trieu"].pk, False)
    ]


def test_predecessors_list_the_old_communes_of_a_current_ward(viewer, tree):
    body = viewer.get(f"{URL}/{tree['dong_trieu'].pk}/predecessors").json()

    assert sorted((p["territory"]["name"], p["partly_merged"]) for p in body) == [
        ("Phường Đông Triều", False),
        ("Xã Tràng An", True),
    ]
    assert {p["territory"]["era"] for p in body} == {"legacy"}


def test_user_without_any_role_gets_403(client, tree):
    client.force_login(UserFactory())

    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_search_query_count_does_not_grow_with_rows(viewer, tree, django_assert_max_num_queries):
    for n in range(20):
        CommuneFactory(parent=tree["quang_ninh"], name=f"Xã Thử Tải {n}")

    # session, user, grants, count, page
    with django_assert_max_num_queries(5):
        response = viewer.get(URL, {"q": "xa thu tai", "page_size": 50})

    assert response.json()["count"] == 20
