"""Files an applicant attaches to a draft application."""

from django.core.exceptions import ValidationError
from django.db import transaction

from grants.files import DOCUMENT_KINDS, MAX_DOCUMENT_BYTES, safe_filename, validate_upload
from grants.models import ApplicationAttachment

from .applications import locked_application, require_draft
from .audit import audit_record

MAX_ATTACHMENTS = 10


def document_store(*, upload, held: int, holder: str, build):
    """Check an uploaded document (PDF, DOCX or XLSX by content, at most 10 MB, at most
    MAX_ATTACHMENTS per holder) and store it privately in the model ``build`` makes from
    the file's name, type and size. A refused or invalid file leaves nothing stored."""
    try:
        kind = validate_upload(upload, kinds=DOCUMENT_KINDS, max_bytes=MAX_DOCUMENT_BYTES)
    except ValidationError as error:
        name = (upload.name or "").rsplit("/", 1)[-1] if upload is not None else ""
        messages = [f"{name}: {message}" if name else message for message in error.messages]
        raise ValidationError({"file": messages}) from error
    if held >= MAX_ATTACHMENTS:
        raise ValidationError(
            {"file": f"{holder} holds at most {MAX_ATTACHMENTS} files. Remove one first."}
        )
    original_name = (upload.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    attachment = build(
        original_name=original_name, content_type=kind.content_type, size=upload.size
    )
    attachment.file.save(safe_filename(original_name, kind), upload, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def application_attachment_add(
    *, application, upload, actor, label: str = ""
) -> ApplicationAttachment:
    """Attach a file to a draft. Only PDF, DOCX and XLSX files are accepted, judged by
    their content rather than their name, each at most 10 MB, and at most ten per
    application. Files go to private storage, never to a public path."""
    application = locked_application(application)
    require_draft(application)
    attachment = document_store(
        upload=upload,
        held=application.attachments.count(),
        holder="An application",
        build=lambda **fields: ApplicationAttachment(
            application=application,
            uploaded_by=actor,
            label=" ".join(label.split())[:200],
            **fields,
        ),
    )
    original_name = attachment.original_name
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
