"""A document's copy of its unit's path (`unit_path`, which the scope filter reads) is right when
the document is registered, edited or generated, and follows its unit when an import of the
territories moves it."""

import pytest

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.documents import selectors, services
from danvan.documents.models import GuidanceDocument
from danvan.documents.tests.factories import GuidanceDocumentFactory
from danvan.documents.tests.factories import document_data as data
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories import services as territories
from danvan.territories.models import Era, Level, Territory

pytestmark = pytest.mark.django_db


def visible_to(user) -> set[int]:
    return set(selectors.documents_visible(user).values_list("pk", flat=True))


def test_register_and_edit_copy_the_issuers_unit_path_without_auditing_it(place):
    province, commune_a, commune_b = place
    officer = user_with_role("officer", province)
    in_a = OrganisationFactory(territory=commune_a)
    in_b = OrganisationFactory(territory=commune_b)

    document = services.document_register(data=data(issuer=in_a), actor=officer)

    assert GuidanceDocument.objects.get(pk=document.pk).unit_path == commune_a.path
    assert visible_to(user_with_role("viewer", commune_a)) == {document.pk}

    services.document_update(document=document, data=data(issuer=in_b), actor=officer)

    assert GuidanceDocument.objects.get(pk=document.pk).unit_path == commune_b.path
    assert visible_to(user_with_role("viewer", commune_a)) == set()
    assert visible_to(user_with_role("viewer", commune_b)) == {document.pk}
    changes = AuditEvent.objects.filter(action="update").values_list("changes", flat=True)
    assert not any("unit_path" in c for c in changes)


def test_a_document_without_a_unit_has_no_path_and_is_read_by_everyone(place):
    _province, commune_a, _commune_b = place
    admin = user_with_role("system_admin", None)

    document = services.document_register(
        data=data(issuer_name="Ban Chấp hành Trung ương", number_symbol="25-NQ/TW"), actor=admin
    )

    assert GuidanceDocument.objects.get(pk=document.pk).unit_path == ""
    assert visible_to(user_with_role("viewer", commune_a)) == {document.pk}


def test_refresh_puts_back_a_path_that_went_stale(place):
    _province, commune_a, _commune_b = place
    document = GuidanceDocumentFactory(issuer=OrganisationFactory(territory=commune_a))
    central = GuidanceDocumentFactory(issuer=None)
    GuidanceDocument.objects.filter(pk=document.pk).update(unit_path="2025/1/")

    assert services.document_unit_paths_refresh() == 1

    assert GuidanceDocument.objects.get(pk=document.pk).unit_path == commune_a.path
    assert GuidanceDocument.objects.get(pk=central.pk).unit_path == ""
    assert services.document_unit_paths_refresh() == 0


# --- a territories import that moves a unit -------------------------------------------------------


def _tree(successor: int) -> tuple[list[dict], list[tuple[int, int, bool]]]:
    """Two current provinces with a ward each, and one old commune that became `successor`."""
    row = territories._row
    current, legacy = (Era.CURRENT, Level.PROVINCE), (Era.LEGACY, Level.PROVINCE)
    rows = [
        row(Era.CURRENT, Level.PROVINCE, 95, "Tỉnh Một", "tỉnh", "", 95, "2025/95/"),
        row(Era.CURRENT, Level.PROVINCE, 96, "Tỉnh Hai", "tỉnh", "", 96, "2025/96/"),
        row(Era.CURRENT, Level.COMMUNE, 60001, "Phường Một", "phường", "", 95,
            "2025/95/60001/", (*current, 95)),
        row(Era.CURRENT, Level.COMMUNE, 60002, "Phường Hai", "phường", "", 96,
            "2025/96/60002/", (*current, 96)),
        row(Era.LEGACY, Level.PROVINCE, 95, "Tỉnh Cũ", "tỉnh", "", 95, "legacy/95/"),
        row(Era.LEGACY, Level.COMMUNE, 70001, "Xã Cũ", "xã", "", 95,
            "legacy/95/70001/", (*legacy, 95)),
    ]  # fmt: skip
    rows[-1]["scope_path"] = next(r["path"] for r in rows if r["code"] == successor)
    return rows, [(70001, successor, False)]


def test_documents_follow_their_old_unit_when_an_import_says_it_rolls_up_elsewhere(monkeypatch):
    monkeypatch.setattr(territories, "_desired_rows", lambda: _tree(successor=60001))
    territories.territories_import()
    old_commune = Territory.objects.get(era=Era.LEGACY, level=Level.COMMUNE, code=70001)
    one, two = (
        Territory.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=code) for code in (95, 96)
    )
    document = GuidanceDocumentFactory(issuer=OrganisationFactory(territory=old_commune))
    reader_one, reader_two = user_with_role("viewer", one), user_with_role("viewer", two)
    assert (visible_to(reader_one), visible_to(reader_two)) == ({document.pk}, set())

    # The package's next release maps the old commune to the other province's ward.
    monkeypatch.setattr(territories, "_desired_rows", lambda: _tree(successor=60002))
    territories.territories_import()

    assert GuidanceDocument.objects.get(pk=document.pk).unit_path == "2025/96/60002/"
    assert (visible_to(reader_one), visible_to(reader_two)) == (set(), {document.pk})
    # The register's filter by unit reads the same copy.
    filtered = selectors.document_list_for_user(
        reader_two, selectors.DocumentFilters(territory=two)
    )
    assert list(filtered.values_list("pk", flat=True)) == [document.pk]
