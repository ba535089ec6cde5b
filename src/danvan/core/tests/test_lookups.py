import pytest
from django.db import connection

from danvan.territories.models import Territory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_under_finds_exactly_the_subtree():
    province = ProvinceFactory(code=4)
    sibling_with_longer_code = ProvinceFactory(code=45)
    inside = CommuneFactory(parent=province)
    outside = CommuneFactory(parent=sibling_with_longer_code)

    found = set(Territory.objects.filter(path__under=province.path))

    assert found == {province, inside}
    assert outside not in found


def test_under_refuses_a_path_without_trailing_slash():
    with pytest.raises(ValueError, match="ends with"):
        list(Territory.objects.filter(path__under="2025/4"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plan")
def test_under_uses_the_index_on_sqlite():
    province = ProvinceFactory()
    CommuneFactory(parent=province)
    queryset = Territory.objects.filter(scope_path__under=province.path)

    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())

    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan
