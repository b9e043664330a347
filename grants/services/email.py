import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from grants.models import EmailStatus, OutboundEmail
from grants.queue import enqueue_after_commit

logger = logging.getLogger(__name__)


def clean_subject(subject: str) -> str:
    """A subject line built from user input can never carry a line break, so it can never
    inject an email header."""
    return " ".join(subject.split())[:255]


@transaction.atomic
def email_queue(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    attachment: tuple[str, bytes] | None = None,
) -> OutboundEmail:
    """Owe ``to`` one email identified by ``key``, sent by a background task after commit.

    Calling it again with the same key returns the existing email and queues nothing, so a
    notice goes out at most once however often the triggering code runs."""
    existing = OutboundEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing
    email = OutboundEmail(key=key, to=to, subject=clean_subject(subject), body=body)
    if attachment is not None:
        name, content = attachment
        email.attachment_name = name
        email.attachment.save(name, ContentFile(content), save=False)
    email.full_clean()
    email.save()
    enqueue_after_commit("grants.tasks.email_send", email.pk)
    return email


def email_send(*, email_id: int) -> bool:
    """Send one queued email, at most once.

    The row is claimed with a conditional update before sending, so two workers or a
    retried task cannot both send it. A crash after sending leaves it "sending", which is
    never retried automatically: a duplicate notice is worse than a late one."""
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status__in=[EmailStatus.QUEUED, EmailStatus.FAILED]
    ).update(status=EmailStatus.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now())
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    if email.attachment:
        with email.attachment.open("rb") as handle:
            message.attach(email.attachment_name, handle.read(), "application/pdf")
    try:
        message.send()
    except Exception as error:
        OutboundEmail.objects.filter(pk=email_id).update(
            status=EmailStatus.FAILED, last_error=str(error)[:2000], updated_at=timezone.now()
        )
        logger.exception("Sending email %s failed", email_id)
        raise
    OutboundEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
    )
    return True
