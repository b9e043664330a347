"""The site-report reminder task moved from sites.tasks_reports to sites.tasks: point the
daily schedule at its new name."""

from django.db import migrations

OLD = "sites.tasks_reports.report_reminders_send"
NEW = "sites.tasks.report_reminders_send"


def forwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=OLD).update(func=NEW)


def backwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=NEW).update(func=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0008_remove_sitereport_staff_comments"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
