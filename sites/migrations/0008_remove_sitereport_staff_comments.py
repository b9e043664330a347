from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0007_report_comments_from_staff_comments"),
    ]

    operations = [
        migrations.RemoveField(model_name="sitereport", name="staff_comments"),
    ]
