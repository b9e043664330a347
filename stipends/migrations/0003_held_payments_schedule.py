"""Schedule the daily review of held Stripe payments in django-q2. Running it more than
once a day, or late after downtime, is safe: sends are keyed, reminders rate-limited."""

from django.db import migrations

NAME = "Held stipend payments review"


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "stipends.tasks.held_payments_review",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stipends", "0002_payees_batches_events"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
