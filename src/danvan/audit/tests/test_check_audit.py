import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from danvan.audit import db_guard
from danvan.audit import services as audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_events():
    audit.record(
        [
            audit.Change(
                action="update", object_type="x.y", object_id=str(i), changes={"n": [i, i + 1]}
            )
            for i in range(3)
        ]
    )


def test_check_audit_reports_ok(three_events, capsys):
    call_command("check_audit")

    assert "OK: 3 events verified." in capsys.readouterr().out


def test_check_audit_names_the_tampered_row_and_fails(three_events):
    db_guard.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'rewritten' WHERE seq = 2")

    with pytest.raises(CommandError, match="#2"):
        call_command("check_audit")
