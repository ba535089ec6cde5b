import pytest

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.organisations.models import Organisation
from danvan.organisations.tests.factories import OrganisationFactory, OrganisationKindFactory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communes():
    province = ProvinceFactory()
    return CommuneFactory(parent=province, name="Phường Đông Triều"), CommuneFactory(
        parent=province, name="Xã Hải Hà"
    )


def test_officer_sees_only_organisations_of_own_commune(client, two_communes):
    commune_a, commune_b = two_communes
    mine = OrganisationFactory(territory=commune_a, name="Hội Nông dân Đông Triều")
    other = OrganisationFactory(territory=commune_b, name="Hội Nông dân Hải Hà")
    client.force_login(user_with_role("officer", commune_a))

    listing = client.get("/organisations/", {"q": "hoi nong dan"})

    assert mine.name in listing.text
    assert other.name not in listing.text
    assert client.get(f"/organisations/{other.pk}/").status_code == 404
    assert client.get(f"/organisations/{mine.pk}/").status_code == 200


def test_htmx_request_gets_only_the_table(client, two_communes):
    OrganisationFactory(territory=two_communes[0], name="Đoàn Thanh niên")
    client.force_login(user_with_role("officer", two_communes[0]))

    response = client.get(
        "/organisations/", {"q": "doan"}, headers={"HX-Request": "true", "HX-Target": "org-table"}
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="org-table"')
    assert "<html" not in response.text


def test_create_with_errors_shows_them_inline_and_saves_nothing(client, two_communes):
    OrganisationKindFactory()
    client.force_login(user_with_role("officer", two_communes[0]))
    before = Organisation.objects.count()

    response = client.post(
        "/organisations/new/",
        {"name": "", "territory": "abc", "member_count": "nhiều", "founded_on": "31/02/2024"},
    )

    assert response.status_code == 400
    assert response.text.count('class="errorlist"') >= 4
    assert Organisation.objects.count() == before


def test_create_outside_scope_is_refused_inline(client, two_communes):
    kind = OrganisationKindFactory()
    client.force_login(user_with_role("officer", two_communes[0]))
    before = Organisation.objects.count()

    response = client.post(
        "/organisations/new/",
        {"name": "Tổ dân vận", "kind": kind.pk, "territory": two_communes[1].pk},
    )

    assert response.status_code == 400
    assert Organisation.objects.count() == before


def test_create_saves_and_audits(client, two_communes):
    kind = OrganisationKindFactory()
    client.force_login(user_with_role("officer", two_communes[0]))

    response = client.post(
        "/organisations/new/",
        {
            "name": "Tổ dân vận khu 3",
            "kind": kind.pk,
            "territory": two_communes[0].pk,
            "founded_on": "05/03/2025",
            "is_active": "on",
        },
    )

    organisation = Organisation.objects.get(name="Tổ dân vận khu 3")
    assert response.status_code == 302
    assert organisation.founded_on.isoformat() == "2025-03-05"
    assert (
        AuditEvent.objects.filter(
            object_type="organisations.organisation",
            object_id=str(organisation.pk),
            action="create",
        ).count()
        == 1
    )


def test_stale_edit_shows_the_conflict_message(client, two_communes):
    organisation = OrganisationFactory(territory=two_communes[0])
    client.force_login(user_with_role("officer", two_communes[0]))
    form = {
        "name": "Tên mới",
        "kind": organisation.kind_id,
        "territory": two_communes[0].pk,
        "version": organisation.version - 1 if organisation.version > 1 else 99,
    }

    response = client.post(f"/organisations/{organisation.pk}/edit/", form)

    organisation.refresh_from_db()
    assert response.status_code == 400
    assert "alert-error" in response.text
    assert organisation.name != "Tên mới"


def test_viewer_cannot_create_edit_or_delete(client, two_communes):
    organisation = OrganisationFactory(territory=two_communes[0])
    client.force_login(user_with_role("viewer", two_communes[0]))

    assert client.get("/organisations/new/").status_code == 403
    assert client.get(f"/organisations/{organisation.pk}/edit/").status_code == 403
    assert client.post(f"/organisations/{organisation.pk}/delete/").status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_delete_of_an_organisation_in_use_is_refused_with_a_message(client, two_communes):
    parent = OrganisationFactory(territory=two_communes[0])
    OrganisationFactory(territory=two_communes[0], parent=parent)
    client.force_login(user_with_role("territory_admin", two_communes[0]))

    response = client.post(f"/organisations/{parent.pk}/delete/", follow=True)

    assert Organisation.objects.filter(pk=parent.pk).exists()
    assert "message-error" in response.text


def test_list_query_count_is_bounded(client, two_communes, django_assert_max_num_queries):
    parent = OrganisationFactory(territory=two_communes[0])
    for _ in range(30):
        OrganisationFactory(territory=two_communes[0], parent=parent)
    client.force_login(user_with_role("officer", two_communes[0]))

    # Measured: 7 (session, user, grants, count, page rows, visible parents, kinds).
    with django_assert_max_num_queries(10):
        response = client.get("/organisations/")

    assert response.status_code == 200


def test_list_outside_the_scope_leaks_neither_rows_nor_counts(client, place):
    _, commune_a, commune_b = place
    for n in range(3):
        OrganisationFactory(territory=commune_b, name=f"Hội Quảng Hà {n}")
    officer = user_with_role("officer", commune_a)
    client.force_login(officer)

    response = client.get("/organisations/", {"territory": commune_b.pk, "q": "quang ha"})

    assert response.status_code == 200
    assert "Hội Quảng Hà" not in response.text
    assert "No organisation matches." in response.text
    assert "of 3" not in response.text


def test_sort_header_marks_the_column_and_orders_rows(client, place):
    _, commune_a, _ = place
    for name in ("An Bình", "Cẩm Phả"):
        OrganisationFactory(territory=commune_a, name=name)
    client.force_login(user_with_role("officer", commune_a))

    response = client.get("/organisations/", {"sort": "-name"})

    assert 'aria-sort="descending"' in response.text
    assert response.text.index("Cẩm Phả") < response.text.index("An Bình")


def test_kind_and_status_filters_narrow_the_table(client, place):
    _, commune_a, _ = place
    youth = OrganisationKindFactory(code="youth_union", name_vi="Đoàn Thanh niên", name_en="Youth")
    OrganisationFactory(territory=commune_a, name="Đoàn xã", kind=youth)
    OrganisationFactory(territory=commune_a, name="Đoàn giải thể", kind=youth, is_active=False)
    OrganisationFactory(territory=commune_a, name="Hội Phụ nữ xã")
    client.force_login(user_with_role("officer", commune_a))

    response = client.get(
        "/organisations/",
        {"kind": "youth_union", "active": "1"},
        headers={"HX-Request": "true", "HX-Target": "org-table"},
    )

    assert "Đoàn xã" in response.text
    assert "Đoàn giải thể" not in response.text
    assert "Hội Phụ nữ xã" not in response.text


def test_htmx_page_change_returns_the_table_only(client, place):
    _, commune_a, _ = place
    for n in range(30):
        OrganisationFactory(territory=commune_a, name=f"Chi hội {n:02d}")
    client.force_login(user_with_role("officer", commune_a))

    response = client.get(
        "/organisations/", {"page": "2"}, headers={"HX-Request": "true", "HX-Target": "org-table"}
    )

    assert response.text.lstrip().startswith('<div id="org-table"')
    assert 'rel="prev"' in response.text


def test_parent_outside_the_scope_stays_unnamed_in_the_list(client, place):
    province, commune_a, _ = place
    committee = OrganisationFactory(territory=province, name="Tỉnh ủy Quảng Ninh")
    OrganisationFactory(territory=commune_a, name="Tổ dân vận khu 1", parent=committee)
    client.force_login(user_with_role("officer", commune_a))

    response = client.get("/organisations/")

    assert "Tổ dân vận khu 1" in response.text
    assert "Tỉnh ủy Quảng Ninh" not in response.text


def test_unit_picker_offers_only_units_in_scope(client, place):
    _, commune_a, commune_b = place
    client.force_login(user_with_role("officer", commune_a))

    url = "/territory/options/"
    mine = client.get(url, {"q": "dong trieu", "action": "organisations.change"})
    foreign = client.get(url, {"q": "quang ha", "action": "organisations.change"})
    unknown = client.get(url, {"q": "dong trieu", "action": "no.such.action"})

    assert commune_a.name in mine.text
    assert commune_b.name not in foreign.text
    assert unknown.status_code == 404


def test_without_javascript_the_typed_unit_name_is_used(client, place):
    _, commune_a, _ = place
    kind = OrganisationKindFactory()
    client.force_login(user_with_role("officer", commune_a))

    response = client.post(
        "/organisations/new/", {"name": "Tổ dân vận khu 9", "kind": kind.pk, "q": "dong trieu"}
    )

    assert response.status_code == 302
    assert Organisation.objects.get(name="Tổ dân vận khu 9").territory == commune_a


def test_without_javascript_a_unit_outside_the_scope_is_refused_inline(client, place):
    _, commune_a, commune_b = place
    kind = OrganisationKindFactory()
    client.force_login(user_with_role("officer", commune_a))

    response = client.post(
        "/organisations/new/", {"name": "Tổ dân vận", "kind": kind.pk, "q": str(commune_b.code)}
    )

    assert response.status_code == 400
    assert "No unit in your scope matches." in response.text
    assert commune_b.name not in response.text


def test_posted_id_of_a_foreign_unit_does_not_reveal_its_name(client, place):
    _, commune_a, commune_b = place
    kind = OrganisationKindFactory()
    client.force_login(user_with_role("officer", commune_a))

    response = client.post(
        "/organisations/new/", {"name": "Tổ dân vận", "kind": kind.pk, "territory": commune_b.pk}
    )

    assert response.status_code == 400
    assert commune_b.name not in response.text


@pytest.mark.parametrize(
    "form",
    [
        {"territory": "99999999999999999999999", "kind": "1", "parent": "abc"},
        {"territory": "-4", "kind": "99999999999999999999999", "member_count": "12a"},
        {"kind": "ngan-hang", "q": "99999999999999999999999", "email": "not-an-email"},
    ],
)
def test_malformed_input_gives_inline_errors_not_a_crash(client, place, form):
    _, commune_a, _ = place
    client.force_login(user_with_role("officer", commune_a))

    response = client.post("/organisations/new/", {"name": "Tổ dân vận", **form})

    assert response.status_code == 400
    assert 'class="errorlist"' in response.text


def test_list_with_a_huge_territory_id_still_answers(client, place):
    client.force_login(user_with_role("officer", place[1]))

    response = client.get("/organisations/", {"territory": "9" * 30, "sort": "nonsense"})

    assert response.status_code == 200


def test_detail_shows_user_count_only_to_those_who_may_see_users(client, place):
    _, commune_a, _ = place
    leader = user_with_role("leader", commune_a)
    officer = user_with_role("officer", commune_a, organisation=leader.organisation)

    client.force_login(leader)
    as_leader = client.get(f"/organisations/{leader.organisation.pk}/")
    client.force_login(officer)
    as_officer = client.get(f"/organisations/{leader.organisation.pk}/")

    assert "User accounts" in as_leader.text
    assert "User accounts" not in as_officer.text
    assert "/edit/" in as_officer.text
    assert "/delete/" not in as_officer.text


def test_viewer_sees_no_edit_buttons(client, place):
    _, commune_a, _ = place
    organisation = OrganisationFactory(territory=commune_a, member_count=1234)
    client.force_login(user_with_role("viewer", commune_a))

    response = client.get(f"/organisations/{organisation.pk}/")

    assert "1.234" in response.text
    assert "/edit/" not in response.text
    assert "New organisation" not in client.get("/organisations/").text


def test_delete_asks_for_confirmation_then_deletes(client, place):
    _, commune_a, _ = place
    organisation = OrganisationFactory(territory=commune_a)
    client.force_login(user_with_role("territory_admin", commune_a))

    confirmation = client.get(f"/organisations/{organisation.pk}/delete/")
    still_there = Organisation.objects.filter(pk=organisation.pk).exists()
    response = client.post(f"/organisations/{organisation.pk}/delete/")

    assert confirmation.status_code == 200
    assert still_there
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()


def test_error_pages_are_friendly(client, place):
    _, commune_a, commune_b = place
    foreign = OrganisationFactory(territory=commune_b)
    client.force_login(user_with_role("viewer", commune_a))

    not_found = client.get(f"/organisations/{foreign.pk}/")
    forbidden = client.get("/organisations/new/")

    assert "Page not found" in not_found.text
    assert "You may not do this" in forbidden.text


def test_without_javascript_several_matching_units_are_offered_to_pick(client, place):
    province, _, commune_b = place
    kind = OrganisationKindFactory()
    client.force_login(user_with_role("territory_admin", province))

    response = client.post(
        "/organisations/new/", {"name": "Tổ dân vận", "kind": kind.pk, "q": "quang"}
    )

    assert response.status_code == 400
    assert "Several units match; pick one below." in response.text
    assert f'value="{commune_b.pk}"' in response.text
    assert f'value="{province.pk}"' in response.text
