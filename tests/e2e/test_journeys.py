"""End-to-end journeys in headless Chromium: the ones a new officer goes through on day one."""

import pytest
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import DEFAULT_PASSWORD, user_with_role
from danvan.core.tests.import_helpers import ORG_HEADERS, territory_tree, xlsx_bytes
from danvan.organisations.tests.factories import OrganisationKindFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tree():
    return territory_tree()


@pytest.fixture
def officer(tree):
    OrganisationKindFactory(
        code="womens_union", name_vi="Hội Liên hiệp Phụ nữ", name_en="Women's Union"
    )
    return user_with_role("territory_admin", tree["quang_ninh"], username="canbo.qn")


def sign_in(page, username: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").click()
    # Signed in once the browser has left the sign-in page (it redirects to the overview).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_sign_in_and_switch_language(page, officer, screenshot):
    page.goto("/")
    assert "/accounts/login/" in page.url
    screenshot("01-login")

    sign_in(page, "canbo.qn")

    assert page.locator("html").get_attribute("lang") == "vi"
    vietnamese_nav = page.locator("#main-nav").inner_text()
    screenshot("02-home-vi")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Organisations" in page.locator("#main-nav").inner_text()
    assert page.locator("#main-nav").inner_text() != vietnamese_nav
    screenshot("03-home-en")


def test_wrong_password_shows_a_message_and_keeps_the_user_out(page, officer):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "canbo.qn")
    page.fill("input[name=password]", "not-the-password")
    # The answer comes back on the same address, so wait for the new page, not for a URL.
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()

    message = page.locator(".errorlist, .alert-error, [role=alert]").first
    message.wait_for()
    assert "/accounts/login/" in page.url
    assert "không đúng" in message.inner_text()


def test_search_a_territory_without_accents(page, officer, tree, screenshot):
    sign_in(page, "canbo.qn")
    page.goto("/territories/")

    search = page.locator("#territory-q")
    search.fill("dong trieu")
    page.wait_for_selector("text=Phường Đông Triều")
    screenshot("04-territory-search")

    assert page.locator("text=Phường Đông Triều").first.is_visible()
    assert page.locator("text=Phường Tam Kỳ").count() == 0


def test_organisation_form_error_is_shown_inline(page, officer, screenshot):
    sign_in(page, "canbo.qn")
    page.goto("/organisations/new/")

    page.locator("main form button[type=submit]").last.click()

    errors = page.locator("main .errorlist")
    errors.first.wait_for()
    screenshot("05-organisation-form-error")
    assert errors.count() >= 1
    assert "/organisations/new/" in page.url


def test_import_with_errors_and_download_the_rejected_rows(
    page, officer, tree, tmp_path, screenshot
):
    good = ["Hội Phụ nữ phường Đông Triều", "", "Hội Liên hiệp Phụ nữ", "Quảng Ninh", "Đông Triều"]
    bad_commune = [
        "Hội Phụ nữ xã Không Có",
        "",
        "Hội Liên hiệp Phụ nữ",
        "Quảng Ninh",
        "Không Có Thật",
    ]
    sheet = tmp_path / "to-chuc.xlsx"
    sheet.write_bytes(
        xlsx_bytes(
            [ORG_HEADERS, good + [""] * 7, bad_commune + [""] * 7],
            title_rows=[["DANH SÁCH TỔ CHỨC"]],
            merge_title=True,
        )
    )
    sign_in(page, "canbo.qn")
    page.goto("/imports/organisations/")

    page.set_input_files("input[type=file]", str(sheet))
    page.locator("main form button[type=submit]").first.click()
    download_link = page.locator("a[href$='rejected.xlsx']")
    download_link.wait_for(timeout=20_000)
    screenshot("06-import-preview-with-errors")
    with page.expect_download() as download_info:
        download_link.click()
    rejected = tmp_path / "rejected.xlsx"
    download_info.value.save_as(rejected)

    rows = CalamineWorkbook.from_path(str(rejected)).get_sheet_by_index(0).to_python()
    flat = [" ".join(str(cell) for cell in row) for row in rows]
    assert any("Không Có Thật" in line for line in flat)
    assert not any("Hội Phụ nữ phường Đông Triều" in line for line in flat)
    assert page.locator("main form[action$='/commit/'] button[type=submit]").count() == 0


def test_create_an_organisation_with_the_unit_picker(page, officer, tree, screenshot):
    from danvan.organisations.models import Organisation

    sign_in(page, "canbo.qn")
    page.goto("/organisations/new/")
    page.fill("#id_name", "Tổ dân vận khu phố 5")
    page.select_option("#id_kind", label="Hội Liên hiệp Phụ nữ")
    page.fill("#territory-q", "dong trieu")
    page.locator("#territory-options input[type=radio]").first.check()
    page.fill("#id_founded_on", "05/03/2025")
    screenshot("07-organisation-form-filled")
    page.locator("main form button[type=submit]").last.click()

    page.wait_for_selector("text=Tổ dân vận khu phố 5")
    saved = Organisation.objects.get(name="Tổ dân vận khu phố 5")
    assert saved.territory == tree["dong_trieu"]
    assert "05/03/2025" in page.content()


def test_switch_the_working_territory_from_the_header(page, officer, tree, screenshot):
    sign_in(page, "canbo.qn")

    page.locator(".switcher summary").click()
    page.fill("#switcher-q", "hai ha")
    page.locator("#switcher-results a", has_text="Xã Hải Hà").click()
    page.wait_for_load_state()

    breadcrumb = page.locator(".territory-bar .breadcrumb").inner_text()
    screenshot("08-territory-switched")
    assert "Xã Hải Hà" in breadcrumb
    assert "Tỉnh Quảng Ninh" in breadcrumb
