import pytest

from danvan.accounts.tests.factories import user_with_role
from danvan.audit import services as audit
from danvan.territories.tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def test_audit_list_shows_only_events_of_the_admins_province(client):
    province_a, province_b = ProvinceFactory(), ProvinceFactory()
    admin = user_with_role("territory_admin", province_a)
    audit.record(
        [
            audit.Change(
                action="update",
                object_type="x.y",
                object_id="1",
                object_repr="Sự kiện tỉnh A",
                territory_id=province_a.pk,
            ),
            audit.Change(
                action="update",
                object_type="x.y",
                object_id="2",
                object_repr="Sự kiện tỉnh B",
                territory_id=province_b.pk,
            ),
        ]
    )
    client.force_login(admin)

    response = client.get("/audit/")

    assert response.status_code == 200
    assert "Sự kiện tỉnh A" in response.text
    assert "Sự kiện tỉnh B" not in response.text


def test_audit_list_refuses_an_officer(client):
    officer = user_with_role("officer", ProvinceFactory())
    client.force_login(officer)

    assert client.get("/audit/").status_code == 403


def test_bad_date_filter_is_shown_not_a_crash(client):
    admin = user_with_role("territory_admin", ProvinceFactory())
    client.force_login(admin)

    response = client.get("/audit/", {"from": "31/02/2025"})

    assert response.status_code == 200
    assert "errorlist" in response.text
