"""Attachments on any record: content checks, storage, thumbnails, scope, pages and API.

The owner is `tests.workflow_app.Ticket`, registered here with its own two actions: officers of
the ticket's territory change files, every staff role there sees them, and a ticket is public
once its status is "published".
"""

import hashlib
import io
import zipfile
from pathlib import Path

import docx
import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from PIL import Image

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import Action, AuditEvent
from danvan.core import attachments, scope
from danvan.core.errors import DomainError
from danvan.core.models import Attachment, AttachmentKind
from danvan.core.roles import STAFF_ROLES, Role
from danvan.core.templatetags.attachments import file_size
from tests.workflow_app.models import Ticket

pytestmark = pytest.mark.django_db

scope.register({"tests.ticket.view": STAFF_ROLES, "tests.ticket.change": {Role.OFFICER}})
attachments.register(
    Ticket,
    view_action="tests.ticket.view",
    change_action="tests.ticket.change",
    public=lambda ticket: ticket.status == "published",
)

API = "/api/v1/attachments"
OWNER_TYPE = "workflow_app.ticket"


# --- Files made for the tests ------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size=(800, 400), mode: str = "RGB", exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size, "red" if mode == "RGB" else 0)
    if exif is not None:
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Báo cáo mô hình Dân vận khéo")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    workbook.add_worksheet().write(0, 0, "Số hộ")
    workbook.close()
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def zip_bomb_bytes() -> bytes:
    """A "Word document" of 30 KB that unpacks to 101 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(101):
                entry.write(b"\0" * (1024 * 1024))
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ticket(place) -> Ticket:
    _, commune_a, _ = place
    return Ticket.objects.create(title="Mô hình tổ tự quản", territory=commune_a)


@pytest.fixture
def officer(place):
    return user_with_role(Role.OFFICER, place[1])


@pytest.fixture
def viewer(place):
    return user_with_role(Role.VIEWER, place[1])


@pytest.fixture
def outsider(place):
    return user_with_role(Role.OFFICER, place[2])


def add(ticket, officer, name="anh.png", content=None, **kwargs) -> Attachment:
    return attachments.attachment_add(
        owner=ticket,
        uploaded_file=upload(name, content if content is not None else image_bytes()),
        actor=officer,
        **kwargs,
    )


# --- Checking uploads ------------------------------------------------------------------------


def test_png_is_stored_with_its_hash_and_a_small_jpeg_thumbnail(media, ticket, officer):
    content = image_bytes("PNG", size=(800, 400))

    attachment = add(ticket, officer, "Ảnh hiện trường.png", content, caption="Buổi ra quân")

    attachment.refresh_from_db()
    assert (attachment.kind, attachment.mime_type) == (AttachmentKind.IMAGE, "image/png")
    assert attachment.original_name == "Ảnh hiện trường.png"
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert (attachment.owner_type, attachment.owner_id) == (OWNER_TYPE, str(ticket.pk))
    assert attachment.territory_id == ticket.territory_id
    assert attachment.caption == "Buổi ra quân"
    assert attachment.uploaded_by == officer
    assert attachment.file.read() == content
    assert "Ảnh" not in attachment.file.name  # stored under a random name
    with Image.open(attachment.thumbnail.path) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (320, 160))


def test_jpeg_thumbnail_is_turned_upright_and_loses_the_photo_metadata(media, ticket, officer):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned 90°
    exif[0x010F] = "Máy ảnh của xã"
    content = image_bytes("JPEG", size=(200, 100), exif=exif)

    attachment = add(ticket, officer, "anh.jpg", content)

    with Image.open(attachment.thumbnail.path) as thumb:
        assert thumb.size == (100, 200)
        assert dict(thumb.getexif()) == {}
        assert "exif" not in thumb.info


@pytest.mark.parametrize(
    ("name", "make", "kind", "mime"),
    [
        ("Báo cáo.docx", docx_bytes, AttachmentKind.DOCX, attachments.DOCX_MIME),
        ("Danh sách hộ.XLSX", xlsx_bytes, AttachmentKind.XLSX, attachments.XLSX_MIME),
        (
            "Quyết định.pdf",
            lambda: b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
            "pdf",
            "application/pdf",
        ),
        ("anh.webp", lambda: image_bytes("WEBP", size=(40, 40)), "image", "image/webp"),
        ("anh.gif", lambda: image_bytes("GIF", size=(40, 40), mode="P"), "image", "image/gif"),
    ],
)
def test_office_documents_pdf_and_other_images_are_accepted(
    media, ticket, officer, name, make, kind, mime
):
    attachment = add(ticket, officer, name, make())

    assert (attachment.kind, attachment.mime_type) == (kind, mime)
    assert bool(attachment.thumbnail) == (kind == AttachmentKind.IMAGE)


@pytest.mark.parametrize(
    ("name", "make", "code", "words"),
    [
        ("anh.pdf", image_bytes, "wrong_extension", "ends in “.pdf” but the file is a PNG image"),
        ("bao-cao", docx_bytes, "wrong_extension", "has no extension"),
        ("bao-cao.docx", lambda: b"Just some text, not a document.", "bad_type", "not accepted"),
        ("tai-lieu.docx", lambda: zip_bytes({"a.txt": b"x"}), "bad_file", "Archives"),
        ("tai-lieu.zip", lambda: zip_bytes({"a.txt": b"x"}), "bad_file", "Archives"),
        ("hong.docx", lambda: b"PK\x03\x04 broken", "bad_file", "damaged"),
        ("bom.docx", zip_bomb_bytes, "too_large", "100 MB"),
        ("rong.pdf", lambda: b"", "empty", "empty"),
        ("hong.png", lambda: image_bytes()[:200], "bad_file", "damaged"),
        ("lon.png", lambda: image_bytes(size=(8000, 5001), mode="1"), "too_large", "40 megapixels"),
        (
            "trang.html",
            lambda: b"<html><script>alert(1)</script></html>",
            "bad_type",
            "not accepted",
        ),
    ],
)
def test_refused_files_leave_nothing_behind(media, ticket, officer, name, make, code, words):
    with pytest.raises(DomainError) as refused:
        add(ticket, officer, name, make())

    assert refused.value.code == code
    assert refused.value.field == "file"
    assert words in refused.value.message
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(object_type="core.attachment").exists()


def test_files_over_the_size_limits_are_refused(media, ticket, officer, settings):
    settings.DANVAN_ATTACHMENT_MAX_BYTES = 2000
    settings.DANVAN_ATTACHMENT_IMAGE_MAX_BYTES = 500
    pdf = b"%PDF-1.4\n" + b"0" * 1000
    png = image_bytes(size=(200, 200))
    assert 500 < len(png) < 2000

    with pytest.raises(DomainError) as too_big:
        add(ticket, officer, "lon.pdf", pdf + b"0" * 1500)
    with pytest.raises(DomainError) as image_too_big:
        add(ticket, officer, "anh.png", png)
    accepted = add(ticket, officer, "nho.pdf", pdf)

    assert too_big.value.code == image_too_big.value.code == "too_large"
    assert "Images may be at most" in image_too_big.value.message
    assert list(Attachment.objects.all()) == [accepted]
    assert len(stored_files(media)) == 1


def test_a_record_holds_a_limited_number_of_files(media, ticket, officer, settings):
    settings.DANVAN_ATTACHMENTS_PER_RECORD = 2
    add(ticket, officer)
    add(ticket, officer)

    with pytest.raises(DomainError) as full:
        add(ticket, officer)

    assert full.value.code == "too_many"
    assert Attachment.objects.count() == 2


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\can bo\\Biên bản họp.pdf", "Biên bản họp.pdf"),
        ('bad\x00"name<>.pdf', "bad_name_.pdf"),
        ("...", "file"),
    ],
)
def test_original_names_are_reduced_to_a_safe_base_name(sent, kept):
    assert attachments.safe_filename(sent) == kept


# --- Scope, generated files, public flag, audit ------------------------------------------------


def test_upload_needs_the_change_right_on_the_owners_territory(media, ticket, viewer, outsider):
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            add(ticket, user)

    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_upload_and_delete_write_audit_rows(
    media, ticket, officer, django_capture_on_commit_callbacks
):
    attachment = add(ticket, officer, "anh.png")
    pk, paths = attachment.pk, [Path(attachment.file.path), Path(attachment.thumbnail.path)]

    with django_capture_on_commit_callbacks(execute=True):
        attachments.attachment_delete(attachment=attachment, actor=officer)

    rows = list(
        AuditEvent.objects.filter(object_type="core.attachment", object_id=str(pk)).order_by("seq")
    )
    assert [r.action for r in rows] == [Action.CREATE, Action.DELETE]
    assert all(r.actor_id == officer.pk and r.territory_id == ticket.territory_id for r in rows)
    assert rows[0].changes["owner_id"] == [None, str(ticket.pk)]
    assert rows[0].changes["original_name"] == [None, "anh.png"]
    assert not Attachment.objects.filter(pk=pk).exists()
    assert not any(p.exists() for p in paths)


def test_files_stay_on_disk_until_the_delete_commits(media, ticket, officer):
    attachment = add(ticket, officer)
    path = Path(attachment.file.path)

    attachments.attachment_delete(attachment=attachment, actor=officer)

    # Still inside the test's transaction: a rollback must find the file where it was.
    assert path.exists()


def test_generated_files_cannot_be_deleted(media, ticket, officer):
    decision = attachments.attachment_add_generated(
        owner=ticket,
        filename="Quyết định công nhận.pdf",
        content=b"%PDF-1.7 generated",
        kind=AttachmentKind.PDF,
        mime_type="application/pdf",
        actor=officer,
        caption="Số 12/QĐ-UBND",
    )

    with pytest.raises(DomainError) as refused:
        attachments.attachment_delete(attachment=decision, actor=officer)

    assert refused.value.code == "generated"
    decision.refresh_from_db()
    assert decision.is_generated
    assert decision.original_name == "Quyết định công nhận.pdf"
    assert decision.file.read() == b"%PDF-1.7 generated"
    assert AuditEvent.objects.filter(
        object_type="core.attachment", object_id=str(decision.pk), action=Action.CREATE
    ).exists()


def test_public_files_show_only_while_the_owner_is_public(media, ticket, officer):
    shown = add(ticket, officer, "cong-khai.png")
    add(ticket, officer, "noi-bo.png")
    attachments.attachment_set_public(attachment=shown, actor=officer, is_public=True)

    before_publishing = list(attachments.public_attachments_for(ticket))
    ticket.status = "published"
    ticket.save()
    after_publishing = list(attachments.public_attachments_for(ticket))

    assert before_publishing == []
    assert after_publishing == [shown]
    update = AuditEvent.objects.get(object_id=str(shown.pk), action=Action.UPDATE)
    assert update.changes == {"is_public": [False, True]}


def test_viewer_may_not_change_the_public_flag(media, ticket, officer, viewer):
    attachment = add(ticket, officer)

    with pytest.raises(PermissionDenied):
        attachments.attachment_set_public(attachment=attachment, actor=viewer, is_public=True)


def test_attachments_for_lists_one_owner_in_one_query(
    media, ticket, officer, place, django_assert_num_queries
):
    other = Ticket.objects.create(territory=place[1])
    first, second = add(ticket, officer), add(ticket, officer, "b.png")
    add(other, officer)

    with django_assert_num_queries(1):
        files = list(attachments.attachments_for(ticket))
        names = [f.uploaded_by.username for f in files]

    assert files == [first, second]
    assert names == [officer.username] * 2


def test_get_for_user_hides_attachments_of_owners_out_of_scope(media, ticket, officer, outsider):
    attachment = add(ticket, officer)

    assert attachments.attachment_get_for_user(officer, attachment.pk) == attachment
    with pytest.raises(attachments.Http404):
        attachments.attachment_get_for_user(outsider, attachment.pk)
    with pytest.raises(attachments.Http404):
        attachments.attachment_get_for_user(officer, attachment.pk + 1000)


def test_file_sizes_read_the_vietnamese_way():
    assert [file_size(n) for n in (900, 12 * 1024, 1536 * 1024, 3 * 1024 * 1024)] == [
        "900 B",
        "12 KB",
        "1,5 MB",
        "3 MB",
    ]


# --- Pages -----------------------------------------------------------------------------------


def upload_url(ticket) -> str:
    return f"/attachments/upload/{OWNER_TYPE}/{ticket.pk}/"


def test_htmx_upload_answers_the_refreshed_block(media, ticket, officer, client):
    client.force_login(officer)

    response = client.post(
        upload_url(ticket),
        {"file": upload("bien-ban.pdf", b"%PDF-1.4 x"), "caption": "Biên bản", "next": "/x/"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "core/partials/attachments.html"
    html = response.content.decode()
    assert f'id="{attachments.block_id(ticket)}"' in html
    assert "bien-ban.pdf" in html
    assert "Biên bản" in html
    assert 'hx-encoding="multipart/form-data"' in html
    assert Attachment.objects.get().caption == "Biên bản"


def test_htmx_upload_of_a_refused_file_shows_the_message_and_stores_nothing(
    media, ticket, officer, client
):
    client.force_login(officer)

    response = client.post(
        upload_url(ticket),
        {"file": upload("anh.pdf", image_bytes())},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "rename it to end in .png" in response.content.decode()
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_htmx_answer_keeps_the_page_htmx_reports_as_next(media, ticket, officer, client):
    client.force_login(officer)

    response = client.post(
        upload_url(ticket),
        {"file": upload("a.png", image_bytes())},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/tickets/7/"},
    )

    assert 'name="next" value="/tickets/7/"' in response.content.decode()


@pytest.mark.parametrize(
    ("next_url", "target"),
    [("/tickets/1/?tab=files", "/tickets/1/?tab=files"), ("https://evil.example/", "/")],
)
def test_plain_upload_returns_to_a_safe_next_page(media, ticket, officer, client, next_url, target):
    client.force_login(officer)

    response = client.post(
        upload_url(ticket), {"file": upload("a.png", image_bytes()), "next": next_url}
    )

    assert response.status_code == 302
    assert response.url == target
    assert Attachment.objects.count() == 1


def test_upload_page_answers_404_out_of_scope_and_403_without_the_change_right(
    media, ticket, viewer, outsider, client
):
    client.force_login(outsider)
    outside = client.post(upload_url(ticket), {"file": upload("a.png", image_bytes())})
    unknown = client.post(f"/attachments/upload/nothing.here/{ticket.pk}/", {})
    client.force_login(viewer)
    read_only = client.post(upload_url(ticket), {"file": upload("a.png", image_bytes())})

    assert (outside.status_code, unknown.status_code, read_only.status_code) == (404, 404, 403)
    assert Attachment.objects.count() == 0


def test_download_sends_the_original_name_and_no_sniffing(media, ticket, officer, client):
    pdf = add(ticket, officer, "Biên bản.pdf", b"%PDF-1.4 content")
    image = add(ticket, officer, "anh.png")
    client.force_login(officer)

    response = client.get(f"/attachments/{pdf.pk}/", {"inline": "1"})
    shown = client.get(f"/attachments/{image.pk}/", {"inline": "1"})
    thumb = client.get(f"/attachments/{image.pk}/thumb/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 content"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")  # PDFs never inline
    assert "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Disposition"].startswith("inline")
    assert (thumb.status_code, thumb["Content-Type"]) == (200, "image/jpeg")


def test_download_of_an_attachment_out_of_scope_is_not_found(
    media, ticket, officer, outsider, client
):
    attachment = add(ticket, officer)
    client.force_login(outsider)

    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404
    assert client.get(f"/attachments/{attachment.pk}/thumb/").status_code == 404


def test_download_needs_a_sign_in(media, ticket, officer, client):
    attachment = add(ticket, officer)

    response = client.get(f"/attachments/{attachment.pk}/")

    assert response.status_code == 302
    assert "/accounts/" in response.url


def test_delete_page_removes_an_upload_but_not_a_generated_file(
    media, ticket, officer, client, django_capture_on_commit_callbacks
):
    upload_ = add(ticket, officer)
    generated = attachments.attachment_add_generated(
        owner=ticket,
        filename="qd.pdf",
        content=b"%PDF-1.4",
        kind="pdf",
        mime_type="application/pdf",
        actor=officer,
    )
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(f"/attachments/{upload_.pk}/delete/", headers={"HX-Request": "true"})
    kept = client.post(f"/attachments/{generated.pk}/delete/", headers={"HX-Request": "true"})

    assert deleted.status_code == kept.status_code == 200
    assert "cannot be deleted" in kept.content.decode()
    assert list(Attachment.objects.all()) == [generated]
    assert len(stored_files(media)) == 1


def test_viewer_sees_the_block_without_forms_and_officer_with_them(media, ticket, officer, viewer):
    add(ticket, officer, "anh.png")
    template = Template("{% load attachments %}{% attachments_block ticket %}")

    def render_for(user) -> str:
        request = RequestFactory().get("/tickets/1/")
        request.user = user
        return template.render(Context({"request": request, "ticket": ticket}))

    as_viewer, as_officer = render_for(viewer), render_for(officer)

    assert "anh.png" in as_viewer
    assert "anh.png" in as_officer
    assert 'name="file"' not in as_viewer
    assert "hx-confirm" not in as_viewer
    assert 'name="file"' in as_officer
    assert "hx-confirm" in as_officer
    assert 'value="/tickets/1/"' in as_officer


def test_visibility_page_switches_the_public_flag(media, ticket, officer, client):
    attachment = add(ticket, officer)
    client.force_login(officer)

    response = client.post(f"/attachments/{attachment.pk}/visibility/", {"is_public": "1"})

    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.is_public


def test_public_download_only_for_public_files_of_public_records(media, ticket, officer, client):
    flagged = add(ticket, officer, "cong-khai.png")
    hidden = add(ticket, officer, "noi-bo.png")
    attachments.attachment_set_public(attachment=flagged, actor=officer, is_public=True)

    before = client.get(f"/public/attachments/{flagged.pk}/")
    ticket.status = "published"
    ticket.save()
    after = client.get(f"/public/attachments/{flagged.pk}/")
    not_flagged = client.get(f"/public/attachments/{hidden.pk}/")

    assert before.status_code == 404
    assert after.status_code == 200
    assert after["X-Content-Type-Options"] == "nosniff"
    assert not_flagged.status_code == 404


# --- API -------------------------------------------------------------------------------------


def test_api_upload_list_detail_download_and_delete(
    media, ticket, officer, api, django_capture_on_commit_callbacks
):
    client = api(officer)
    content = docx_bytes()

    created = client.post(
        API,
        {
            "owner_type": OWNER_TYPE,
            "owner_id": str(ticket.pk),
            "file": upload("Báo cáo.docx", content),
            "caption": "Báo cáo quý",
        },
    )
    body = created.json()
    listed = client.get(API, {"owner_type": OWNER_TYPE, "owner_id": ticket.pk}).json()
    detail = client.get(f"{API}/{body['id']}").json()
    download = client.get(body["download_url"])
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(f"{API}/{body['id']}")

    assert created.status_code == 201
    assert body["kind"] == "docx"
    assert body["caption"] == "Báo cáo quý"
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["uploaded_by"] == officer.display_name
    assert body["thumbnail_url"] is None
    assert listed["count"] == 1
    assert listed["items"][0]["id"] == body["id"]
    assert detail == body
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert deleted.status_code == 204
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_api_refused_file_answers_400_on_the_file_field(media, ticket, officer, api):
    response = api(officer).post(
        API, {"owner_type": OWNER_TYPE, "owner_id": ticket.pk, "file": upload("a.xlsx", b"text")}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_type"
    assert response.json()["details"] == {"field": "file"}
    assert stored_files(media) == []


def test_api_unknown_owner_type_is_a_422(media, ticket, officer, api):
    client = api(officer)

    listed = client.get(API, {"owner_type": "auth.user", "owner_id": officer.pk})
    posted = client.post(
        API, {"owner_type": "auth.user", "owner_id": officer.pk, "file": upload("a.png", b"x")}
    )

    for response in (listed, posted):
        assert response.status_code == 422
        details = response.json()["details"]
        assert details[0]["field"] == "owner_type"
        assert OWNER_TYPE in details[0]["message"]


def test_api_answers_404_out_of_scope_and_403_without_the_change_right(
    media, ticket, officer, viewer, outsider, api
):
    attachment = add(ticket, officer)
    files = {"owner_type": OWNER_TYPE, "owner_id": ticket.pk}

    outside = api(outsider)
    outside_list = outside.get(API, files)
    outside_detail = outside.get(f"{API}/{attachment.pk}")
    outside_download = outside.get(f"{API}/{attachment.pk}/download")
    outside_post = outside.post(API, {**files, "file": upload("a.png", image_bytes())})
    outside_delete = outside.delete(f"{API}/{attachment.pk}")
    inside = api(viewer)
    viewer_list = inside.get(API, files)
    viewer_post = inside.post(API, {**files, "file": upload("a.png", image_bytes())})
    viewer_delete = inside.delete(f"{API}/{attachment.pk}")

    assert [
        r.status_code
        for r in (outside_list, outside_detail, outside_download, outside_post, outside_delete)
    ] == [404] * 5
    assert viewer_list.status_code == 200
    assert viewer_list.json()["count"] == 1
    assert (viewer_post.status_code, viewer_delete.status_code) == (403, 403)
    assert viewer_post.json()["code"] == "forbidden"
    assert list(Attachment.objects.all()) == [attachment]


def test_api_delete_of_a_generated_file_is_refused(media, ticket, officer, api):
    generated = attachments.attachment_add_generated(
        owner=ticket,
        filename="qd.pdf",
        content=b"%PDF-1.4",
        kind="pdf",
        mime_type="application/pdf",
        actor=officer,
    )

    response = api(officer).delete(f"{API}/{generated.pk}")

    assert response.status_code == 400
    assert response.json()["code"] == "generated"
    assert Attachment.objects.filter(pk=generated.pk).exists()
