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
    for _ in range(30):
        OrganisationFactory(territory=two_communes[0])
    client.force_login(user_with_role("officer", two_communes[0]))

    with django_assert_max_num_queries(14):
        response = client.get("/organisations/")

    assert response.status_code == 200
