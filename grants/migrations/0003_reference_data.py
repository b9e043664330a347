"""Reference data every installation needs: the state's district directory, the nine
ESDs, the content areas and micro-credentials, and the staff role groups."""

from pathlib import Path

from django.contrib.auth.management import create_permissions
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

CONTENT_AREAS = [
    ("ECS", "Elementary Computer Science", 1, [("ECS", "Elementary Computer Science")]),
    (
        "CR-SEL",
        "Culturally Responsive Social Emotional Learning",
        2,
        [("CR-SEL", "Culturally Responsive Social Emotional Learning")],
    ),
    (
        "RWT",
        "Recruiting Washington Teachers",
        3,
        [
            ("RWT-1", "Leveraging RWT Curriculum"),
            ("RWT-2", "Pathways to Becoming a Teacher"),
            ("RWT-3", "Developing RWT Systems"),
        ],
    ),
]

# Which models each staff role works with in the Wagtail admin.
ROLE_PERMISSIONS = {
    "Program staff": {
        "grants": [
            "program",
            "organization",
            "application",
            "rubriccriterion",
            "review",
            "decision",
            "awardinstallment",
            "district",
            "contentarea",
            "microcredential",
            "auditentry",
            "outboundemail",
        ],
        "sites": ["grantsite", "sitecoordinator", "participant", "attempt", "sitereport"],
        "stipends": ["stipend", "stipendplan", "stipendrule", "payment"],
    },
    "Finance": {
        "grants": ["awardinstallment", "auditentry"],
        "sites": ["grantsite"],
        "stipends": ["stipend", "stipendplan", "stipendrule", "payment"],
    },
    "Reviewers": {},
}


def match_key(name):
    import re

    key = " ".join(name.lower().split())
    return re.sub(r"\s+school\s+district$", "", key)


def load(apps, schema_editor):
    District = apps.get_model("grants", "District")
    for line in (DATA / "wa-districts.txt").read_text(encoding="utf-8").splitlines():
        name = line.strip()
        if name:
            District.objects.get_or_create(
                name=name, defaults={"kind": "lea", "match_key": match_key(name)}
            )
    for line in (DATA / "wa-esds.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        code, name, seat = (part.strip() for part in line.split("|"))
        District.objects.get_or_create(
            name=name,
            defaults={"kind": "esd", "code": code, "seat": seat, "match_key": match_key(name)},
        )

    ContentArea = apps.get_model("grants", "ContentArea")
    MicroCredential = apps.get_model("grants", "MicroCredential")
    for code, name, position, credentials in CONTENT_AREAS:
        area, _ = ContentArea.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )
        for mc_position, (mc_code, mc_name) in enumerate(credentials):
            MicroCredential.objects.get_or_create(
                code=mc_code,
                defaults={"name": mc_name, "content_area": area, "position": mc_position},
            )

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group_name, models_by_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(access_admin)
        for app_label, model_names in models_by_app.items():
            for model_name in model_names:
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, content_type__model=model_name
                    )
                )

    # Program staff edit and publish pages (RFPs, the convening) and manage documents.
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    staff = Group.objects.get(name="Program staff")
    root = Page.objects.filter(depth=1).first()
    if root is not None:
        for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"):
            GroupPagePermission.objects.get_or_create(
                group=staff,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    collection = Collection.objects.filter(depth=1).first()
    if collection is not None:
        for app_label, codename in (
            ("wagtaildocs", "add_document"),
            ("wagtaildocs", "change_document"),
            ("wagtaildocs", "choose_document"),
            ("wagtailimages", "add_image"),
            ("wagtailimages", "change_image"),
            ("wagtailimages", "choose_image"),
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=staff,
                collection=collection,
                permission=Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                ),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0002_applications"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("sites", "0001_initial"),
        ("stipends", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
