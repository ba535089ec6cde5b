import pytest
from django.urls import reverse

from danvan.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mot-mat-khau-rieng-2025"


@pytest.fixture
def held_user():
    return UserFactory(must_change_password=True)


@pytest.fixture
def held_client(client, held_user):
    client.force_login(held_user)
    return client


def test_user_with_temporary_password_is_sent_to_the_change_page(held_client):
    response = held_client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-change")


def test_change_page_itself_is_reachable(held_client):
    response = held_client.get(reverse("accounts:password-change"))

    assert response.status_code == 200
    assert "temporary password" in response.text or "mật khẩu tạm" in response.text


def test_sign_out_stays_allowed(held_client):
    response = held_client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_language_switch_stays_allowed(held_client):
    response = held_client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_static_files_are_not_redirected(held_client):
    response = held_client.get("/static/danvan/app.css")

    assert response.get("Location") != reverse("accounts:password-change")


def test_api_call_gets_a_json_403(held_client):
    response = held_client.get("/api/v1/me")

    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_htmx_request_gets_a_client_side_redirect(held_client):
    response = held_client.get(reverse("accounts:user-list"), headers={"HX-Request": "true"})

    assert response.headers["HX-Redirect"] == reverse("accounts:password-change")


def test_after_changing_the_password_the_user_is_released(held_client, held_user):
    response = held_client.post(
        reverse("accounts:password-change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    held_user.refresh_from_db()
    follow_up = held_client.get(reverse("accounts:token-list"))

    assert response.status_code == 302
    assert not held_user.must_change_password
    assert follow_up.status_code == 200


def test_users_without_the_flag_are_not_held(client):
    client.force_login(UserFactory())

    response = client.get(reverse("accounts:token-list"))

    assert response.status_code == 200
