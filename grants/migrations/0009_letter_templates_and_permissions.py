"""Default wording for the three decision letters, and the permissions program staff need
to edit it and to write internal comments."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TEMPLATES = {
    "award": {
        "subject": "Your {program} grant award",
        "opening": (
            "<p>Congratulations. The board is pleased to award {organization} a grant of "
            "{amount} to run a {program} site for {period}.</p>"
        ),
        "reporting_duties": (
            "<p>Your site coordinator keeps the roster and records every micro-credential "
            "attempt, and files the final site report by {report_due}.</p>"
        ),
        "closing": (
            "<p>Your site coordinator will receive an email invitation to set up their "
            "account. We look forward to working with you.</p>"
        ),
    },
    "honorary": {
        "subject": "Your {program} honorary site",
        "opening": (
            "<p>The board is pleased to welcome {organization} as an honorary site of "
            "{program} for {period}. Honorary sites take part fully without grant funds.</p>"
        ),
        "reporting_duties": (
            "<p>Your site coordinator keeps the roster and records every micro-credential "
            "attempt, and files the final site report by {report_due}.</p>"
        ),
        "closing": "<p>We look forward to working with you.</p>",
    },
    "decline": {
        "subject": "Your {program} application",
        "opening": (
            "<p>Thank you for applying to {program}. The board received more strong "
            "proposals than it could fund, and it is unable to offer {organization} a grant "
            "this time.</p>"
        ),
        "reporting_duties": "",
        "closing": "<p>We hope you will apply to a future pilot.</p>",
    },
}


def load(apps, schema_editor):
    LetterTemplate = apps.get_model("grants", "LetterTemplate")
    for kind, fields in TEMPLATES.items():
        LetterTemplate.objects.get_or_create(
            kind=kind,
            defaults={**fields, "signatory_name": "Program Director", "signatory_title": ""},
        )
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = Group.objects.filter(name="Program staff").first()
    if staff is not None:
        staff.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="grants",
                content_type__model__in=["lettertemplate", "staffcomment"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("grants", "0008_reviews_letters_comments")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
