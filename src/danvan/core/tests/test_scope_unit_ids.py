"""`scope.filter_by_unit_ids` decides exactly as `scope.filter`, only written differently."""

import pytest

from danvan.accounts.tests.factories import UserFactory, user_with_role
from danvan.core import scope
from danvan.initiatives.models import Initiative
from danvan.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_unit_ids_and_paths_keep_the_same_rows(place):
    province, commune_a, commune_b = place
    for unit in (province, commune_a, commune_a, commune_b):
        InitiativeFactory(territory=unit)
    users = [
        user_with_role("officer", commune_a),
        user_with_role("leader", province),
        user_with_role("system_admin", None),
        UserFactory(),  # no grant at all
    ]
    everything = Initiative.objects.all()

    for user in users:
        by_paths = set(scope.filter(user, "initiatives.view", everything))
        by_ids = set(scope.filter_by_unit_ids(user, "initiatives.view", everything))
        assert by_ids == by_paths
    assert len(set(scope.filter_by_unit_ids(users[0], "initiatives.view", everything))) == 2
    assert not scope.filter_by_unit_ids(users[3], "initiatives.view", everything).exists()
