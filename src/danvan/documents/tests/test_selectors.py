from datetime import date

import pytest

from danvan.accounts.tests.factories import user_with_role
from danvan.documents import selectors
from danvan.documents.tests.factories import GuidanceDocumentFactory
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(place):
    _province, commune_a, commune_b = place
    org_a = OrganisationFactory(territory=commune_a, name="Đảng ủy phường Đông Triều")
    org_b = OrganisationFactory(territory=commune_b, name="Đảng ủy xã Quảng Hà")
    return {
        "a": GuidanceDocumentFactory(issuer=org_a, issued_on=date(2023, 5, 1)),
        "a2": GuidanceDocumentFactory(issuer=org_a, issued_on=date(2024, 5, 1)),
        "b": GuidanceDocumentFactory(issuer=org_b, issued_on=date(2024, 6, 1)),
        "central": GuidanceDocumentFactory(issuer=None, number_symbol="25-NQ/TW"),
        "viewer_a": user_with_role("viewer", commune_a),
        "commune_a": commune_a,
    }


def test_central_documents_are_read_by_everyone_holding_the_view_right(world):
    visible = set(selectors.documents_visible(world["viewer_a"]).values_list("pk", flat=True))

    assert visible == {world["a"].pk, world["a2"].pk, world["central"].pk}


def test_a_user_without_any_grant_sees_nothing_not_even_central_documents(world):
    from danvan.accounts.tests.factories import UserFactory

    assert not selectors.documents_visible(UserFactory()).exists()


def test_filters_by_year_unit_and_issuer_name_accents_ignored(world):
    viewer = world["viewer_a"]

    def found(**kwargs):
        return set(
            selectors.document_list_for_user(
                viewer, selectors.DocumentFilters(**kwargs)
            ).values_list("pk", flat=True)
        )

    assert found(year=2024) == {world["a2"].pk, world["central"].pk}
    assert found(territory=world["commune_a"]) == {world["a"].pk, world["a2"].pk}
    assert found(issuer_name="dang uy phuong dong trieu") == {world["a"].pk, world["a2"].pk}
    assert found(q="25-nq/tw") == {world["central"].pk}


def test_counts_by_issuer_and_year_add_up_within_scope(world):
    counts = selectors.document_counts_for_user(world["viewer_a"])

    assert counts.total == 3
    by_issuer = {row.issuer_name: row.by_year for row in counts.rows}
    assert by_issuer["Đảng ủy phường Đông Triều"] == {2023: 1, 2024: 1}
    assert "Đảng ủy xã Quảng Hà" not in by_issuer
    assert sum(counts.column_totals.values()) == sum(row.total for row in counts.rows)


def test_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    for _ in range(10):
        GuidanceDocumentFactory(issuer=world["a"].issuer)

    with django_assert_max_num_queries(4):
        rows = list(selectors.document_list_for_user(world["viewer_a"]))
        [(r.doc_type.name, r.territory and r.territory.name) for r in rows]
