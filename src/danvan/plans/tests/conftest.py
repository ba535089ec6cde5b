import pytest

from danvan.accounts.tests.factories import user_with_role


@pytest.fixture
def people(place):
    """Who acts in province A's tests: an officer and a leader of the province, an officer of
    another province, and a viewer."""
    from danvan.territories.tests.factories import ProvinceFactory

    province, commune_a, _ = place
    other = ProvinceFactory(name="Tỉnh Khác")
    return {
        "officer": user_with_role("officer", province),
        "leader": user_with_role("leader", province),
        "viewer": user_with_role("viewer", province),
        "commune_officer": user_with_role("officer", commune_a),
        "outsider": user_with_role("officer", other),
        "outside_leader": user_with_role("leader", other),
        "other_province": other,
    }
