from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.errors import ConflictError, DomainError
from danvan.documents import services
from danvan.documents.models import DocumentRelation, GuidanceDocument, RelationKind, Validity
from danvan.documents.tests.factories import GuidanceDocumentFactory
from danvan.documents.tests.factories import document_data as data
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(place):
    _province, commune_a, _commune_b = place
    return user_with_role("officer", commune_a)


@pytest.mark.parametrize(
    ("written", "number", "clean"),
    [("25-NQ/TW", 25, "25-NQ/TW"), ("Số: 05 - CT/TW", 5, "05-CT/TW"), ("CV/UBND", None, "CV/UBND")],
)
def test_number_is_read_from_the_number_and_symbol(written, number, clean):
    assert services.parse_number(written) == number
    assert services.clean_number_symbol(written) == clean


def test_register_files_the_document_under_the_issuers_unit_and_audits_it(officer):
    issuer = officer.organisation

    document = services.document_register(data=data(issuer=issuer), actor=officer)

    assert document.territory == issuer.territory
    assert document.issuer_name == issuer.name
    assert document.number == 12
    assert "12 hd btgdvtu" in document.search_text
    event = AuditEvent.objects.get(
        object_type="documents.guidancedocument", object_id=str(document.pk)
    )
    assert event.changes["number_symbol"] == "12-HD/BTGDVTU"


def test_registering_the_same_document_again_is_refused_with_a_message(officer):
    services.document_register(data=data(issuer=officer.organisation), actor=officer)

    with pytest.raises(DomainError) as caught:
        services.document_register(
            data=data(issuer=officer.organisation, number_symbol="12 - hd/btgdvtu"), actor=officer
        )

    assert caught.value.code == "duplicate"
    assert GuidanceDocument.objects.count() == 1


def test_officer_cannot_register_for_an_issuer_outside_their_unit(officer, place):
    outside = OrganisationFactory(territory=place[2])

    with pytest.raises(PermissionDenied):
        services.document_register(data=data(issuer=outside), actor=officer)


def test_central_documents_need_a_nationwide_grant(officer):
    central = data(issuer_name="Ban Chấp hành Trung ương", number_symbol="25-NQ/TW")
    with pytest.raises(PermissionDenied):
        services.document_register(data=central, actor=officer)

    admin = user_with_role("system_admin", None)
    document = services.document_register(data=central, actor=admin)

    assert document.territory is None


def test_future_date_and_missing_title_are_refused(officer):
    with pytest.raises(DomainError) as caught:
        services.document_register(
            data=data(issuer=officer.organisation, issued_on=date(2999, 1, 1)), actor=officer
        )
    assert caught.value.field == "issued_on"
    with pytest.raises(DomainError) as caught:
        services.document_register(data=data(issuer=officer.organisation, title=" "), actor=officer)
    assert caught.value.field == "title"


def test_update_with_a_stale_version_is_a_conflict_and_changes_nothing(officer):
    document = services.document_register(data=data(issuer=officer.organisation), actor=officer)
    services.document_update(
        document=document, data=data(issuer=officer.organisation, title="Tiêu đề mới"),
        actor=officer, expected_version=1,
    )  # fmt: skip

    with pytest.raises(ConflictError):
        services.document_update(
            document=document, data=data(issuer=officer.organisation, title="Tiêu đề khác"),
            actor=officer, expected_version=1,
        )  # fmt: skip

    document.refresh_from_db()
    assert (document.title, document.version) == ("Tiêu đề mới", 2)
    update = AuditEvent.objects.filter(action="update", object_id=str(document.pk)).get()
    assert update.changes["title"][1] == "Tiêu đề mới"


def test_replacing_marks_the_target_replaced_and_removing_restores_it(officer):
    old = GuidanceDocumentFactory(issuer=officer.organisation, number_symbol="1-HD/BDV")
    new = GuidanceDocumentFactory(issuer=officer.organisation, number_symbol="2-HD/BDV")

    relation = services.document_relate(
        source=new, target=old, kind=RelationKind.REPLACES, actor=officer
    )
    old.refresh_from_db()
    assert old.validity == Validity.REPLACED

    services.document_unrelate(relation=relation, actor=officer)
    old.refresh_from_db()
    assert old.validity == Validity.IN_FORCE
    assert AuditEvent.objects.filter(object_type="documents.documentrelation").count() == 2


def test_self_and_duplicate_relations_are_refused(officer):
    plan = GuidanceDocumentFactory(issuer=officer.organisation)
    resolution = GuidanceDocumentFactory(issuer=None, issuer_name="Ban Chấp hành Trung ương")
    services.document_relate(
        source=plan, target=resolution, kind=RelationKind.IMPLEMENTS, actor=officer
    )

    for target, code in ((plan, "self"), (resolution, "duplicate")):
        with pytest.raises(DomainError) as caught:
            services.document_relate(
                source=plan, target=target, kind=RelationKind.IMPLEMENTS, actor=officer
            )
        assert caught.value.code == code
    assert DocumentRelation.objects.count() == 1


def test_delete_removes_relations_and_is_audited(officer):
    document = GuidanceDocumentFactory(issuer=officer.organisation)
    other = GuidanceDocumentFactory(issuer=officer.organisation)
    services.document_relate(source=document, target=other, kind=RelationKind.AMENDS, actor=officer)

    services.document_delete(document=document, actor=officer)

    assert not GuidanceDocument.objects.filter(pk=document.pk).exists()
    assert DocumentRelation.objects.count() == 0
    assert AuditEvent.objects.filter(action="delete", object_id=str(document.pk)).exists()
