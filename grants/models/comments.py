from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .base import TimeStampedModel


class CommentVisibility(models.TextChoices):
    STAFF = "staff", _("Program staff only")
    PANEL = "panel", _("Program staff and the application's reviewers")


class StaffComment(TimeStampedModel):
    """An internal note on an application. Applicants never see it; it is staff-only
    unless its author shared it with the review panel when writing it, and editing the
    text never changes who may read it."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="staff_comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"))
    visibility = models.CharField(
        _("who may read it"),
        max_length=20,
        choices=CommentVisibility.choices,
        default=CommentVisibility.STAFF,
    )
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff comment")
        verbose_name_plural = _("staff comments")
        ordering = ["application", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body=""), name="grants_staffcomment_body_not_empty"
            ),
        ]

    def __str__(self):
        return f"Comment by {self.author} on {self.application}"
