from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel


class InvitationKind(models.TextChoices):
    ORGANIZATION_MEMBER = "organization_member", _("Organization member")
    SITE_COORDINATOR = "site_coordinator", _("Site coordinator")
    REVIEWER = "reviewer", _("Reviewer")


class Invitation(TimeStampedModel):
    """A single-use link that lets one email address join an organization, coordinate a
    site or review applications. Only a hash of the token is stored."""

    kind = models.CharField(_("kind"), max_length=30, choices=InvitationKind.choices)
    email = models.EmailField(_("email"))
    organization = models.ForeignKey(
        "grants.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    site = models.ForeignKey(
        "sites.GrantSite",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="organization_member") & Q(organization__isnull=False))
                | (Q(kind="site_coordinator") & Q(site__isnull=False))
                | Q(kind="reviewer"),
                name="grants_invitation_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} invitation for {self.email}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def target_label(self) -> str:
        if self.kind == InvitationKind.ORGANIZATION_MEMBER:
            return str(self.organization)
        if self.kind == InvitationKind.SITE_COORDINATOR:
            return str(self.site)
        return "the review panel"
