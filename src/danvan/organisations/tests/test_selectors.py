import pytest

from danvan.accounts.tests.factories import user_with_role
from danvan.organisations.selectors import organisation_get_for_user, organisation_list_for_user
from danvan.organisations.tests.factories import OrganisationFactory, OrganisationKindFactory

pytestmark = pytest.mark.django_db


def test_officer_of_a_commune_lists_only_its_organisations(place):
    province, commune_a, commune_b = place
    mine = OrganisationFactory(territory=commune_a, name="Hội Nông dân Đông Triều")
    OrganisationFactory(territory=commune_b, name="Hội Nông dân Quảng Hà")
    OrganisationFactory(territory=province, name="Hội Nông dân tỉnh")
    officer = user_with_role("officer", commune_a)

    names = set(organisation_list_for_user(officer).values_list("name", flat=True))

    assert names == {mine.name, officer.organisation.name}


def test_search_ignores_accents_and_case(place):
    _, commune_a, _ = place
    OrganisationFactory(territory=commune_a, name="Đoàn Thanh niên Đông Triều")
    OrganisationFactory(territory=commune_a, name="Hội Cựu chiến binh")
    admin = user_with_role("territory_admin", commune_a)

    found = organisation_list_for_user(admin, query="DOAN thanh NIEN dong trieu")

    assert [o.name for o in found] == ["Đoàn Thanh niên Đông Triều"]


def test_province_admin_narrows_to_a_commune_subtree(place):
    province, commune_a, commune_b = place
    OrganisationFactory(territory=commune_a, name="Tổ dân vận A")
    OrganisationFactory(territory=commune_b, name="Tổ dân vận B")
    admin = user_with_role("territory_admin", province)

    in_b = organisation_list_for_user(admin, territory=commune_b)

    assert [o.name for o in in_b] == ["Tổ dân vận B"]


def test_filters_by_kind_and_active_flag(place):
    _, commune_a, _ = place
    youth = OrganisationKindFactory(code="youth_union", name_vi="Đoàn Thanh niên", name_en="Youth")
    OrganisationFactory(territory=commune_a, name="Đoàn xã", kind=youth)
    OrganisationFactory(territory=commune_a, name="Đoàn cũ", kind=youth, is_active=False)
    OrganisationFactory(territory=commune_a, name="Hội Phụ nữ xã")
    officer = user_with_role("officer", commune_a)

    active_youth = organisation_list_for_user(officer, kind="youth_union", is_active=True)

    assert [o.name for o in active_youth] == ["Đoàn xã"]


def test_sort_by_name_descending(place):
    _, commune_a, _ = place
    for name in ("An Bình", "Bình An", "Cẩm Phả"):
        OrganisationFactory(territory=commune_a, name=name)
    officer = user_with_role("officer", commune_a)

    names = [o.name for o in organisation_list_for_user(officer, sort="-name")]

    assert names.index("Cẩm Phả") < names.index("Bình An") < names.index("An Bình")


def test_list_rows_need_no_extra_queries(place, django_assert_num_queries):
    _, commune_a, _ = place
    parent = OrganisationFactory(territory=commune_a)
    for _ in range(5):
        OrganisationFactory(territory=commune_a, parent=parent)
    officer = user_with_role("officer", commune_a)
    organisation_list_for_user(officer).count()  # loads and caches the grants

    with django_assert_num_queries(1):
        rows = [
            (o.kind.name, o.territory.name, o.territory.parent.name, o.parent and o.parent.name)
            for o in organisation_list_for_user(officer)
        ]

    assert len(rows) == 7


def test_organisation_outside_the_scope_is_not_found(place):
    from django.http import Http404

    _, commune_a, commune_b = place
    other = OrganisationFactory(territory=commune_b)
    officer = user_with_role("officer", commune_a)

    with pytest.raises(Http404):
        organisation_get_for_user(officer, other.pk)
