import pytest

from danvan.accounts.models import User
from danvan.accounts.tests.factories import user_with_role
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.models import Era, Level, TerritoryMapping
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eras():
    """Today's Đà Nẵng with two wards, and old Quảng Nam / Tam Kỳ whose An Mỹ became one ward
    while Trường Xuân was split over both."""
    da_nang = ProvinceFactory(code=48, name="Thành phố Đà Nẵng")
    tam_ky = CommuneFactory(parent=da_nang, code=20341, name="Phường Tam Kỳ")
    ban_thach = CommuneFactory(parent=da_nang, code=20335, name="Phường Bàn Thạch")
    quang_nam = ProvinceFactory(
        era=Era.LEGACY, code=49, name="Tỉnh Quảng Nam", scope_path=da_nang.path
    )
    district = CommuneFactory(
        era=Era.LEGACY,
        level=Level.DISTRICT,
        parent=quang_nam,
        code=502,
        name="Thành phố Tam Kỳ",
        scope_path=da_nang.path,
        has_several_successors=True,
    )
    an_my = CommuneFactory(
        era=Era.LEGACY, parent=district, code=20341, name="Phường An Mỹ", scope_path=tam_ky.path
    )
    truong_xuan = CommuneFactory(
        era=Era.LEGACY,
        parent=district,
        code=20353,
        name="Phường Trường Xuân",
        scope_path=da_nang.path,
        has_several_successors=True,
    )
    TerritoryMapping.objects.create(legacy_commune=an_my, current_commune=tam_ky)
    TerritoryMapping.objects.create(
        legacy_commune=truong_xuan, current_commune=tam_ky, partly_merged=True
    )
    TerritoryMapping.objects.create(
        legacy_commune=truong_xuan, current_commune=ban_thach, partly_merged=True
    )
    return {
        "da_nang": da_nang,
        "tam_ky": tam_ky,
        "ban_thach": ban_thach,
        "an_my": an_my,
        "truong_xuan": truong_xuan,
    }


def test_search_without_accents_finds_both_eras_through_the_htmx_fragment(client, eras):
    client.force_login(user_with_role("viewer", eras["tam_ky"]))

    fragment = client.get(
        "/territories/",
        {"q": "tam ky", "era": "legacy"},
        headers={"HX-Request": "true", "HX-Target": "territory-results"},
    )
    current = client.get("/territories/", {"q": "phuong tam ky"})

    assert fragment.text.lstrip().startswith('<div id="territory-results"')
    assert "Thành phố Tam Kỳ" in fragment.text
    assert "Phường Tam Kỳ" in current.text
    assert "Phường Bàn Thạch" not in current.text


def test_split_historic_unit_shows_every_successor_and_the_warning(client, eras):
    client.force_login(user_with_role("viewer", eras["tam_ky"]))

    page = client.get(f"/territories/{eras['truong_xuan'].pk}/", headers={"Accept-Language": "en"})

    assert "Phường Tam Kỳ" in page.text
    assert "Phường Bàn Thạch" in page.text
    assert "partly merged" in page.text
    assert "mapped to several units" in page.text


def test_current_ward_lists_what_it_was_formed_from(client, eras):
    client.force_login(user_with_role("viewer", eras["tam_ky"]))

    page = client.get(f"/territories/{eras['tam_ky'].pk}/")

    assert "Phường An Mỹ" in page.text
    assert "Phường Trường Xuân" in page.text


def test_organisation_counts_are_not_shown_outside_scope(client, eras):
    OrganisationFactory(territory=eras["ban_thach"])
    client.force_login(user_with_role("officer", eras["tam_ky"]))

    own = client.get(f"/territories/{eras['tam_ky'].pk}/")
    other = client.get(f"/territories/{eras['ban_thach'].pk}/")

    assert own.context["organisation_count"] == 1  # the officer's own organisation
    assert other.context["organisation_count"] is None
    assert "organisations/?territory=" not in other.text


def test_someone_without_any_role_may_not_browse(client, eras):
    client.force_login(User.objects.create_user(username="khach", password="x-Mat-khau-1"))

    assert client.get("/territories/").status_code == 403
    assert client.get(f"/territories/{eras['tam_ky'].pk}/").status_code == 403
