import pytest

from danvan.accounts.models import RoleGrant, User
from danvan.accounts.tests.factories import UserFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.imports import services
from danvan.core.models import ImportStatus
from danvan.core.tests.import_helpers import territory_tree, upload
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HEADERS = ["Tên đăng nhập", "Họ và tên", "Email", "Điện thoại", "Chức vụ", "Tổ chức", "Xã/Phường", "Tỉnh/Thành phố",
           "Vai trò", "Phạm vi quyền"]  # fmt: skip


@pytest.fixture
def setup():
    tree = territory_tree()
    org = OrganisationFactory(
        name="Ban Tuyên giáo và Dân vận phường Đông Triều", territory=tree["dong_trieu"]
    )
    far = OrganisationFactory(name="Hội Phụ nữ Tam Kỳ", territory=tree["tam_ky"])
    admin = user_with_role("territory_admin", tree["quang_ninh"])
    return {**tree, "org": org, "far": far, "admin": admin}


def run(rows, actor, capture):
    with capture(execute=True):
        batch = services.import_upload(
            schema_key="users", upload=upload(rows, name="nguoi-dung.xlsx"), actor=actor
        )
    batch.refresh_from_db()
    if batch.status == ImportStatus.VALIDATED:
        with capture(execute=True):
            services.import_commit_request(batch=batch, actor=actor)
        batch.refresh_from_db()
    return batch


def row(username="nguyenvana", **overrides):
    values = {"username": username, "full_name": "Nguyễn Văn A", "email": "", "phone": "", "position": "Chuyên viên",
              "org": "ban tuyen giao va dan van phuong dong trieu", "commune": "Phường Đông Triều",
              "province": "Quảng Ninh", "role": "", "role_territory": ""}  # fmt: skip
    values.update(overrides)
    return list(values.values())


def test_new_accounts_are_locked_until_an_admin_resets_them(
    setup, django_capture_on_commit_callbacks
):
    batch = run([HEADERS, row(role="OFFICER (editor)"), row("tranthib", full_name="Trần Thị B", role="viewer",
                 role_territory="Quảng Ninh")], setup["admin"], django_capture_on_commit_callbacks)  # fmt: skip

    assert batch.status == ImportStatus.COMMITTED, (batch.message, batch.errors)
    assert batch.created_count == 2
    assert batch.result["accounts_without_password"] == 2
    user = User.objects.get(username="nguyenvana")
    assert user.organisation == setup["org"]
    assert user.must_change_password
    assert not user.has_usable_password()
    assert RoleGrant.objects.get(user=user).territory == setup["dong_trieu"]
    assert RoleGrant.objects.get(user__username="tranthib").territory == setup["quang_ninh"]
    assert AuditEvent.objects.filter(object_type="accounts.user", action="create").count() == 2
    assert AuditEvent.objects.filter(object_type="accounts.user", action="grant").count() == 2


def test_reimport_updates_accounts_without_duplicating_grants(
    setup, django_capture_on_commit_callbacks
):
    run([HEADERS, row(role="officer")], setup["admin"], django_capture_on_commit_callbacks)

    batch = run([HEADERS, row("NguyenVanA", position="Trưởng ban", role="officer")], setup["admin"],
                django_capture_on_commit_callbacks)  # fmt: skip

    assert (batch.created_count, batch.updated_count) == (0, 1)
    assert User.objects.filter(username__iexact="nguyenvana").count() == 1
    assert User.objects.get(username__iexact="nguyenvana").position == "Trưởng ban"
    assert RoleGrant.objects.filter(user__username__iexact="nguyenvana").count() == 1


def test_taken_username_outside_scope_and_foreign_units_are_row_errors(
    setup, django_capture_on_commit_callbacks
):
    UserFactory(username="dangiu", organisation=setup["far"])
    rows = [
        HEADERS,
        row("dangiu"),
        row("b", org="Hội Phụ nữ Tam Kỳ", commune="Phường Tam Kỳ", province="Đà Nẵng"),
        row("c", role="system_admin"),
        row("d", role="officer", role_territory="Đà Nẵng"),
        row("e f"),
    ]

    batch = run(rows, setup["admin"], django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.INVALID
    errors = {e["row"]: (e["column"], e["message"]) for e in batch.errors}
    assert errors[2] == ("Username", "This username is already taken.")
    assert errors[3][0] == "Commune/Ward/Special zone"
    assert errors[4] == ("Role", "You may not grant this role.")
    assert errors[5][0] == "Role territory"
    assert errors[6][0] == "Username"
    assert not User.objects.filter(username__in=["b", "c", "d"]).exists()
