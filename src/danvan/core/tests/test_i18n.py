import pytest
from django.test import override_settings
from django.utils import translation

from danvan.config.settings import base

pytestmark = pytest.mark.django_db


def test_product_default_language_is_vietnamese():
    assert base.LANGUAGE_CODE == "vi"


@override_settings(LANGUAGE_CODE="vi")
def test_page_without_language_preference_is_in_vietnamese(client):
    response = client.get("/accounts/login/")

    assert '<html lang="vi">' in response.text
    assert "Đăng nhập" in response.text


def test_english_is_served_when_asked(client):
    response = client.get("/accounts/login/", headers={"Accept-Language": "en"})

    assert '<html lang="en">' in response.text
    assert "Sign in" in response.text


def test_catalog_translates_the_shared_formats():
    with translation.override("vi"):
        assert translation.gettext("%(amount)s billion VND") == "%(amount)s tỷ đồng"
