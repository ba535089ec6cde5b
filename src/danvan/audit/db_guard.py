"""Database triggers that refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) of audit events.

The migration installs them. Test runs that empty the database between tests (browser tests,
threaded tests) remove them first, because emptying the table is exactly what they refuse.
"""

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    # Without this, deleting the newest rows and rewinding the head would go unnoticed.
    """CREATE TRIGGER IF NOT EXISTS audit_head_forward_only BEFORE UPDATE ON audit_chainhead
       WHEN NEW.seq < OLD.seq BEGIN SELECT RAISE(ABORT, 'the audit chain only grows'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_chainhead
       BEGIN SELECT RAISE(ABORT, 'the audit chain only grows'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
]
POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
    """CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
    """CREATE OR REPLACE FUNCTION audit_head_refuse_rewind() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND NEW.seq >= OLD.seq THEN RETURN NEW; END IF;
         RAISE EXCEPTION 'the audit chain only grows';
       END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_chainhead
       FOR EACH ROW EXECUTE FUNCTION audit_head_refuse_rewind()""",
    """CREATE OR REPLACE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_chainhead
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_chainhead",
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_chainhead",
]


def _run(connection, statements_by_vendor: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements_by_vendor.get(connection.vendor, []):
            cursor.execute(statement)


def install(connection) -> None:
    _run(connection, {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL})


def remove(connection) -> None:
    _run(connection, {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRES_REMOVE})
