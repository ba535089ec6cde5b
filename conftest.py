"""Shared pytest fixtures for every app's tests."""

import pytest


@pytest.fixture(autouse=True)
def _allow_flush_of_audit_table(request):
    """Tests that empty the database afterwards (transactional, browser) cannot do so while the
    append-only triggers stand; they run without them. Tests of the triggers install them."""
    marker = request.node.get_closest_marker("django_db")
    wants_transactions = bool(marker and marker.kwargs.get("transaction"))
    if wants_transactions or {"transactional_db", "live_server"} & set(request.fixturenames):
        from django.db import connection

        from danvan.audit import db_guard

        request.getfixturevalue("transactional_db")
        db_guard.remove(connection)
    return


@pytest.fixture
def place():
    """A province with two communes: A (where test users work) and B (outside their scope)."""
    from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

    province = ProvinceFactory(name="Tỉnh Quảng Ninh")
    commune_a = CommuneFactory(parent=province, name="Phường Đông Triều")
    commune_b = CommuneFactory(parent=province, name="Xã Quảng Hà")
    return province, commune_a, commune_b


@pytest.fixture
def api(client):
    """`api(user, language)`: the test client signed in as `user`, asking for `language`."""

    def sign_in(user, language: str = "en"):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return sign_in
