"""The audit trail is an append-only, hash-chained log: any edit or removal shows up on verify."""

import itertools
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F

from danvan.accounts.tests.factories import UserFactory
from danvan.audit import db_guard
from danvan.audit import services as audit
from danvan.audit.models import Action, AuditEvent, ChainHead
from danvan.core import context
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers and row locks; SQLite serialises every write",
)


def make_changes(count: int, start: int = 0) -> list[audit.Change]:
    return [
        audit.Change(
            action=Action.UPDATE,
            object_type="tests.thing",
            object_id=str(start + i),
            object_repr=f"Thứ {start + i}",
            changes={"name": [f"cũ {start + i}", f"mới {start + i}"]},
        )
        for i in range(count)
    ]


def chain() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("seq"))


@pytest.fixture
def five_rows():
    actor = UserFactory(username="ke_toan")
    audit.record(make_changes(2), actor=actor)
    audit.record(make_changes(3, start=2), actor=actor)
    return chain()


@pytest.fixture
def tamperable():
    """Drop the append-only triggers inside the test's transaction (rolled back afterwards)."""
    db_guard.remove(connection)


def test_each_row_carries_the_hash_of_the_row_before(five_rows):
    rows = five_rows

    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == audit.GENESIS_HASH
    for previous, row in itertools.pairwise(rows):
        assert row.prev_hash == previous.hash
    assert len({r.hash for r in rows}) == 5
    head = ChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (5, rows[-1].hash)


def test_fresh_chain_verifies(five_rows):
    report = audit.verify_chain()

    assert report.ok
    assert report.checked == 5


def test_empty_chain_verifies():
    assert audit.verify_chain().ok


TAMPERS = {
    "changes": {"changes": {"name": ["cũ 2", "giả mạo"]}},
    "actor_label": {"actor_label": "nguoi_khac"},
    "created_at": {"created_at": F("created_at") + timedelta(seconds=1)},
    "object_id": {"object_id": "999"},
    "reason": {"reason": "thêm lý do"},
    "source": {"source": "web"},
    "ip": {"ip": "10.0.0.9"},
    "action": {"action": Action.DELETE},
    "territory_id": {"territory_id": 424242},
    "hash": {"hash": "f" * 64},
    "prev_hash": {"prev_hash": "e" * 64},
}


@pytest.mark.parametrize("column", sorted(TAMPERS))
def test_tampering_with_a_column_is_detected_at_that_row(five_rows, tamperable, column):
    AuditEvent.objects.filter(seq=3).update(**TAMPERS[column])

    report = audit.verify_chain()

    assert not report.ok
    assert report.first_broken_seq == 3
    assert report.checked == 2


def test_rehashing_a_forged_row_breaks_the_link_to_the_next(five_rows, tamperable):
    forged = AuditEvent.objects.get(seq=3)
    forged.reason = "sửa lén"
    forged.hash = audit.row_digest(forged.prev_hash, audit._hashed_values(forged))
    AuditEvent.objects.filter(seq=3).update(reason=forged.reason, hash=forged.hash)

    report = audit.verify_chain()

    assert report.first_broken_seq == 4
    assert report.problem == "previous hash does not match"


def test_deleting_a_middle_row_is_detected(five_rows, tamperable):
    AuditEvent.objects.filter(seq=3).delete()

    report = audit.verify_chain()

    assert (report.first_broken_seq, report.problem) == (3, "missing row")


def test_deleting_the_last_row_is_detected(five_rows, tamperable):
    AuditEvent.objects.filter(seq=5).delete()

    report = audit.verify_chain()

    assert report.first_broken_seq == 5
    assert report.checked == 4


def test_database_refuses_update_and_delete_of_audit_rows(five_rows):
    # Transactional tests elsewhere in the run drop the triggers; put them back for this test.
    db_guard.install(connection)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(reason="sửa")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=2).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("DELETE FROM audit_auditevent")

    assert AuditEvent.objects.count() == 5
    assert audit.verify_chain().ok


def test_database_refuses_rewinding_or_deleting_the_chain_head(five_rows):
    db_guard.install(connection)

    with pytest.raises(DatabaseError, match="only grows"), transaction.atomic():
        ChainHead.objects.filter(pk=1).update(seq=3)
    with pytest.raises(DatabaseError, match="only grows"), transaction.atomic():
        ChainHead.objects.filter(pk=1).delete()

    assert ChainHead.objects.get(pk=1).seq == 5
    audit.record_one(audit.Action.UPDATE, ChainHead.objects.get(pk=1), actor=None)
    assert ChainHead.objects.get(pk=1).seq == 6


@only_postgresql
def test_postgresql_refuses_truncate_of_audit_rows(five_rows):
    db_guard.install(connection)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("TRUNCATE audit_auditevent")

    assert AuditEvent.objects.count() == 5


def test_bulk_record_of_ten_thousand_changes_takes_few_queries(django_assert_max_num_queries):
    changes = make_changes(10_000)

    with django_assert_max_num_queries(12):
        written = audit.record(changes)

    assert written == 10_000
    report = audit.verify_chain()
    assert report.ok
    assert report.checked == 10_000


def test_values_of_every_common_type_survive_the_database_round_trip():
    changes = {
        "day": [date(2025, 7, 1), None],
        "amount": [Decimal("1234567.50"), 0],
        "area": [93000.5, 1e20],
        "tiny": [1e-7, 0.1 + 0.2],
        "flag": [True, False],
        "name": ["Phường Tam Kỳ", "Phường An Mỹ"],
        "nested": [{"b": 1, "a": [1, 2, {"z": None}]}, []],
    }

    audit.record(
        [
            audit.Change(
                action=Action.UPDATE, object_type="tests.thing", object_id="1", changes=changes
            )
        ]
    )

    assert audit.verify_chain().ok


def test_acting_context_and_actor_land_in_the_row():
    actor = UserFactory(username="chuyen_vien")
    organisation = OrganisationFactory(territory=CommuneFactory())

    with context.acting(source="command:import-organisations", ip="203.0.113.7"):
        audit.record_one(Action.CREATE, organisation, actor=actor, changes={"name": [None, "Hội"]})
    audit.record_one(Action.UPDATE, organisation, actor=None)

    first, second = chain()
    assert (first.source, first.ip) == ("command:import-organisations", "203.0.113.7")
    assert (first.actor_id, first.actor_label) == (actor.pk, "chuyen_vien")
    assert (first.object_type, first.object_id) == (
        "organisations.organisation",
        str(organisation.pk),
    )
    assert first.object_repr == organisation.name
    assert first.territory_id == organisation.territory_id
    assert (second.source, second.ip, second.actor_id, second.actor_label) == (
        "system",
        "",
        None,
        "",
    )


def test_record_is_rolled_back_with_the_business_change():
    @transaction.atomic
    def failing_service():
        audit.record(make_changes(3))
        raise RuntimeError("the service failed after auditing")

    with pytest.raises(RuntimeError):
        failing_service()

    assert not AuditEvent.objects.exists()
    audit.record(make_changes(1))
    assert AuditEvent.objects.get().seq == 1
    assert audit.verify_chain().ok


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_from_two_transactions_keep_the_chain_valid(transactional_db):
    ChainHead.objects.get_or_create(pk=1)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(start: int) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(25):
                with transaction.atomic():
                    audit.record(make_changes(2, start=start + 2 * i))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(start,)) for start in (0, 1000)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    report = audit.verify_chain()
    assert report.ok, report
    assert report.checked == 100
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 101))
