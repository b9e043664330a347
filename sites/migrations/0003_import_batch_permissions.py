"""Program staff may view roster and attempt uploads in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("sites")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Program staff")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="sites", codename="view_importbatch")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0002_import_batches"),
        ("grants", "0003_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
