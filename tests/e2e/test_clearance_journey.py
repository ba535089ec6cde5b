"""A land-clearance case in headless Chromium, through the real pages only.

The task force imports a messy household list, records a visit from a phone, the household
agrees, the leader approves the plans, the officer pays the household in full, the land is handed
over, and the dashboard shows the totals the records add up to.
"""

import re

import pytest

from danvan.accounts.tests.factories import DEFAULT_PASSWORD, RoleGrantFactory, user_with_role
from danvan.clearance.models import CaseStatus, Household, Payment, Project
from danvan.clearance.tests.factories import ProjectFactory
from danvan.core.tests.import_helpers import territory_tree, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [
    "STT", "Mã dự án", "Mã hộ", "Họ và tên chủ hộ", "Số CCCD", "Điện thoại", "Thôn/Tổ dân phố",
    "Tờ bản đồ số", "Thửa đất số", "Diện tích thửa", "Diện tích thu hồi",
    "Bồi thường về đất", "Hỗ trợ",
]  # fmt: skip


@pytest.fixture
def story():
    tree = territory_tree()
    ward = tree["tam_ky"]
    # The standing deputy secretary leads the task force: persuades, approves and pays.
    leader = user_with_role("officer", ward, username="pbt.tamky", full_name="Huỳnh Văn Sơn")
    RoleGrantFactory(user=leader, role="leader", territory=ward)
    project = ProjectFactory(
        territory=ward, code="DA-TK-2025-01", name="Đường Phan Bội Châu nối dài", year=2025
    )
    return {"ward": ward, "project": project, "leader": leader}


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_import_visit_pay_hand_over_and_see_the_dashboard(page, story, tmp_path, screenshot):
    sheet = tmp_path / "danh-sach-ho.xlsx"
    sheet.write_bytes(
        xlsx_bytes(
            [
                HEADERS,
                [
                    1,
                    "DA-TK-2025-01",
                    "H001",
                    "Nguyễn Văn Thành",
                    49203004567,
                    "0905 123 456",
                    "Khối phố 5",
                    "12",
                    "245",
                    "180,5 m2",
                    "120,5",
                    "1,2 tỷ",
                    "35.500.000",
                ],
                [
                    2,
                    "DA-TK-2025-01",
                    "H002",
                    "Trần Thị Mai",
                    "049301000222",
                    "0935000222",
                    "Khối phố 6",
                    "12",
                    "246",
                    "95",
                    "40",
                    "450 triệu",
                    "",
                ],
            ],
            title_rows=[["DANH SÁCH HỘ BỊ ẢNH HƯỞNG"], ["Dự án: Đường Phan Bội Châu nối dài"]],
            merge_title=True,
        )
    )
    sign_in(page, "pbt.tamky")

    # 1. Import the household list: preview, then commit.
    page.goto("/imports/clearance-households/")
    page.set_input_files("input[type=file]", str(sheet))
    page.locator("main form button[type=submit]").first.click()
    commit = page.locator("main form[action$='/commit/'] button[type=submit]")
    commit.wait_for(timeout=30_000)
    screenshot("clearance-01-import-preview")
    page.once("dialog", lambda dialog: dialog.accept())  # "Import 2 rows now?"
    commit.click()
    # The commit runs as a background task; the page follows it until the rows are saved.
    for _attempt in range(60):
        if Household.objects.filter(project=story["project"]).count() == 2:
            break
        page.wait_for_timeout(500)
    assert Household.objects.filter(project=story["project"]).count() == 2
    first = Household.objects.get(project=story["project"], code="H001")
    assert first.head_id_number == "049203004567"  # the leading zero the number cell lost

    # 2. The leader approves every draft plan of the project under one decision.
    page.goto(f"/clearance/projects/{story['project'].pk}/")
    approve = page.locator("form[action$='/plans/approve/']")
    approve.locator("[name=decision_number]").fill("125/QĐ-UBND")
    approve.locator("button[type=submit]").click()
    page.wait_for_load_state()
    first.refresh_from_db()
    assert first.approved_total == 1_235_500_000

    # 3. A visit recorded on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/clearance/households/{first.pk}/visit/")
    form = page.locator("#visit-form")
    form.locator("input[name=outcome][value=agreed]").check(force=True)
    form.locator("[name=discussed]").fill("Giải thích đơn giá bồi thường; gia đình đồng ý.")
    form.locator("[name=next_step]").fill("Hẹn ngày nhận tiền")
    screenshot("clearance-02-visit-on-phone")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/clearance/households/{first.pk}/"))
    page.set_viewport_size({"width": 1280, "height": 860})

    # 4. The household agrees, then is paid in full and hands over its land.
    def take_step(label):
        page.locator(".steps form", has=page.locator(f"input[name=name][value={label}]")).locator(
            "button[type=submit]"
        ).click()
        page.wait_for_load_state()

    page.goto(f"/clearance/households/{first.pk}/")
    take_step("record_inventory")
    take_step("agree")
    payment = page.locator("form.payment-form")
    payment.locator("[name=amount]").fill("1.300.000.000")  # more than approved: refused
    payment.locator("[name=voucher_number]").fill("PC-0001")
    payment.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert Payment.objects.count() == 0
    assert page.locator("form.payment-form .errorlist, form.payment-form [role=alert]").count()
    payment = page.locator("form.payment-form")
    payment.locator("[name=amount]").fill("1.235.500.000")
    payment.locator("[name=voucher_number]").fill("PC-0001")
    payment.locator("button[type=submit]").click()
    page.wait_for_load_state()
    first.refresh_from_db()
    assert (first.paid_total, first.status) == (1_235_500_000, CaseStatus.PAID)
    take_step("hand_over")
    first.refresh_from_db()
    assert first.status == CaseStatus.HANDED_OVER
    screenshot("clearance-03-household-handed-over")

    # 5. The dashboard adds up exactly what was recorded.
    page.goto("/clearance/dashboard/")
    screenshot("clearance-04-dashboard")
    project = Project.objects.get(pk=story["project"].pk)
    assert (project.households_count, project.handed_over_count) == (2, 1)
    assert project.paid_total == 1_235_500_000
    text = page.locator("main").inner_text()
    assert "1.235.500.000" in text or "1,2 tỷ" in text
