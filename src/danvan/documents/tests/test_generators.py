import pytest
from django.db.models import F

from danvan.accounts.tests.factories import UserFactory
from danvan.core.demo.registry import GenerationRun
from danvan.documents import selectors
from danvan.documents.generators import DEMO_PROVINCE_TOTAL, generate_documents
from danvan.documents.models import DocumentRelation, GuidanceDocument
from danvan.organisations.tests.factories import OrganisationFactory, OrganisationKindFactory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    quang_ninh = ProvinceFactory(code=22, name="Tỉnh Quảng Ninh")
    communes = [
        CommuneFactory(parent=quang_ninh, name=f"Phường {n}") for n in ("Đông Triều", "Mạo Khê")
    ]
    kind = OrganisationKindFactory
    OrganisationFactory(
        territory=quang_ninh, name="Tỉnh ủy Quảng Ninh", kind=kind(code="party_committee")
    )
    OrganisationFactory(
        territory=quang_ninh, name="Ban Tuyên giáo và Dân vận Tỉnh ủy Quảng Ninh",
        kind=kind(code="mass_mobilisation_commission"),
    )  # fmt: skip
    for commune in communes:
        OrganisationFactory(
            territory=commune, name=f"Đảng ủy {commune.name}", kind=kind(code="party_committee")
        )
    admin = UserFactory(is_superuser=True)
    return GenerationRun(scale="demo", seed=2025, provinces=[quang_ninh], communes=communes,
                         actor=admin, password="x")  # fmt: skip


def test_demo_register_has_quang_ninhs_documents_links_and_searchable_files_and_reruns_add_nothing(
    run,
):
    counts = generate_documents(run)

    assert counts["documents"] == DEMO_PROVINCE_TOTAL
    numbers = set(GuidanceDocument.objects.values_list("number_symbol", flat=True))
    assert {"25-NQ/TW", "05-CT/TW", "20-NQ/TU"} <= numbers
    targets = set(DocumentRelation.objects.values_list("target__number_symbol", flat=True))
    assert targets == {"25-NQ/TW", "05-CT/TW", "20-NQ/TU"}
    assert counts["files"] == 2
    # Written by COPY as well as one by one: each carries its unit's path.
    filed = GuidanceDocument.objects.exclude(territory=None)
    assert filed.count() == DEMO_PROVINCE_TOTAL + 5
    assert not filed.exclude(unit_path=F("territory__scope_path")).exists()
    assert set(
        GuidanceDocument.objects.filter(territory=None).values_list("unit_path", flat=True)
    ) == {""}
    # A word that is only inside a generated file finds its document.
    hits = selectors.document_list_for_user(run.actor, selectors.DocumentFilters(q="khe sau"))
    assert hits.count() == 1
    total = GuidanceDocument.objects.count()

    again = generate_documents(run)

    assert again["documents"] == 0
    assert again["files"] == 0
    assert GuidanceDocument.objects.count() == total
