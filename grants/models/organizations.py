from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel
from .directory import District


class OrganizationType(models.TextChoices):
    SCHOOL_DISTRICT = "school_district", _("School district")
    ESD = "esd", _("Educational service district")
    HIGHER_ED = "higher_ed", _("Higher-education institution")
    COMMUNITY = "community", _("Community organization")
    CONSORTIUM = "consortium", _("District consortium")


class Organization(TimeStampedModel):
    """An applicant organization; its members apply for grants on its behalf."""

    legal_name = models.CharField(_("legal name"), max_length=255, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    org_type = models.CharField(_("type"), max_length=20, choices=OrganizationType.choices)
    district = models.ForeignKey(
        District,
        verbose_name=_("district or ESD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        help_text=_("Which directory entry this organization is, if it is a district or an ESD."),
    )
    street = models.CharField(_("street address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, default="WA")
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="OrganizationMembership",
        through_fields=("organization", "user"),
        related_name="organizations",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["legal_name"]

    def __str__(self):
        return self.legal_name


class OrganizationMembership(TimeStampedModel):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="organization_memberships",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("organization membership")
        verbose_name_plural = _("organization memberships")
        ordering = ["organization", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="grants_membership_unique_user_org"
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class MembershipRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a member's answer")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class MembershipRequest(TimeStampedModel):
    """A person's request to join an organization. Only an existing member can approve it:
    nobody becomes a member on their own say-so."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="membership_requests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="membership_requests",
    )
    message = models.TextField(_("message to the members"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MembershipRequestStatus.choices,
        default=MembershipRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(status="pending"),
                name="grants_membership_request_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(decided_at__isnull=False),
                name="grants_membership_request_answered_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.user} asks to join {self.organization}"
