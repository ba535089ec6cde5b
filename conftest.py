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
