"""Schedule the daily site-report reminder run in django-q2. Running it more than once a
day, or late after downtime, is safe: each reminder is recorded once per site."""

from django.db import migrations

NAME = "Site report reminders"


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "sites.tasks_reports.report_reminders_send",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0002_site_report_files_reminders"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
