"""The public showcase: recognised models only, only what the recognition published, no login."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from danvan.accounts.tests.factories import UserFactory, user_with_role
from danvan.core.attachments import attachment_add
from danvan.initiatives.models import (
    Entry,
    Field,
    Indicator,
    IndicatorKind,
    Kind,
    Level,
    Recognition,
    ScoreSheet,
    Status,
    Subject,
)
from danvan.initiatives.tests.factories import (
    CouncilMemberFactory,
    InitiativeFactory,
    ReviewRoundFactory,
)
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HIDDEN_STATUSES = [s for s in Status.values if s != Status.RECOGNISED]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def showcase(place, settings, tmp_path):
    """One model in each status in commune A; the recognised one also carries internal data
    (score, score sheet with a remark, council member, status note) that must stay inside."""
    settings.MEDIA_ROOT = tmp_path
    province, commune, _other = place
    organisation = OrganisationFactory(territory=commune, name="Hội Nông dân xã Đông Triều")
    author = UserFactory(full_name="Trần Người Nhập")
    models = {
        status: InitiativeFactory(
            name=f"Mô hình {status} đường hoa",
            territory=commune,
            organisation=organisation,
            status=status,
            level=Level.PROVINCE if status == Status.RECOGNISED else "",
            created_by=author,
        )
        for status in Status.values
    }
    recognised = models[Status.RECOGNISED]
    recognised.name = "Đường hoa tự quản"
    recognised.search_text = "duong hoa tu quan nguoi dan tu trong hoa"
    recognised.problem = "Đường làng nhếch nhác."
    recognised.score = Decimal("87.25")
    recognised.status_note = "Ghi chú nội bộ không công bố"
    recognised.save()
    Recognition.objects.create(
        initiative=recognised,
        level=Level.PROVINCE,
        year=2024,
        decision_number="123-QĐ/TU",
        decision_date=date(2024, 9, 2),
        issuer=OrganisationFactory(territory=province, name="Tỉnh ủy Quảng Ninh"),
        score=Decimal("87.25"),
        territory=commune,
        subject=recognised.subject,
        kind=recognised.kind,
        field=recognised.field,
    )
    Indicator.objects.create(
        initiative=recognised,
        kind=IndicatorKind.objects.get(code="households"),
        value=Decimal(120),
    )
    member = CouncilMemberFactory(user=UserFactory(full_name="Lê Thành Viên Hội Đồng"))
    entry = Entry.objects.create(
        review_round=ReviewRoundFactory(council=member.council),
        initiative=recognised,
        level=Level.PROVINCE,
        average=Decimal("87.25"),
    )
    ScoreSheet.objects.create(
        entry=entry,
        member=member,
        values={"a": 9},
        total=Decimal("87.25"),
        comment="Nhận xét kín của hội đồng",
    )
    officer = user_with_role("officer", commune)
    attachment_add(
        owner=recognised,
        uploaded_file=SimpleUploadedFile("anh-cong-khai.png", png_bytes()),
        actor=officer,
        caption="Ảnh công khai",
        is_public=True,
    )
    attachment_add(
        owner=recognised,
        uploaded_file=SimpleUploadedFile("ho-so-noi-bo.png", png_bytes()),
        actor=officer,
        caption="Hồ sơ nội bộ",
    )
    return models


INTERNAL = [
    "87,25",
    "87.25",
    "Ghi chú nội bộ không công bố",
    "Nhận xét kín của hội đồng",
    "Lê Thành Viên Hội Đồng",
    "Trần Người Nhập",
    "Hồ sơ nội bộ",
]


def test_list_shows_only_recognised_models_without_login(client, showcase):
    response = client.get(reverse("showcase:list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Đường hoa tự quản" in body
    for status in HIDDEN_STATUSES:
        assert showcase[status].name not in body


def test_pages_may_be_cached_publicly_for_five_minutes(client, showcase, place):
    recognised = showcase[Status.RECOGNISED]
    for url in (
        reverse("showcase:list"),
        reverse("showcase:detail", args=[recognised.pk]),
        reverse("showcase:province", args=[place[0].code]),
    ):
        cache_control = client.get(url)["Cache-Control"]
        assert "public" in cache_control
        assert "max-age=300" in cache_control


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_detail_of_a_model_not_recognised_is_not_found(client, showcase, status):
    pk = showcase[status].pk

    assert client.get(reverse("showcase:detail", args=[pk])).status_code == 404
    assert client.get(f"/api/v1/public/models/{pk}").status_code == 404


def test_detail_shows_what_the_recognition_published_and_nothing_internal(client, showcase):
    recognised = showcase[Status.RECOGNISED]

    body = client.get(reverse("showcase:detail", args=[recognised.pk])).content.decode()

    for published in ("Đường hoa tự quản", "Đường làng nhếch nhác.", "123-QĐ/TU", "02/09/2024"):
        assert published in body
    assert "Tỉnh ủy Quảng Ninh" in body
    assert "Hội Nông dân xã Đông Triều" in body
    assert "Ảnh công khai" in body
    attachment_url = reverse("core:attachment-public", args=[1])[: -len("1/")]
    assert attachment_url in body
    for secret in INTERNAL:
        assert secret not in body
    assert "Score" not in body


def test_individual_model_shows_the_person_collective_does_not(client, place):
    commune = place[1]
    individual = InitiativeFactory(
        territory=commune,
        status=Status.RECOGNISED,
        level=Level.COMMUNE,
        subject=Subject.INDIVIDUAL,
        person_name="Phạm Thị Gương Mẫu",
    )
    collective = InitiativeFactory(
        territory=commune,
        status=Status.RECOGNISED,
        level=Level.COMMUNE,
        subject=Subject.COLLECTIVE,
        person_name="Người Đại Diện Tập Thể",
    )

    shown = client.get(reverse("showcase:detail", args=[individual.pk])).content.decode()
    other = client.get(reverse("showcase:detail", args=[collective.pk])).content.decode()
    api = client.get(f"/api/v1/public/models/{collective.pk}").json()

    assert "Phạm Thị Gương Mẫu" in shown
    assert "Người Đại Diện Tập Thể" not in other
    assert api["person_name"] == ""


def test_search_ignores_accents_and_filters_narrow(client, showcase):
    recognised = showcase[Status.RECOGNISED]
    other_field = Field.objects.exclude(pk=recognised.field_id).first()

    found = client.get(reverse("showcase:list"), {"q": "duong hoa"}).content.decode()
    missed = client.get(reverse("showcase:list"), {"q": "cau tre"}).content.decode()
    by_field = client.get(reverse("showcase:list"), {"field": other_field.code}).content.decode()
    by_level = client.get(reverse("showcase:list"), {"level": Level.PROVINCE}).content.decode()

    assert "Đường hoa tự quản" in found
    assert "Đường hoa tự quản" not in missed
    assert "Đường hoa tự quản" not in by_field
    assert "Đường hoa tự quản" in by_level


def test_list_filters_by_province_and_paginates(client, place, settings):
    settings.DANVAN_PAGE_SIZE = 2
    province, commune, _ = place
    for n in range(3):
        InitiativeFactory(
            name=f"Mô hình số {n}", territory=commune, status=Status.RECOGNISED, level="xa"
        )
    elsewhere = InitiativeFactory(name="Mô hình tỉnh khác", status=Status.RECOGNISED, level="xa")

    first = client.get(reverse("showcase:list"), {"province": province.code})
    second = client.get(reverse("showcase:list"), {"province": province.code, "page": 2})

    assert first.context["page"].paginator.count == 3
    assert len(second.context["page"]) == 1
    assert elsewhere.name not in first.content.decode() + second.content.decode()


def test_province_page_counts_recognised_models_by_field_and_level(client, showcase, place):
    province = place[0]
    InitiativeFactory(territory=place[2], status=Status.RECOGNISED, level=Level.COMMUNE)

    response = client.get(reverse("showcase:province", args=[province.code]))

    counts = response.context["counts"]
    assert counts.total == 2
    assert {lv: n for lv, _label, n in counts.by_level} == {Level.COMMUNE: 1, Level.PROVINCE: 1}
    body = response.content.decode()
    for status in HIDDEN_STATUSES:
        assert showcase[status].name not in body


def test_unknown_province_is_not_found(client, place):
    assert client.get(reverse("showcase:province", args=[999999])).status_code == 404
    assert client.get("/api/v1/public/models/provinces/999999").status_code == 404


def test_api_list_needs_no_login_and_shows_only_recognised(client, showcase):
    answer = client.get("/api/v1/public/models").json()

    names = [item["name"] for item in answer["items"]]
    assert names == ["Đường hoa tự quản"]
    assert answer["count"] == 1
    assert "score" not in answer["items"][0]


def test_api_detail_has_recognitions_indicators_and_public_files_only(client, showcase):
    recognised = showcase[Status.RECOGNISED]

    answer = client.get(f"/api/v1/public/models/{recognised.pk}").json()

    assert answer["recognitions"][0]["decision_number"] == "123-QĐ/TU"
    assert answer["recognitions"][0]["issuer"] == "Tỉnh ủy Quảng Ninh"
    assert "score" not in answer["recognitions"][0]
    assert answer["indicators"][0]["kind"] == "households"
    assert [a["caption"] for a in answer["attachments"]] == ["Ảnh công khai"]
    text = str(answer)
    for secret in INTERNAL:
        assert secret not in text
    for key in ("score", "status", "status_note", "created_by"):
        assert key not in answer


def test_api_filters_and_province_counts(client, showcase, place):
    province = place[0]

    by_query = client.get("/api/v1/public/models", {"q": "DUONG HOA"}).json()
    by_kind = client.get("/api/v1/public/models", {"kind": Kind.EXEMPLAR}).json()
    by_province = client.get("/api/v1/public/models", {"province": province.code}).json()
    bad_province = client.get("/api/v1/public/models", {"province": 999999})
    counts = client.get(f"/api/v1/public/models/provinces/{province.code}").json()

    assert by_query["count"] == 1
    assert by_kind["count"] == 0
    assert by_province["count"] == 1
    assert bad_province.status_code == 422
    assert counts["total"] == 1
    assert counts["by_level"] == [{"code": "tinh", "name": "Provincial level", "count": 1}]


def test_public_attachment_link_downloads_without_login(client, showcase):
    recognised = showcase[Status.RECOGNISED]
    url = client.get(f"/api/v1/public/models/{recognised.pk}").json()["attachments"][0]["url"]

    assert client.get(url).status_code == 200
