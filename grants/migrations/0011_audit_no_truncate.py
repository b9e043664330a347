from django.db import migrations

from grants.audit_guard import drop_truncate_guard, install_truncate_guard


def forwards(apps, schema_editor):
    install_truncate_guard(schema_editor.connection)


def backwards(apps, schema_editor):
    drop_truncate_guard(schema_editor.connection)


class Migration(migrations.Migration):
    """PostgreSQL refuses TRUNCATE of the audit log as it refuses UPDATE and DELETE (0008).
    Nothing changes on SQLite, which has no TRUNCATE."""

    dependencies = [("grants", "0010_merge_reviews_audit")]

    operations = [migrations.RunPython(forwards, backwards)]
