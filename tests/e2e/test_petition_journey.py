"""A citizen's petition in headless Chromium, through the real pages only.

A citizen sends a petition from the public portal on a phone and keeps the tracking code; the
ward officer finds it in the inbox, assigns it to their agency and answers it; the citizen looks
the code up and reads the answer, then says it satisfies them.
"""

import re

import pytest

from danvan.accounts.tests.factories import DEFAULT_PASSWORD, user_with_role
from danvan.core.tests.import_helpers import territory_tree
from danvan.dialogues.models import Petition, PetitionStatus
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER = "Ngày 10/12 Công ty Điện lực đã thay toàn bộ bóng đèn hỏng trên đường Trần Cao Vân."


@pytest.fixture
def ward():
    tree = territory_tree()
    ward = tree["tam_ky"]
    officer = user_with_role("officer", ward, username="tiepdan.e2e", full_name="Lê Thị Hồng")
    return {"ward": ward, "officer": officer}


def test_portal_petition_assigned_answered_and_seen_by_the_citizen(
    browser, live_server, page, ward, screenshot
):
    # The citizen, on a phone, without an account.
    phone = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    citizen = phone.new_page()
    citizen.set_default_timeout(10_000)
    citizen.goto("/public/petitions/")
    citizen.fill("#id_title", "Đèn đường hỏng trên đường Trần Cao Vân")
    citizen.fill(
        "#id_content",
        "Từ đầu tháng, năm bóng đèn đường trước nhà số 12 đến số 40 đường Trần Cao Vân bị hỏng, "
        "buổi tối rất tối và đã có người ngã xe. Đề nghị phường cho thay sớm.",
    )
    citizen.select_option("#id_category", "infrastructure")
    citizen.select_option("#id_province", label="Thành phố Đà Nẵng")
    citizen.wait_for_selector("#id_commune option:has-text('Phường Tam Kỳ')", state="attached")
    citizen.select_option("#id_commune", label="Phường Tam Kỳ")
    citizen.fill("#id_address", "Trước nhà số 20 đường Trần Cao Vân")
    citizen.fill("#id_submitter_name", "Phan Văn Minh")
    citizen.fill("#id_submitter_phone", "0000123456")
    citizen.check("#id_consent")
    citizen.get_by_role("button", name="Gửi kiến nghị").click()
    citizen.wait_for_selector(".tracking-code")
    code = citizen.locator(".tracking-code").inner_text().strip()
    ARTIFACTS.mkdir(exist_ok=True)
    citizen.screenshot(path=str(ARTIFACTS / "petition-1-receipt.png"), full_page=True)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    petition = Petition.objects.get()
    assert petition.status == PetitionStatus.RECEIVED
    assert petition.channel == "portal"
    assert petition.territory == ward["ward"]

    # The ward officer: inbox, petition page, assign to their own agency, answer.
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "tiepdan.e2e")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/dialogues/petitions/")
    screenshot("petition-2-inbox")
    page.get_by_role("link", name=re.compile("Đèn đường hỏng")).first.click()
    page.wait_for_load_state()
    assert "Phan Văn Minh" in page.content()  # the name shows; the phone is masked
    assert "0000123456" not in page.content()
    page.select_option("#assign-agency", str(ward["officer"].organisation_id))
    page.wait_for_selector(
        f"#assign-officer option[value='{ward['officer'].pk}']", state="attached"
    )
    page.select_option("#assign-officer", str(ward["officer"].pk))
    page.locator("form[action*='/assign/'] button[type=submit]").click()
    page.wait_for_load_state()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ASSIGNED
    assert petition.officer_id == ward["officer"].pk
    answer_form = page.locator("form[action*='/answer/']")
    if not answer_form.is_visible():
        page.locator("details:has(form[action*='/answer/']) > summary").click()
    answer_form.locator("textarea[name=answer]").fill(ANSWER)
    answer_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    screenshot("petition-3-officer-answered")
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ANSWERED
    assert petition.answer == ANSWER

    # The citizen looks the code up (typed in lower case, without dashes) and reads the answer.
    citizen.goto("/public/petitions/track/")
    citizen.fill("input[name=code]", code.replace("-", "").lower())
    citizen.get_by_role("button", name="Tra cứu").click()
    citizen.wait_for_load_state()
    assert ANSWER in citizen.content()
    assert "Phan Văn Minh" not in citizen.content()
    citizen.check("input[name=satisfaction][value=satisfied]")
    citizen.locator("form[action$='/feedback/'] button[type=submit]").click()
    citizen.wait_for_load_state()
    citizen.screenshot(path=str(ARTIFACTS / "petition-4-citizen.png"), full_page=True)
    petition.refresh_from_db()
    assert petition.satisfaction == "satisfied"
    assert petition.status == PetitionStatus.ANSWERED
    phone.close()
