"""Database triggers that make the audit log append-only below the application: an
UPDATE or DELETE of an audit row is refused by PostgreSQL or SQLite themselves, whatever
code (raw SQL, a shell, a bug) issues it. Installed by migration grants 0008.

On PostgreSQL a statement trigger refuses TRUNCATE too (migration grants 0011), which
row triggers never see. Resetting a test or staging database therefore lifts that one
trigger for the duration, deliberately (tests/conftest.py does so around Django's flush);
SQLite has no TRUNCATE."""

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
# The row triggers' function serves the statement trigger too: it only raises.
POSTGRES_TRUNCATE_INSTALL = [
    f"DROP TRIGGER IF EXISTS grants_audit_no_truncate ON {TABLE}",
    f"""
    CREATE TRIGGER grants_audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION grants_audit_append_only()
    """,
]
POSTGRES_TRUNCATE_DROP = [f"DROP TRIGGER IF EXISTS grants_audit_no_truncate ON {TABLE}"]
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


def _run(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_triggers(connection) -> None:
    _run(connection, _statements(connection, install=True))


def drop_triggers(connection) -> None:
    _run(connection, _statements(connection, install=False))


def install_truncate_guard(connection) -> None:
    """Refuse TRUNCATE of the audit log (PostgreSQL only; a no-op elsewhere)."""
    if connection.vendor == "postgresql":
        _run(connection, POSTGRES_TRUNCATE_INSTALL)


def drop_truncate_guard(connection) -> None:
    if connection.vendor == "postgresql":
        _run(connection, POSTGRES_TRUNCATE_DROP)
