from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grants.files import private_storage

from .applications import Application
from .base import TimeStampedModel
from .programs import Program


class DecisionOutcome(models.TextChoices):
    AWARD = "award", _("Award")
    HONORARY = "honorary", _("Honorary participation (no cash)")
    DECLINE = "decline", _("Decline")


class DecisionStatus(models.TextChoices):
    ACTIVE = "active", _("In effect")
    REVERSED = "reversed", _("Reversed")


AWARD_OUTCOMES = (DecisionOutcome.AWARD, DecisionOutcome.HONORARY)


def letter_path(instance, filename):
    return f"letters/{instance.application_id}/{filename}"


class Decision(TimeStampedModel):
    """Staff's decision on a submitted application. An award is a decision whose outcome
    is a cash award or honorary participation, which carries $0."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    # Denormalized from the application so the program's budget row can be locked and
    # summed without joining through the RFP page.
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    amount = models.DecimalField(_("cash amount"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.ACTIVE
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"))
    period_start = models.DateField(_("grant period start"), null=True, blank=True)
    period_end = models.DateField(_("grant period end"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reversed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    reversal_reason = models.TextField(_("reversal reason"), blank=True)
    letter = models.FileField(
        _("letter"), storage=private_storage, upload_to=letter_path, blank=True
    )
    letter_generated_at = models.DateTimeField(_("letter generated"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="active"),
                name="grants_decision_one_active_per_application",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="award") & Q(amount__gt=0))
                | (Q(outcome__in=["honorary", "decline"]) & Q(amount=0)),
                name="grants_decision_amount_matches_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status="active", reversed_at__isnull=True)
                | Q(status="reversed", reversed_at__isnull=False),
                name="grants_decision_reversal_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.application}"

    @property
    def is_award(self) -> bool:
        return self.outcome in AWARD_OUTCOMES

    @property
    def is_honorary(self) -> bool:
        return self.outcome == DecisionOutcome.HONORARY


class AwardManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(outcome__in=AWARD_OUTCOMES)


class Award(Decision):
    """The decisions that created a grant: cash awards and honorary ($0) awards."""

    objects = AwardManager()

    class Meta:
        proxy = True
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-decided_at", "-id"]


class Milestone(models.TextChoices):
    AGREEMENT = "agreement", _("Signed grant agreement")
    FINAL_REPORT = "final_report", _("Acceptance of the final site report")


class InstallmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled: waiting for its milestone")
    RELEASED = "released", _("Released for payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class AwardInstallment(TimeStampedModel):
    """One payment of a cash award to the grantee, released when its milestone is met."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="installments"
    )
    sequence = models.PositiveSmallIntegerField(_("number"))
    milestone = models.CharField(_("milestone"), max_length=20, choices=Milestone.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InstallmentStatus.choices,
        default=InstallmentStatus.SCHEDULED,
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("award installment")
        verbose_name_plural = _("award installments")
        ordering = ["award", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "sequence"], name="grants_installment_unique_sequence"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="grants_installment_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="grants_installment_paid_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.award.application.organization} #{self.sequence}: {self.amount}"
