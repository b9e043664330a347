from django.db import migrations

from grants.audit_guard import drop_triggers, install_triggers


def forwards(apps, schema_editor):
    install_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    drop_triggers(schema_editor.connection)


def grant_user_management(apps, schema_editor):
    """Program staff manage people's roles in the Wagtail admin (Settings > Users)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = Group.objects.filter(name="Program staff").first()
    if staff is None:
        return
    staff.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="grants",
            codename__in=[
                "add_user",
                "change_user",
                "view_user",
                "add_invitation",
                "change_invitation",
                "view_invitation",
            ],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("grants", "0007_application_public_id_unique")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(grant_user_management, migrations.RunPython.noop),
    ]
