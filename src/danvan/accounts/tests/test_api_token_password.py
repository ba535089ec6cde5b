import pytest

from danvan.accounts import services
from danvan.accounts.tests.factories import user_with_role
from danvan.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_token_of_user_whose_password_was_reset_is_refused_until_changed(client):
    commune = CommuneFactory()
    admin = user_with_role("territory_admin", commune)
    owner = user_with_role("officer", commune)
    _, secret = services.token_create(user=owner, name="script")
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200

    services.user_reset_password(user=owner, actor=admin)
    refused = client.get("/api/v1/me", headers=headers)

    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
