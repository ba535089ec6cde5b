"""Shared pytest fixtures for every app's tests."""

import pytest


@pytest.fixture(autouse=True)
def _no_axes_lockout_between_tests(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def api_client(client):
    return client
