import pytest

from danvan.accounts.tests.factories import user_with_role


@pytest.fixture
def people(place):
    """An officer, a leader and an administrator of province A's tree, and an officer of
    another province."""
    from danvan.territories.tests.factories import ProvinceFactory

    province, commune_a, _commune_b = place
    other = ProvinceFactory(name="Tỉnh Khác")
    return {
        "officer": user_with_role("officer", province),
        "leader": user_with_role("leader", province),
        "admin": user_with_role("territory_admin", province),
        "viewer": user_with_role("viewer", province),
        "commune_officer": user_with_role("officer", commune_a),
        "outsider": user_with_role("officer", other),
        "other_province": other,
    }
