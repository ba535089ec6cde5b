"""The public citizen portal: submission and its abuse checks, receipt, tracking, feedback,
answered petitions and upcoming conferences; citizens' files (core.attachments)."""

import html
import io
import itertools
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.core import attachments
from danvan.core.errors import DomainError
from danvan.core.models import Attachment, AttachmentKind, RateCounter
from danvan.dialogues.models import Category, ConferenceStatus, Petition, PetitionStatus
from danvan.dialogues.services import petitions as svc
from danvan.dialogues.services import portal as portal_svc
from danvan.dialogues.tests.factories import ConferenceFactory, PetitionFactory

pytestmark = pytest.mark.django_db

SUBMIT = reverse("dialogues_public:submit")
TRACK = reverse("dialogues_public:track")
FEEDBACK = reverse("dialogues_public:feedback")
CODE_RE = re.compile(rf"^[{svc.CODE_ALPHABET}]{{12}}$")


def vi(message: str, **values) -> str:
    """The message as a Vietnamese visitor reads it."""
    with translation.override("vi"):
        text = gettext(message)
    return text % values if values else text


def png(name="anh.png", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="don.pdf", size=2000) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n" + b"0" * max(0, size - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def form_data(unit, **overrides) -> dict:
    data = {
        "title": "Đèn đường tổ 3 bị hỏng",
        "content": "Đèn đường ở tổ 3 khu phố 2 đã hỏng hơn một tháng nay, buổi tối rất tối.",
        "category": Category.INFRASTRUCTURE,
        "province": str(unit.parent.code),
        "commune": str(unit.code),
        "address": "Số 12 đường Trần Phú",
        "submitter_name": "Nguyễn Thị Bảy",
        "submitter_phone": "0912345678",
        "submitter_email": "bay@example.org",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def counts() -> tuple[int, int, int]:
    return Petition.objects.count(), AuditEvent.objects.count(), Attachment.objects.count()


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def post(client, data, *, ip="10.0.0.1", **extra):
    return client.post(SUBMIT, data, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="vi", **extra)


# --- the form --------------------------------------------------------------------------------


def test_form_page_is_accessible_and_sets_a_device_cookie(client, place):
    response = client.get(SUBMIT, HTTP_ACCEPT_LANGUAGE="vi")

    page = text_of(response)
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    for field in ("title", "content", "category", "province", "commune", "consent"):
        assert f'for="id_{field}"' in page
    assert "<fieldset>" in page
    assert "<legend>" in page
    assert 'name="consent"' in page
    assert "checked" not in page.split('name="consent"')[1][:80]
    assert 'class="hp-field" aria-hidden="true"' in page
    assert portal_svc.DEVICE_COOKIE in response.cookies
    assert response.cookies[portal_svc.DEVICE_COOKIE]["httponly"]


def test_commune_options_are_narrowed_by_province(client, place):
    province, commune_a, commune_b = place
    other = PetitionFactory().territory  # a commune of another province

    response = client.get(reverse("dialogues_public:communes"), {"province": province.code})

    page = text_of(response)
    assert commune_a.name in page
    assert commune_b.name in page
    assert other.name not in page


def test_without_javascript_the_province_step_shows_its_communes(client, place):
    province, commune_a, _ = place

    response = client.post(
        SUBMIT, {"province": province.code, "title": "Giữ lại", "show_communes": "1"}
    )

    page = text_of(response)
    assert response.status_code == 200
    assert f'value="{commune_a.code}"' in page
    assert 'value="Giữ lại"' in page
    assert 'id="error-summary"' not in page
    assert Petition.objects.count() == 0


def test_submit_registers_the_petition_with_files_and_shows_the_receipt(client, place):
    _, commune, _ = place
    data = form_data(commune, attachments=[png(), pdf()])

    response = post(client, data, ip="203.0.113.9")

    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.channel == "portal"
    assert petition.territory == commune
    assert petition.status == PetitionStatus.RECEIVED
    assert petition.consent_at is not None
    assert CODE_RE.match(petition.code)
    assert re.fullmatch(r"[0-9a-f]{64}", petition.source_hash)
    assert "203.0.113.9" not in petition.source_hash
    files = list(Attachment.objects.filter(owner_id=str(petition.pk)))
    assert sorted(f.kind for f in files) == [AttachmentKind.IMAGE, AttachmentKind.PDF]
    assert all(f.uploaded_by is None and not f.is_public for f in files)
    # The raw address is kept nowhere: neither on the petition nor in the audit trail.
    assert not AuditEvent.objects.filter(ip="203.0.113.9").exists()
    receipt = client.get(response["Location"])
    assert svc.format_code(petition.code) in text_of(receipt)


def test_receipt_without_a_submission_goes_back_to_the_form(client):
    response = client.get(reverse("dialogues_public:receipt"))

    assert response.status_code == 302
    assert response["Location"] == SUBMIT


def test_anonymous_submission_keeps_no_personal_data(client, place):
    _, commune, _ = place
    data = form_data(commune, anonymous="on", submitter_name="Ẩn Danh", submitter_phone="")

    response = post(client, data)

    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.anonymous
    assert petition.submitter_name == petition.submitter_phone == petition.submitter_email == ""


BAD_INPUT = [
    ({"title": ""}, "title", "This field is required.", {}),
    ({"title": "x" * 301}, "title", "Enter at most %(limit_value)s characters.", {"limit_value": 300}),
    ({"title": "Ơ"}, "title", "The summary is too short: say in a few words what it is about.", {}),
    ({"content": "Hỏng đèn rồi ạ nhé!!!"}, "content",
     "The description is too short: describe what happened, where and since when.", {}),
    ({"content": "1234567890 " * 5}, "content", "Write in words: this text has no letters.", {}),
    ({"content": "Đèn hỏng quá " + "!" * 15 + " mong sửa giúp ngay"}, "content",
     "Please do not repeat the same character many times in a row.", {}),
    ({"content": "ĐÈN ĐƯỜNG Ở TỔ 3 HỎNG HƠN MỘT THÁNG NAY RỒI SỬA ĐI"}, "content",
     "Please do not write everything in capital letters; it is hard to read.", {}),
    ({"content": "Xem tại http://a.example http://b.example và www.c.example để biết thêm chi tiết"},
     "content",
     "Too many links: include at most %(max)s. Describe the matter in your own words.",
     {"max": 2}),
    ({"category": "weather"}, "category",
     "Select a valid choice. %(value)s is not one of the available choices.", {"value": "weather"}),
    ({"province": ""}, "province", "Choose the province or city.", {}),
    ({"province": "999999"}, "province", "Choose a province from the list.", {}),
    ({"commune": ""}, "commune", "Choose the commune or ward the petition is about.", {}),
    ({"submitter_name": ""}, "submitter_name", "Enter your name, or send anonymously.", {}),
    ({"submitter_phone": "", "submitter_email": ""}, "submitter_phone",
     "Leave a phone number or an e-mail address, or send the petition anonymously.", {}),
    ({"submitter_phone": "12ab"}, "submitter_phone", "Enter a phone number of 9 to 12 digits.", {}),
    ({"submitter_email": "bay@"}, "submitter_email", "Enter a valid e-mail address.", {}),
    ({"consent": None}, "consent",
     "Please agree to the use of your information for handling the petition.", {}),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "field", "message", "values"), BAD_INPUT)
def test_bad_input_gets_a_clear_message_and_writes_nothing(
    client, place, overrides, field, message, values
):
    _, commune, _ = place
    before = counts()

    response = post(client, form_data(commune, **overrides))

    page = text_of(response)
    assert response.status_code == 422
    expected = vi(message, **values)
    assert expected in page
    assert f'<a href="#id_{field}">{expected}</a>' in page  # the summary links to the field
    assert 'aria-invalid="true"' in page
    assert counts() == before


def test_commune_of_another_province_is_refused(client, place):
    _, commune, _ = place
    elsewhere = PetitionFactory().territory
    before = counts()

    response = post(client, form_data(commune, commune=str(elsewhere.code)))

    assert response.status_code == 422
    assert vi("Choose the commune or ward the petition is about.") in text_of(response)
    assert counts() == before


BAD_FILES = [
    (lambda: [pdf(size=5 * 1024 * 1024 + 1)], "“%(name)s” is larger than %(limit)s MB.",
     {"name": "don.pdf", "limit": 5}),
    (lambda: [pdf(f"{i}.pdf") for i in range(4)], "Attach at most %(max)s files.", {"max": 3}),
    (lambda: [pdf(f"{i}.pdf", size=4 * 1024 * 1024) for i in range(3)],
     "The files together are larger than %(limit)s MB.", {"limit": 10}),
    (lambda: [SimpleUploadedFile("ghi-chu.txt", b"just some text")], None, {}),
]  # fmt: skip


@pytest.mark.parametrize(("make_files", "message", "values"), BAD_FILES)
def test_bad_files_get_a_clear_message_and_write_nothing(
    client, place, make_files, message, values
):
    _, commune, _ = place
    before = counts()

    response = post(client, form_data(commune, attachments=make_files()))

    page = text_of(response)
    assert response.status_code == 422
    assert '<a href="#id_attachments">' in page
    if message:
        assert vi(message, **values) in page
    assert counts() == before


def test_a_word_document_is_not_accepted_from_citizens(client, place):
    _, commune, _ = place
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    docx = SimpleUploadedFile("don.docx", buffer.getvalue())
    before = counts()

    response = post(client, form_data(commune, attachments=[docx]))

    assert response.status_code == 422
    assert vi(
        "“%(name)s” is not a photo or a PDF; only photos and PDFs are accepted.", name="don.docx"
    ) in text_of(response)
    assert counts() == before


def test_honeypot_answers_like_a_success_and_writes_nothing(client, place):
    _, commune, _ = place
    before = counts()

    response = post(client, form_data(commune, website="http://spam.example"))

    assert response.status_code == 302
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    shown = re.search(r'class="tracking-code"[^>]*>([^<]+)<', receipt.content.decode()).group(1)
    assert svc.petition_by_code(shown) is None
    assert counts() == before


def test_rate_limit_per_ip_answers_429_and_writes_nothing(client, place):
    _, commune, _ = place
    for _i in range(portal_svc.SUBMIT_PER_IP[0]):
        client.cookies.clear()  # a new device each time: only the address is the same
        assert post(client, form_data(commune), ip="198.51.100.7").status_code == 302
    client.cookies.clear()
    before = counts()

    response = post(client, form_data(commune), ip="198.51.100.7")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert vi(
        "Too many requests from your connection or device. Please wait %(minutes)s minutes "
        "and try again; nothing was saved.",
        minutes=60,
    ) in text_of(response)
    assert counts() == before
    # Another address is still welcome.
    assert post(client, form_data(commune), ip="198.51.100.8").status_code == 302


def test_rate_limit_per_device_answers_429_and_writes_nothing(client, place):
    _, commune, _ = place
    client.get(SUBMIT)  # the first visit gives the device its id
    for i in range(portal_svc.SUBMIT_PER_DEVICE[0]):
        assert post(client, form_data(commune), ip=f"192.0.2.{i + 1}").status_code == 302
    before = counts()

    response = post(client, form_data(commune), ip="192.0.2.200")

    assert response.status_code == 429
    assert counts() == before
    client.cookies.clear()
    assert post(client, form_data(commune), ip="192.0.2.201").status_code == 302


def test_the_proxy_header_names_the_client(client, place):
    _, commune, _ = place
    for _i in range(portal_svc.SUBMIT_PER_IP[0]):
        client.cookies.clear()
        post(client, form_data(commune), ip="10.0.0.1", HTTP_X_REAL_IP="198.51.100.50")
    client.cookies.clear()

    blocked = post(client, form_data(commune), ip="10.0.0.1", HTTP_X_REAL_IP="198.51.100.50")
    other = post(client, form_data(commune), ip="10.0.0.1", HTTP_X_REAL_IP="198.51.100.51")

    assert blocked.status_code == 429
    assert other.status_code == 302


def test_rate_counters_hold_no_raw_address(client, place):
    _, commune, _ = place

    post(client, form_data(commune), ip="198.51.100.77")

    assert RateCounter.objects.exists()
    assert not any(
        "198.51.100.77" in key for key in RateCounter.objects.values_list("key", flat=True)
    )


def test_source_hash_is_the_same_for_one_sender_and_differs_for_another():
    one = portal_svc.Client(ip="1.2.3.4", device="abc")

    assert one.source_hash == portal_svc.Client(ip="1.2.3.4", device="abc").source_hash
    assert one.source_hash != portal_svc.Client(ip="1.2.3.4", device="abd").source_hash
    assert one.source_hash != portal_svc.Client(ip="1.2.3.5", device="abc").source_hash


def test_a_forged_device_cookie_is_replaced(client, place):
    client.cookies[portal_svc.DEVICE_COOKIE] = "forged"

    response = client.get(SUBMIT)

    assert response.cookies[portal_svc.DEVICE_COOKIE].value != "forged"


# --- all or nothing ---------------------------------------------------------------------------


def test_a_bad_file_found_while_storing_leaves_no_petition_and_no_file(place, settings):
    _, commune, _ = place
    broken = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"broken" * 50)
    data = svc.PetitionData(
        title="Đèn đường tổ 3 bị hỏng",
        content="Đèn đường ở tổ 3 khu phố 2 đã hỏng hơn một tháng nay, buổi tối rất tối.",
        category=Category.INFRASTRUCTURE,
        channel="portal",
        territory=commune,
        submitter_name="Nguyễn Thị Bảy",
        submitter_phone="0912345678",
    )
    stored_before = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    before = counts()

    with pytest.raises(DomainError):
        portal_svc.portal_submit(
            data=data,
            consent=True,
            files=[png(), broken],
            client=portal_svc.Client(ip="1.1.1.1", device="d"),
        )

    assert counts() == before
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == stored_before
    assert not RateCounter.objects.filter(key__startswith="portal-submit").exists()


def test_citizen_file_is_checked_never_public_and_has_no_uploader(place):
    petition = PetitionFactory(territory=place[1])

    stored = attachments.attachment_add_from_citizen(owner=petition, uploaded_file=png())

    assert stored.uploaded_by is None
    assert not stored.is_public
    assert stored.kind == AttachmentKind.IMAGE
    with pytest.raises(DomainError):
        attachments.attachment_add_from_citizen(
            owner=petition,
            uploaded_file=SimpleUploadedFile("a.txt", b"hello"),
        )
    with pytest.raises(DomainError):
        attachments.attachment_add_from_citizen(
            owner=petition, uploaded_file=png(), kinds=(AttachmentKind.PDF,)
        )
    Petition.objects.filter(pk=petition.pk).update(
        status=PetitionStatus.ANSWERED, answer="Đã xử lý"
    )
    petition.refresh_from_db()
    assert list(attachments.public_attachments_for(petition)) == []


# --- tracking codes ---------------------------------------------------------------------------


def test_tracking_codes_are_random_and_not_sequential(place):
    _, commune, _ = place
    generated = [svc.new_code() for _ in range(5000)]
    made = [
        svc.petition_submit_public(
            data=svc.PetitionData(
                title=f"Kiến nghị số {i}",
                content="Đường làng bị sạt lở sau mưa lớn, đề nghị gia cố sớm giúp bà con.",
                category=Category.INFRASTRUCTURE,
                channel="portal",
                territory=commune,
                anonymous=True,
            ),
            consent=True,
        ).code
        for i in range(25)
    ]

    assert len(set(generated)) == len(generated)
    assert all(CODE_RE.match(code) for code in generated + made)
    assert len(set(made)) == len(made)
    values = [int(code.translate(str.maketrans(svc.CODE_ALPHABET, "0123456789abcdefghijklmnopqrstuv")), 32) for code in made]  # fmt: skip
    steps = {b - a for a, b in itertools.pairwise(values)}
    assert len(steps) > 20  # no fixed step between consecutive codes
    assert values != sorted(values)
    # Every position uses many symbols: no fixed prefix, date or counter.
    for position in range(svc.CODE_LENGTH):
        assert len({code[position] for code in generated}) == len(svc.CODE_ALPHABET)


# --- tracking page ----------------------------------------------------------------------------


def _answered(commune, **kw):
    officer = user_with_role("officer", commune)
    petition = PetitionFactory(
        territory=commune,
        channel="portal",
        submitter_name="Hoàng Văn Riêng",
        submitter_phone="0987654321",
        submitter_id_number="001203004567",
        submitter_email="rieng@example.org",
        address="Số 99 ngõ Bí Mật",
        content="Nội dung riêng tư của người dân về tranh chấp đất đai với hàng xóm.",
        **kw,
    )
    petition = svc.petition_assign(
        petition=petition, agency=officer.organisation, officer=officer, actor=officer
    )
    return officer, petition


def track(client, code, **extra):
    return client.post(TRACK, {"code": code}, HTTP_ACCEPT_LANGUAGE="vi", **extra)


def test_tracking_shows_only_public_fields(client, place):
    _, commune, _ = place
    officer, petition = _answered(commune)
    svc.petition_answer(petition=petition, answer="Đã lắp lại đèn ngày 5/3.", actor=officer)

    response = track(client, svc.format_code(petition.code).lower())

    page = text_of(response)
    assert response.status_code == 200
    assert petition.title in page
    assert "Đã lắp lại đèn ngày 5/3." in page
    assert officer.organisation.name in page
    for secret in ("Hoàng Văn Riêng", "0987654321", "001203004567", "rieng@example.org",
                   "Số 99 ngõ Bí Mật", "tranh chấp đất đai", officer.username):  # fmt: skip
        assert secret not in page


def test_answer_shows_only_after_the_officer_answers(client, place):
    _, commune, _ = place
    officer, petition = _answered(commune)

    before = text_of(track(client, petition.code))
    svc.petition_answer(petition=petition, answer="Phường sẽ sửa trong tuần tới.", actor=officer)
    after = text_of(track(client, petition.code))

    assert "Phường sẽ sửa trong tuần tới." not in before
    assert vi("Sent to the agency that will handle it.") in before
    assert "Phường sẽ sửa trong tuần tới." in after
    assert vi("Answered.") in after
    assert 'name="satisfaction"' in after


def test_a_private_answer_is_not_shown(client, place):
    _, commune, _ = place
    officer, petition = _answered(commune)
    svc.petition_answer(petition=petition, answer="Trả lời riêng.", actor=officer, public=False)

    page = text_of(track(client, petition.code))

    assert "Trả lời riêng." not in page
    assert (
        vi(
            "The agency answered you directly (by letter, phone or in person); "
            "the answer is not published here."
        )
        in page
    )


@pytest.mark.parametrize("code", ["", "ABC", "0000-0000-0000", "kn4x 7q2m 9d0a!", "' OR 1=1 --"])
def test_unknown_or_malformed_code_says_not_found_with_no_hint(client, place, code):
    PetitionFactory(territory=place[1])

    response = track(client, code)

    assert response.status_code in {404, 422}
    page = text_of(response)
    if code:
        assert response.status_code == 404
        assert vi("No petition was found with this code.") in page
    else:
        assert vi("Enter the tracking code.") in page
    assert 'id="petition-h"' not in page


def test_spam_is_not_found(client, place):
    petition = PetitionFactory(territory=place[1], status=PetitionStatus.SPAM)

    assert track(client, petition.code).status_code == 404


def test_lookup_rate_limit_answers_429(client, place):
    petition = PetitionFactory(territory=place[1])
    for _i in range(portal_svc.LOOKUP_PER_IP[0]):
        assert track(client, "0000-0000-0000", REMOTE_ADDR="10.9.9.9").status_code == 404

    response = track(client, petition.code, REMOTE_ADDR="10.9.9.9")

    assert response.status_code == 429
    assert petition.title not in text_of(response)


def test_dissatisfied_feedback_reopens_the_petition(client, place):
    _, commune, _ = place
    officer, petition = _answered(commune)
    svc.petition_answer(petition=petition, answer="Đã xử lý xong.", actor=officer)
    audit_before = AuditEvent.objects.count()

    missing_note = client.post(
        FEEDBACK, {"code": petition.code, "satisfaction": "dissatisfied"}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    petition.refresh_from_db()
    assert missing_note.status_code == 422
    assert vi("Please say what is missing from the answer.") in text_of(missing_note)
    assert petition.status == PetitionStatus.ANSWERED
    assert AuditEvent.objects.count() == audit_before

    response = client.post(
        FEEDBACK,
        {"code": petition.code, "satisfaction": "dissatisfied", "note": "Đèn vẫn chưa sáng."},
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    petition.refresh_from_db()
    assert response.status_code == 200
    assert petition.status == PetitionStatus.IN_PROGRESS
    assert petition.reopen_count == 1
    assert petition.satisfaction == "dissatisfied"
    assert vi("The petition has been reopened and the agency will look at it again.") in text_of(
        response
    )


def test_satisfied_feedback_is_kept_and_asked_only_once(client, place):
    _, commune, _ = place
    officer, petition = _answered(commune)
    svc.petition_answer(petition=petition, answer="Đã xử lý xong.", actor=officer)

    client.post(FEEDBACK, {"code": petition.code, "satisfaction": "satisfied"})
    again = client.post(
        FEEDBACK, {"code": petition.code, "satisfaction": "partly"}, HTTP_ACCEPT_LANGUAGE="vi"
    )

    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ANSWERED
    assert petition.satisfaction == "satisfied"
    assert 'name="satisfaction"' not in text_of(again)


def test_feedback_on_an_unknown_code_is_not_found(client, place):
    response = client.post(FEEDBACK, {"code": "0000-0000-0000", "satisfaction": "satisfied"})

    assert response.status_code == 404


# --- public lists -----------------------------------------------------------------------------


def test_answered_list_shows_answers_without_personal_data(
    client, place, django_assert_max_num_queries
):
    province, commune_a, commune_b = place
    officer, shown = _answered(commune_a, category=Category.LAND)
    svc.petition_answer(petition=shown, answer="Công khai: đã đo đạc lại.", actor=officer)
    officer_b, private = _answered(commune_b)
    svc.petition_answer(petition=private, answer="Không công khai.", actor=officer_b, public=False)
    open_one = PetitionFactory(territory=commune_a, title="Chưa trả lời")
    url = reverse("dialogues_public:answered")

    with django_assert_max_num_queries(8):
        response = client.get(url)
    filtered_out = client.get(url, {"province": province.code, "unit": commune_b.code})
    by_field = client.get(url, {"field": Category.ENVIRONMENT})

    page = text_of(response)
    assert shown.title in page
    assert "Công khai: đã đo đạc lại." in page
    assert "Không công khai." not in page
    assert open_one.title not in page
    for secret in ("Hoàng Văn Riêng", "0987654321", "001203004567", "Số 99 ngõ Bí Mật"):
        assert secret not in page
    assert shown.title not in text_of(filtered_out)
    assert shown.title not in text_of(by_field)
    assert (
        response["Cache-Control"].startswith("max-age=300") or "public" in response["Cache-Control"]
    )


def test_upcoming_conferences_list_planned_ones_only(client, place):
    _, commune, _ = place
    soon = ConferenceFactory(
        territory=commune,
        topic="Đối thoại về rác thải",
        starts_at=timezone.now() + timedelta(days=3),
    )
    past = ConferenceFactory(territory=commune, topic="Đã họp rồi")
    cancelled = ConferenceFactory(
        territory=commune,
        topic="Bị hoãn",
        starts_at=timezone.now() + timedelta(days=5),
        status=ConferenceStatus.CANCELLED,
    )

    page = text_of(client.get(reverse("dialogues_public:conferences")))

    assert soon.topic in page
    assert commune.parent.name in page
    assert past.topic not in page
    assert cancelled.topic not in page
