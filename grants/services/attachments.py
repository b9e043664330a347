"""Files an applicant attaches to a draft application."""

from django.core.exceptions import ValidationError
from django.db import transaction

from grants.files import DOCUMENT_KINDS, MAX_DOCUMENT_BYTES, safe_filename, validate_upload
from grants.models import ApplicationAttachment

from .applications import locked_application, require_draft
from .audit import audit_record

MAX_ATTACHMENTS = 10


@transaction.atomic
def application_attachment_add(
    *, application, upload, actor, label: str = ""
) -> ApplicationAttachment:
    """Attach a file to a draft. Only PDF, DOCX and XLSX files are accepted, judged by
    their content rather than their name, each at most 10 MB, and at most ten per
    application. Files go to private storage, never to a public path."""
    application = locked_application(application)
    require_draft(application)
    try:
        kind = validate_upload(upload, kinds=DOCUMENT_KINDS, max_bytes=MAX_DOCUMENT_BYTES)
    except ValidationError as error:
        name = (upload.name or "").rsplit("/", 1)[-1] if upload is not None else ""
        messages = [f"{name}: {message}" if name else message for message in error.messages]
        raise ValidationError({"file": messages}) from error
    if application.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            {"file": f"An application holds at most {MAX_ATTACHMENTS} files. Remove one first."}
        )
    original_name = (upload.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    attachment = ApplicationAttachment(
        application=application,
        label=" ".join(label.split())[:200],
        original_name=original_name,
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(safe_filename(original_name, kind), upload, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    audit_record(
        actor=actor,
        action="application.attachment_added",
        obj=application,
        after={"attachment": attachment.pk, "name": original_name, "size": upload.size},
    )
    return attachment


@transaction.atomic
def application_attachment_remove(*, attachment: ApplicationAttachment, actor) -> None:
    """Remove a file from a draft, deleting the stored copy once the removal commits."""
    application = locked_application(attachment.application)
    require_draft(application)
    attachment = ApplicationAttachment.objects.get(pk=attachment.pk, application=application)
    name, storage = attachment.file.name, attachment.file.storage
    audit_record(
        actor=actor,
        action="application.attachment_removed",
        obj=application,
        before={"attachment": attachment.pk, "name": attachment.original_name},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
