"""Donation pages: scoped list with filters and totals, forms that refuse bad input, rights."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance.models import Donation, WorksKind
from danvan.clearance.tests.factories import DonationFactory, HouseholdFactory, ProjectFactory
from danvan.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(place):
    province, commune_a, commune_b = place
    return {
        "officer": user_with_role("officer", commune_a),
        "viewer": user_with_role("viewer", commune_a),
        "province_viewer": user_with_role("viewer", province),
        "province": province,
        "commune": commune_a,
        "elsewhere": commune_b,
    }


def signed_in(client, user, language: str = "en"):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def donation_post(people, **changes) -> dict:
    data = {
        "donor_name": "Hộ ông Lê Văn An",
        "address": "Khối phố 5",
        "territory": str(people["commune"].pk),
        "area": "120,5",
        "value": "51.815.000",
        "works_kind": WorksKind.ALLEY,
        "works_name": "Kiệt 12 Phan Bội Châu",
        "donated_on": "05/03/2025",
        "project_code": "",
        "household_code": "",
    }
    data.update(changes)
    return data


# --- List ---------------------------------------------------------------------------------------


def test_list_shows_donations_in_scope_with_their_totals(client, people):
    DonationFactory(
        territory=people["commune"],
        donor_name="Hộ bà Trần Thị Bình",
        area=Decimal("90000"),
        value=38_000_000_000,
    )
    DonationFactory(
        territory=people["commune"],
        donor_name="Hộ ông Phạm Cường",
        area=Decimal("3000"),
        value=2_000_000_000,
    )
    DonationFactory(
        territory=people["elsewhere"],
        donor_name="Hộ ngoài phạm vi",
        area=Decimal("777"),
        value=999_000_000,
    )

    response = signed_in(client, people["viewer"], "vi").get(reverse("clearance:donation-list"))

    assert response.status_code == 200
    assert response.context["totals"] == {
        "count": 2,
        "area": Decimal("93000"),
        "value": 40_000_000_000,
    }
    page = response.text
    assert "93.000 m²" in page
    assert "40 tỷ đồng" in page
    assert "Hộ bà Trần Thị Bình" in page
    assert "Hộ ngoài phạm vi" not in page


def test_list_filters_by_unit_year_and_search(client, people):
    ward = CommuneFactory(parent=people["province"], name="Phường Hương Trà")
    DonationFactory(
        territory=people["commune"], donor_name="Hộ Lê Năm Hai Lăm", donated_on=date(2025, 1, 2)
    )
    DonationFactory(
        territory=people["commune"], donor_name="Hộ Lê Năm Hai Tư", donated_on=date(2024, 6, 1)
    )
    DonationFactory(
        territory=ward, donor_name="Hộ Hương Trà", donated_on=date(2025, 2, 2), area=Decimal("10")
    )
    client = signed_in(client, people["province_viewer"])
    url = reverse("clearance:donation-list")

    by_year = client.get(url, {"year": "2025"})
    by_unit = client.get(url, {"territory": ward.pk})
    by_search = client.get(url, {"q": "le nam hai tu"})

    assert {d.donor_name for d in by_year.context["page"]} == {"Hộ Lê Năm Hai Lăm", "Hộ Hương Trà"}
    assert [d.donor_name for d in by_unit.context["page"]] == ["Hộ Hương Trà"]
    assert by_unit.context["totals"]["area"] == Decimal("10")
    assert [d.donor_name for d in by_search.context["page"]] == ["Hộ Lê Năm Hai Tư"]


def test_list_ignores_a_unit_outside_scope(client, people):
    DonationFactory(territory=people["elsewhere"], donor_name="Hộ ngoài phạm vi")

    response = signed_in(client, people["viewer"]).get(
        reverse("clearance:donation-list"), {"territory": people["elsewhere"].pk, "year": "abc"}
    )

    assert response.status_code == 200
    assert "Hộ ngoài phạm vi" not in response.text


def test_htmx_filter_answers_with_the_table_only(client, people):
    DonationFactory(territory=people["commune"], donor_name="Hộ ông Lê Văn An")

    response = signed_in(client, people["viewer"]).get(
        reverse("clearance:donation-list"),
        {"q": "an"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="donation-table",
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="donation-table">')
    assert "Hộ ông Lê Văn An" in response.text


# --- Detail and rights --------------------------------------------------------------------------


def test_detail_outside_scope_is_not_found(client, people):
    outside = DonationFactory(territory=people["elsewhere"])
    client = signed_in(client, people["officer"])

    for name in ("donation-detail", "donation-edit"):
        assert client.get(reverse(f"clearance:{name}", args=[outside.pk])).status_code == 404
    for name in ("donation-edit", "donation-delete", "donation-letter"):
        assert client.post(reverse(f"clearance:{name}", args=[outside.pk])).status_code == 404
    assert Donation.objects.filter(pk=outside.pk).exists()


def test_viewer_sees_a_donation_but_may_not_change_it(client, people):
    donation = DonationFactory(territory=people["commune"], donor_name="Hộ ông Lê Văn An")
    client = signed_in(client, people["viewer"])

    detail = client.get(reverse("clearance:donation-detail", args=[donation.pk]))

    assert detail.status_code == 200
    assert "Hộ ông Lê Văn An" in detail.text
    assert reverse("clearance:donation-letter", args=[donation.pk]) not in detail.text
    assert client.get(reverse("clearance:donation-create")).status_code == 403
    assert (
        client.post(reverse("clearance:donation-create"), donation_post(people)).status_code == 403
    )
    edit = reverse("clearance:donation-edit", args=[donation.pk])
    assert client.post(edit, donation_post(people, donor_name="Đổi")).status_code == 403
    assert client.post(reverse("clearance:donation-delete", args=[donation.pk])).status_code == 403
    letter = {
        "issuer": "peoples_committee",
        "signer_name": "A",
        "signer_position": "Chủ tịch",
        "letter_date": "06/03/2025",
    }
    assert (
        client.post(reverse("clearance:donation-letter", args=[donation.pk]), letter).status_code
        == 403
    )
    donation.refresh_from_db()
    assert donation.donor_name == "Hộ ông Lê Văn An"
    assert donation.thanked_on is None
    assert Donation.objects.count() == 1


# --- Create, edit, delete -----------------------------------------------------------------------


def test_officer_records_a_donation_written_the_vietnamese_way(client, people):
    project = ProjectFactory(territory=people["commune"], code="DA-KIET12")
    household = HouseholdFactory(project=project, code="H-07")

    response = signed_in(client, people["officer"]).post(
        reverse("clearance:donation-create"),
        donation_post(people, project_code="DA-KIET12", household_code="H-07"),
    )

    donation = Donation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("clearance:donation-detail", args=[donation.pk])
    assert donation.area == Decimal("120.5")
    assert donation.value == 51_815_000
    assert donation.donated_on == date(2025, 3, 5)
    assert (donation.project, donation.household) == (project, household)
    assert AuditEvent.objects.filter(
        object_type="clearance.donation", object_id=str(donation.pk)
    ).exists()


def test_money_in_short_form_is_accepted(client, people):
    signed_in(client, people["officer"]).post(
        reverse("clearance:donation-create"), donation_post(people, value="1,2 tỷ", area="0,5 ha")
    )

    donation = Donation.objects.get()
    assert donation.value == 1_200_000_000
    assert donation.area == Decimal("5000")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"area": "0"}, "Enter an area greater than zero."),
        ({"area": "rộng"}, "is not an area"),
        ({"area": "12,345"}, "Give the area to at most two decimals."),
        ({"value": "-5.000"}, "The amount cannot be negative."),
        ({"value": "năm triệu"}, "is not an amount of money"),
        ({"value": "99999999 tỷ"}, "The amount is too large."),
        ({"donated_on": "31/02/2025"}, "Enter a date as dd/mm/yyyy."),
        (
            {"donated_on": (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")},
            "Enter the date; it cannot be in the future.",
        ),
        ({"works_kind": "bridge"}, "Select a valid choice."),
        ({"donor_name": "   "}, "This field is required."),
        ({"project_code": "DA-KHONG-CO"}, "No project with this code in your scope."),
        ({"household_code": "H-1"}, "Give the project the household belongs to."),
        ({"territory": "", "q": ""}, "Choose the administrative unit."),
    ],
)
def test_donation_form_refuses_bad_input_and_writes_nothing(client, people, changes, message):
    response = signed_in(client, people["officer"]).post(
        reverse("clearance:donation-create"), donation_post(people, **changes)
    )

    assert response.status_code == 400
    assert message in response.text
    assert not Donation.objects.exists()
    assert not AuditEvent.objects.filter(object_type="clearance.donation").exists()


def test_project_outside_scope_is_refused_without_naming_it(client, people):
    ProjectFactory(territory=people["elsewhere"], code="DA-NGOAI")

    response = signed_in(client, people["officer"]).post(
        reverse("clearance:donation-create"), donation_post(people, project_code="DA-NGOAI")
    )

    assert response.status_code == 400
    assert "No project with this code in your scope." in response.text
    assert not Donation.objects.exists()


def test_officer_edits_and_deletes_a_donation(client, people):
    donation = DonationFactory(territory=people["commune"], area=Decimal("50"))
    client = signed_in(client, people["officer"])

    form = client.get(reverse("clearance:donation-edit", args=[donation.pk]))
    edited = client.post(
        reverse("clearance:donation-edit", args=[donation.pk]),
        donation_post(people, area="75,25", value="30.000.000"),
    )

    assert form.status_code == 200
    assert edited.status_code == 302
    donation.refresh_from_db()
    assert (donation.area, donation.value) == (Decimal("75.25"), 30_000_000)

    deleted = client.post(reverse("clearance:donation-delete", args=[donation.pk]))

    assert deleted.status_code == 302
    assert deleted.url == reverse("clearance:donation-list")
    assert not Donation.objects.exists()


def test_list_queries_do_not_grow_with_the_rows(client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(client, people["viewer"])
    url = reverse("clearance:donation-list")
    DonationFactory(
        territory=people["commune"], project=ProjectFactory(territory=people["commune"])
    )
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        DonationFactory(
            territory=people["commune"], project=ProjectFactory(territory=people["commune"])
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)
