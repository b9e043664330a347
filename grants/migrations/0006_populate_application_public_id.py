"""Give every existing application its own random public id before the column becomes
unique (adding the column gave every existing row the same default value)."""

import uuid

from django.db import migrations


def populate(apps, schema_editor):
    Application = apps.get_model("grants", "Application")
    for application in Application.objects.only("pk"):
        application.public_id = uuid.uuid4()
        application.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0005_application_public_id_membership_request"),
    ]

    operations = [migrations.RunPython(populate, migrations.RunPython.noop)]
