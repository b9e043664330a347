"""Database triggers that make the audit log append-only below the application: an
UPDATE or DELETE of an audit row is refused by PostgreSQL or SQLite themselves, whatever
code (raw SQL, a shell, a bug) issues it. Installed by migration grants 0008.

PostgreSQL's TRUNCATE (table owner only) is not blocked, so a database owner can still
reset a test or staging database; production roles should not own the table."""

TABLE = "grants_auditentry"
MESSAGE = "Audit entries are append-only."

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION grants_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS grants_audit_append_only ON {TABLE}",
    f"""
    CREATE TRIGGER grants_audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION grants_audit_append_only()
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS grants_audit_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS grants_audit_append_only()",
]
SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS grants_audit_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS grants_audit_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS grants_audit_no_update",
    "DROP TRIGGER IF EXISTS grants_audit_no_delete",
]


def _statements(connection, *, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_DROP
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_DROP
    return []


def install_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=True):
            cursor.execute(statement)


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)
