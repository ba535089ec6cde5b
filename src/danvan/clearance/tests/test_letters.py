"""The donor's thank-you letter: Word and PDF files attached to the donation, date recorded."""

import io
from datetime import date
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance import letters
from danvan.clearance.tests.factories import DonationFactory
from danvan.core import attachments
from danvan.core.errors import DomainError
from danvan.core.models import Attachment, AttachmentKind
from danvan.organisations.tests.factories import OrganisationFactory, OrganisationKindFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(place):
    _province, commune_a, _commune_b = place
    return {
        "officer": user_with_role("officer", commune_a),
        "viewer": user_with_role("viewer", commune_a),
        "commune": commune_a,
    }


@pytest.fixture
def donation(people):
    return DonationFactory(
        territory=people["commune"],
        donor_name="Hộ ông Lê Văn An",
        address="Khối phố 5",
        area=Decimal("120.5"),
        value=51_815_000,
        works_name="Kiệt 12 Phan Bội Châu",
        donated_on=date(2025, 3, 5),
    )


def letter_data(**changes) -> letters.LetterData:
    values = {
        "issuer_kind": "peoples_committee",
        "signer_name": "Nguyễn Văn Chủ Tịch",
        "signer_position": "Chủ tịch",
        "letter_date": date(2025, 3, 20),
    }
    values.update(changes)
    return letters.LetterData(**values)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def stored_bytes(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


def test_letter_names_the_donor_the_area_and_the_value(donation, people):
    files = letters.letter_issue(donation=donation, data=letter_data(), actor=people["officer"])

    by_kind = {f.kind: f for f in files}
    assert set(by_kind) == {AttachmentKind.DOCX, AttachmentKind.PDF}
    text = docx_text(stored_bytes(by_kind[AttachmentKind.DOCX]))
    assert "Hộ ông Lê Văn An" in text
    assert "120,5 m²" in text
    assert "51.815.000" in text
    assert "Kiệt 12 Phan Bội Châu" in text
    assert "Nguyễn Văn Chủ Tịch" in text
    # Place and date in the official style, the place without its "Phường".
    assert "Đông Triều, ngày 20 tháng 3 năm 2025" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    pdf = stored_bytes(by_kind[AttachmentKind.PDF])
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000
    assert all(f.is_generated and not f.is_public for f in files)
    assert list(attachments.attachments_for(donation)) != []


def test_letter_marks_the_donation_thanked_and_is_audited(donation, people):
    letters.letter_issue(donation=donation, data=letter_data(), actor=people["officer"])

    donation.refresh_from_db()
    assert donation.thanked_on == date(2025, 3, 20)
    event = AuditEvent.objects.filter(
        object_type="clearance.donation", object_id=str(donation.pk)
    ).latest("id")
    assert "thanked_on" in event.changes


def test_letter_is_issued_by_the_units_recorded_organisation(donation, people):
    OrganisationFactory(
        territory=people["commune"],
        kind=OrganisationKindFactory(code="fatherland_front", name_vi="MTTQ", name_en="Front"),
        name="Ủy ban Mặt trận Tổ quốc Việt Nam phường Đông Triều",
    )

    document = letters.build_letter(donation, letter_data(issuer_kind="fatherland_front"))

    assert document.issuer == "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM PHƯỜNG ĐÔNG TRIỀU"
    assert document.style == "state"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"letter_date": date(2025, 3, 1)}, "thanked_on"),  # before the donation
        ({"letter_date": date(2999, 1, 1)}, "thanked_on"),
        ({"signer_name": "  "}, "signer_name"),
        ({"issuer_kind": "police"}, "issuer"),
    ],
)
def test_bad_letter_leaves_nothing_behind(donation, people, changes, field):
    with pytest.raises(DomainError) as refused:
        letters.letter_issue(
            donation=donation, data=letter_data(**changes), actor=people["officer"]
        )

    assert refused.value.field == field
    donation.refresh_from_db()
    assert donation.thanked_on is None
    assert not Attachment.objects.exists()


def test_viewer_may_not_issue_a_letter(donation, people):
    with pytest.raises(PermissionDenied):
        letters.letter_issue(donation=donation, data=letter_data(), actor=people["viewer"])

    assert not Attachment.objects.exists()


def test_letter_button_attaches_the_files(client, donation, people):
    client.force_login(people["officer"])

    response = client.post(
        reverse("clearance:donation-letter", args=[donation.pk]),
        {
            "issuer": "peoples_committee",
            "signer_name": "Nguyễn Văn Chủ Tịch",
            "signer_position": "Chủ tịch",
            "letter_date": "20/03/2025",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("clearance:donation-detail", args=[donation.pk])
    donation.refresh_from_db()
    assert donation.thanked_on == date(2025, 3, 20)
    names = sorted(a.original_name for a in Attachment.objects.all())
    assert names == ["thu-cam-on-ho-ong-le-van-an.docx", "thu-cam-on-ho-ong-le-van-an.pdf"]
    page = client.get(response.url)
    assert "thu-cam-on-ho-ong-le-van-an.pdf" in page.text


def test_letter_form_errors_are_shown_and_nothing_is_written(client, donation, people):
    client.force_login(people["officer"])

    response = client.post(
        reverse("clearance:donation-letter", args=[donation.pk]),
        {
            "issuer": "peoples_committee",
            "signer_name": "Nguyễn Văn Chủ Tịch",
            "signer_position": "Chủ tịch",
            "letter_date": "01/03/2025",
        },
    )

    assert response.status_code == 400
    assert "The letter cannot be dated before the donation." in response.text
    donation.refresh_from_db()
    assert donation.thanked_on is None
    assert not Attachment.objects.exists()
