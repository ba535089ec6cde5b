"""The real import of both eras from vietnam-provinces.

The import takes a few seconds, so it runs once for the whole module (inside a transaction that
is rolled back at the end) and every test below reads the same loaded tree.
"""

import pytest
from django.db import connection, transaction

from danvan.audit.models import AuditEvent
from danvan.audit.services import verify_chain
from danvan.core import context
from danvan.territories.models import Era, Level, Territory, TerritoryMapping
from danvan.territories.services import territories_import

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """Run the import once; undo it when the module is done."""
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                with context.acting(source="command:import-territories"):
                    summary = territories_import()
                yield summary
                raise _Rollback
        except _Rollback:
            pass
        finally:
            connection.close_if_unusable_or_obsolete()


def count(era: str, level: str) -> int:
    return Territory.objects.filter(era=era, level=level).count()


def unit(era: str, level: str, code: int) -> Territory:
    return Territory.objects.get(era=era, level=level, code=code)


def test_import_loads_both_eras_in_full(first_run):
    assert count(Era.CURRENT, Level.PROVINCE) == 34
    assert count(Era.CURRENT, Level.COMMUNE) == 3321
    assert count(Era.CURRENT, Level.DISTRICT) == 0
    assert count(Era.LEGACY, Level.PROVINCE) == 63
    assert count(Era.LEGACY, Level.DISTRICT) == 696
    assert count(Era.LEGACY, Level.COMMUNE) == 10051
    assert first_run.created == 34 + 3321 + 63 + 696 + 10051
    assert first_run.updated == 0


def test_every_import_row_is_audited_and_the_chain_holds(first_run):
    events = AuditEvent.objects.filter(object_type="territories.territory")

    assert events.count() == first_run.created
    assert set(events.values_list("source", flat=True)) == {"command:import-territories"}
    assert verify_chain().ok


def test_mapping_links_old_communes_to_new_ones_some_partly(first_run):
    links = TerritoryMapping.objects.all()

    assert links.count() == first_run.mappings > 10051 // 2
    assert links.filter(partly_merged=True).exists()
    assert links.filter(partly_merged=False).exists()
    assert not links.exclude(legacy_commune__era=Era.LEGACY).exists()
    assert not links.exclude(current_commune__era=Era.CURRENT).exists()


def test_partly_merged_old_communes_have_several_successors(first_run):
    split = TerritoryMapping.objects.filter(partly_merged=True).values_list(
        "legacy_commune", flat=True
    )
    old = Territory.objects.get(pk=split[0])

    assert old.successor_links.count() > 1
    assert old.has_several_successors
    assert old.scope_path.count("/") == 2  # rolls up to a province, never to one of the wards


def test_old_an_my_ward_rolls_up_to_current_tam_ky_ward_in_da_nang(first_run):
    an_my = unit(Era.LEGACY, Level.COMMUNE, 20341)
    tam_ky = unit(Era.CURRENT, Level.COMMUNE, 20341)

    assert "An Mỹ" in an_my.name
    assert an_my.path == "legacy/49/502/20341/"
    assert "Tam Kỳ" in tam_ky.name
    assert tam_ky.path == "2025/48/20341/"
    assert an_my.scope_path == tam_ky.path
    assert not an_my.has_several_successors
    assert an_my.successor_links.get().current_commune == tam_ky


def test_old_quang_nam_rolls_up_to_da_nang(first_run):
    quang_nam = unit(Era.LEGACY, Level.PROVINCE, 49)
    da_nang = unit(Era.CURRENT, Level.PROVINCE, 48)

    assert "Quảng Nam" in quang_nam.name
    assert "Đà Nẵng" in da_nang.name
    assert quang_nam.scope_path == da_nang.path
    assert da_nang.contains(quang_nam)
    assert da_nang.contains(unit(Era.LEGACY, Level.DISTRICT, 502))


def test_every_unit_rolls_up_into_the_current_tree_unless_split_across_provinces(first_run):
    current_paths = set(Territory.objects.filter(era=Era.CURRENT).values_list("path", flat=True))

    outside = Territory.objects.exclude(scope_path__in=current_paths)

    # Only old Tiền Giang went to two provinces (Đồng Tháp and Tây Ninh); it stays its own
    # scope, so only nationwide grants see what is filed at that level, and it says so.
    assert [(t.era, t.level, t.code) for t in outside] == [(Era.LEGACY, Level.PROVINCE, 82)]
    assert outside.get().scope_path == outside.get().path
    assert outside.get().has_several_successors


def test_second_run_changes_nothing_and_writes_no_audit_rows(first_run):
    events_before = AuditEvent.objects.count()
    links_before = TerritoryMapping.objects.count()

    summary = territories_import()

    assert (summary.created, summary.updated) == (0, 0)
    assert summary.unchanged == first_run.created
    assert AuditEvent.objects.count() == events_before
    assert TerritoryMapping.objects.count() == links_before
