"""The yearly "Dân vận khéo" cycle in headless Chromium, through the real pages only.

An officer registers and submits a model, a reviewer puts it before the commune-level council and
scores it, the chair scores, closes the round and downloads the decision, and a visitor finds the
recognised model on the public showcase without its score.
"""

import importlib
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from danvan.accounts.tests.factories import DEFAULT_PASSWORD, user_with_role
from danvan.core.tests.import_helpers import territory_tree
from danvan.initiatives import services
from danvan.initiatives.models import Entry, Initiative, Level, RoundStatus, Status
from danvan.initiatives.tests.factories import CouncilFactory, InitiativeFactory, field
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

MODEL_NAME = "Khu phố tự quản không rác thải nhựa"
DRAFT_NAME = "Bản nháp chưa gửi của phường"


@pytest.fixture
def story():
    # Browser tests empty every table afterwards, the migration-seeded fields and indicator kinds
    # too; put them back so the test does not depend on running first.
    seeding = importlib.import_module(
        "danvan.initiatives.migrations.0002_reference_data_and_search"
    )
    seeding.seed(apps, None)
    tree = territory_tree()
    province, commune = tree["quang_ninh"], tree["dong_trieu"]
    womens_union = OrganisationFactory(territory=commune, name="Hội Phụ nữ phường Đông Triều")
    officer = user_with_role(
        "officer", commune, username="canbo.dongtrieu", organisation=womens_union
    )
    # Both council members work for provincial bodies, never for the model's organisation.
    reviewer = user_with_role("reviewer", province, username="thamdinh.qn", full_name="Lê Thị Hoa")
    chair = user_with_role("leader", province, username="lanhdao.qn", full_name="Trần Quang Vinh")
    year = timezone.localdate().year
    # A commune model asks for commune-level recognition; the council sits on the province,
    # whose subtree holds the commune.
    council = CouncilFactory(
        territory=province, level=Level.COMMUNE, year=year, name="Hội đồng thẩm định cấp xã"
    )
    services.council_member_add(council=council, user=chair, role="chair", actor=chair)
    services.council_member_add(council=council, user=reviewer, actor=chair)
    review_round = services.round_create(
        council=council,
        name="Đợt thẩm định năm nay",
        deadline=timezone.localdate() + timedelta(days=14),
        actor=chair,
    )
    draft = InitiativeFactory(name=DRAFT_NAME, organisation=womens_union, year=year)
    assert draft.status == Status.DRAFT
    return {
        "commune": commune,
        "organisation": womens_union,
        "officer": officer,
        "reviewer": reviewer,
        "chair": chair,
        "round": review_round,
        "draft": draft,
        "year": year,
    }


def sign_in(page, username: str, password: str = DEFAULT_PASSWORD) -> None:
    # Start from a clean browser so that each person sees only their own session.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def score(page, entry: Entry, values: dict[str, str]) -> None:
    card = page.locator(f"#entry-{entry.pk}")
    for code, value in values.items():
        card.locator(f"input[name={code}]").fill(value)
    with page.expect_response(lambda r: f"/score/{entry.pk}/" in r.url) as answer:
        card.locator("button[type=submit]").click()
    assert answer.value.status == 200
    # htmx swaps the whole card; the new one carries the scored mark.
    page.locator(f"#entry-{entry.pk}.is-scored").wait_for()


def test_a_model_from_registration_to_the_public_showcase(page, story, screenshot, tmp_path):
    # (1) The officer registers the model and submits it.
    sign_in(page, "canbo.dongtrieu")
    page.goto("/models/new/")
    page.fill("#id_name", MODEL_NAME)
    page.select_option("#id_subject", "tap_the")
    page.select_option("#id_field", str(field("van_hoa_xa_hoi").pk))
    page.fill("#id_year", str(story["year"]))
    page.fill("#territory-q", "dong trieu")
    unit = page.locator(f"#territory-options input[type=radio][value='{story['commune'].pk}']")
    unit.wait_for()
    # Picking the unit reloads the organisations of its province into the select.
    with page.expect_response(lambda r: "/models/organisations/" in r.url):
        unit.check()
    organisation = str(story["organisation"].pk)
    page.locator(f"#id_organisation option[value='{organisation}']").wait_for(state="attached")
    page.select_option("#id_organisation", organisation)
    page.fill(
        "#id_summary",
        "Mỗi hộ phân loại rác tại nguồn, tổ phụ nữ thu gom chai nhựa bán lấy tiền giúp hộ nghèo.",
    )
    page.fill("#id_indicator_households", "245")

    # The form checks each field on the server when it changes: an emptied name is refused inline.
    name_error = page.locator("#err-name .errorlist")
    with page.expect_response(lambda r: "/models/validate/?field=name" in r.url):
        page.fill("#id_name", "")
        page.locator("#id_name").blur()
    name_error.wait_for()
    screenshot("initiatives-01-form-inline-error")
    with page.expect_response(lambda r: "/models/validate/?field=name" in r.url):
        page.fill("#id_name", MODEL_NAME)
        page.locator("#id_name").blur()
    name_error.wait_for(state="detached")
    screenshot("initiatives-02-form-filled")

    page.locator("#initiative-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/models/\d+/$"))
    initiative = Initiative.objects.get(name=MODEL_NAME)
    assert initiative.status == Status.DRAFT
    assert initiative.territory == story["commune"]
    assert initiative.organisation == story["organisation"]
    assert initiative.indicators.get(kind__code="households").value == 245
    screenshot("initiatives-03-draft-detail")

    # The step answers with a redirect to the same address: wait for the new page itself.
    with page.expect_navigation():
        page.locator("form.step-form:has(input[name=name][value=submit]) button").click()
    page.locator(".badge-status-submitted").first.wait_for()
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED
    assert initiative.target_level == Level.COMMUNE
    screenshot("initiatives-04-submitted")

    # (2) The reviewer puts it before the council and scores it.
    review_round = story["round"]
    sign_in(page, "thamdinh.qn")
    page.goto(f"/models/rounds/{review_round.pk}/")
    page.check(f"input[name=initiative][value='{initiative.pk}']")
    screenshot("initiatives-05-round-candidates")
    page.locator("form[action$='/entries/'] button[type=submit]").click()
    page.locator(f"#ranking a[href$='/models/{initiative.pk}/']").wait_for()
    entry = Entry.objects.get(review_round=review_round, initiative=initiative)
    assert page.locator(f"input[name=initiative][value='{initiative.pk}']").count() == 0

    page.locator(f"a[href$='/rounds/{review_round.pk}/score/']").click()
    page.wait_for_url(f"**/rounds/{review_round.pk}/score/")
    screenshot("initiatives-06-scoring-screen")
    score(page, entry, {"a": "9", "b": "8"})
    screenshot("initiatives-07-scored-by-reviewer")

    # (3) The chair scores, closes the round and downloads the decision.
    sign_in(page, "lanhdao.qn")
    page.goto(f"/models/rounds/{review_round.pk}/score/")
    score(page, entry, {"a": "10", "b": "9"})
    entry.refresh_from_db()
    # 0.6*90 + 0.4*80 = 86 and 0.6*100 + 0.4*90 = 96: the mean is 91.
    assert entry.score_count == 2
    assert entry.average == Decimal("91.00")

    page.goto(f"/models/rounds/{review_round.pk}/")
    tick = page.locator(f"#close-form input[name=recognise][value='{entry.pk}']")
    assert tick.is_checked()
    page.fill("#id_decision_date", timezone.localdate().strftime("%d/%m/%Y"))
    page.fill("#id_signer_name", "Trần Quang Vinh")
    page.fill("#id_signer_position", "Phó Trưởng ban Tuyên giáo và Dân vận")
    screenshot("initiatives-08-close-form")
    # Closing cannot be undone; should the page ever ask for confirmation, the chair agrees.
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("#close-form button[type=submit]").click()
    pdf_link = page.locator("a[download]", has_text=re.compile(r"\.pdf$"))
    pdf_link.first.wait_for()
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.CLOSED
    assert page.locator("#close-form button[type=submit]").count() == 0
    assert page.locator("a[download]", has_text=re.compile(r"\.docx$")).count() >= 1
    screenshot("initiatives-09-round-closed")
    with page.expect_download() as download_info:
        pdf_link.first.click()
    decision = tmp_path / "decision.pdf"
    download_info.value.save_as(decision)
    assert decision.read_bytes().startswith(b"%PDF")
    initiative.refresh_from_db()
    assert initiative.status == Status.RECOGNISED

    # (4) A visitor without an account finds it on the showcase, with the decision, no score.
    page.context.clear_cookies()
    page.goto("/public/models/")
    card = page.locator(f"a[href$='/public/models/{initiative.pk}/']")
    card.wait_for()
    assert "/accounts/login/" not in page.url
    assert page.get_by_text(DRAFT_NAME).count() == 0
    screenshot("initiatives-10-public-list")
    card.click()
    page.wait_for_url(f"**/public/models/{initiative.pk}/")
    # The decision is published as Word and PDF under the same caption; one of them is the PDF.
    links = page.locator("a[href*='/public/attachments/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) == 2
    bodies = [page.request.get(href).body() for href in hrefs]
    assert any(body.startswith(b"%PDF") for body in bodies)
    content = page.content()
    assert "91,00" not in content
    assert "91.00" not in content
    screenshot("initiatives-11-public-detail")

    hidden = page.goto(f"/public/models/{story['draft'].pk}/")
    assert hidden.status == 404
