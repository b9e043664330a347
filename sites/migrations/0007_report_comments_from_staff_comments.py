"""Carry each report's last staff comments (the one text field every return overwrote)
into its comment thread, as the first comment. Its author and time come from the audit
entry of the return that wrote it, when there is one."""

from django.db import migrations


def forwards(apps, schema_editor):
    SiteReport = apps.get_model("sites", "SiteReport")
    ReportComment = apps.get_model("sites", "ReportComment")
    AuditEntry = apps.get_model("grants", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="sites", model="sitereport").first()
    for report in SiteReport.objects.exclude(staff_comments="").order_by("pk"):
        body = report.staff_comments.strip()
        if not body or ReportComment.objects.filter(report=report).exists():
            continue
        returned = (
            AuditEntry.objects.filter(
                content_type=content_type, object_id=str(report.pk), action="report.returned"
            )
            .order_by("-created_at", "-id")
            .first()
            if content_type
            else None
        )
        comment = ReportComment.objects.create(
            report=report,
            author_id=returned.actor_id if returned else None,
            body=body,
            kind="return",
            # The thread records the status the return left; the report may have moved on
            # since (resubmitted, accepted), which is fine: the comment is history.
            report_status="returned",
        )
        when = returned.created_at if returned else report.updated_at
        # auto_now_add set the time of this migration; the comment was written earlier.
        ReportComment.objects.filter(pk=comment.pk).update(created_at=when, updated_at=when)


def backwards(apps, schema_editor):
    SiteReport = apps.get_model("sites", "SiteReport")
    ReportComment = apps.get_model("sites", "ReportComment")
    for report in SiteReport.objects.order_by("pk"):
        last = (
            ReportComment.objects.filter(report=report, kind="return")
            .order_by("-created_at", "-id")
            .first()
        )
        if last is not None:
            SiteReport.objects.filter(pk=report.pk).update(staff_comments=last.body)


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0006_report_comments"),
        ("grants", "0010_merge_reviews_audit"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
