from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.files import private_storage

from .base import TimeStampedModel


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundEmail(TimeStampedModel):
    """An email the system owes someone. Its key makes each notice unique, so a retried
    task or a repeated call can never send the same notice twice."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    attachment = models.FileField(
        _("attachment"), storage=private_storage, upload_to="outbound/", blank=True
    )
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {self.to}"
