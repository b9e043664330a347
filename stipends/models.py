from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grants.models.base import TimeStampedModel


class StipendPlan(TimeStampedModel):
    """A site's stipend offer: its rules, and whether one participant may receive both a
    submission stipend and an earned stipend for the same micro-credential."""

    site = models.OneToOneField(
        "sites.GrantSite",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        related_name="stipend_plan",
    )
    allow_both = models.BooleanField(_("a participant may receive both triggers"), default=False)

    class Meta:
        verbose_name = _("stipend plan")
        verbose_name_plural = _("stipend plans")
        ordering = ["site"]

    def __str__(self):
        return f"Stipends at {self.site}"


class StipendTrigger(models.TextChoices):
    FIRST_SUBMISSION = "first_submission", _("First submission")
    EARNED = "earned", _("Earned")


class StipendRule(TimeStampedModel):
    """Pay ``amount`` when a participant reaches ``trigger`` for a micro-credential, or
    for any micro-credential when none is named."""

    plan = models.ForeignKey(
        StipendPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="rules"
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=StipendTrigger.choices)
    micro_credential = models.ForeignKey(
        "grants.MicroCredential",
        verbose_name=_("micro-credential"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty for one amount for all micro-credentials."),
    )
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("stipend rule")
        verbose_name_plural = _("stipend rules")
        ordering = ["plan", "trigger", "micro_credential__code"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="stipends_rule_amount_positive"),
            models.UniqueConstraint(
                fields=["plan", "trigger", "micro_credential"],
                condition=Q(micro_credential__isnull=False),
                name="stipends_rule_unique_per_mc",
            ),
            models.UniqueConstraint(
                fields=["plan", "trigger"],
                condition=Q(micro_credential__isnull=True),
                name="stipends_rule_unique_default",
            ),
        ]

    def __str__(self):
        target = self.micro_credential.code if self.micro_credential_id else "any"
        return f"{self.get_trigger_display()} ({target}): ${self.amount}"


class StipendStatus(models.TextChoices):
    PENDING = "pending", _("Pending: not yet requested")
    SUBMITTED = "submitted", _("Requested for payment")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")
    REVERSED = "reversed", _("Reversed")


# Stipends that hold budget: approved ones are reserved, paid ones are spent.
COMMITTED_STATUSES = (StipendStatus.APPROVED, StipendStatus.PAID)
# Stipends that no longer count: they can be accrued again.
INACTIVE_STATUSES = (StipendStatus.VOID, StipendStatus.REJECTED)


class Stipend(TimeStampedModel):
    """What one participant is owed for one trigger on one micro-credential."""

    site = models.ForeignKey(
        "sites.GrantSite",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        related_name="stipends",
    )
    participant = models.ForeignKey(
        "sites.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="stipends",
    )
    micro_credential = models.ForeignKey(
        "grants.MicroCredential",
        verbose_name=_("micro-credential"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=StipendTrigger.choices)
    rule = models.ForeignKey(
        StipendRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stipends",
    )
    attempt = models.ForeignKey(
        "sites.Attempt",
        verbose_name=_("triggering attempt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stipends",
    )
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    # Bumped whenever the amount changes, so a payment keyed on (stipend, version) can never
    # be confused with a payment of an earlier amount.
    amount_version = models.PositiveIntegerField(_("amount version"), default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=StipendStatus.choices,
        default=StipendStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or rejected"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("stipend")
        verbose_name_plural = _("stipends")
        ordering = ["site", "participant", "micro_credential", "trigger"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="stipends_stipend_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["participant", "micro_credential", "trigger"],
                condition=~Q(status__in=["void", "rejected"]),
                name="stipends_stipend_once_per_trigger",
            ),
        ]

    def __str__(self):
        return (
            f"${self.amount} to {self.participant} ({self.micro_credential.code}, {self.trigger})"
        )


class PaymentMethod(models.TextChoices):
    STRIPE = "stripe", _("Stripe transfer")
    CHECK = "check", _("Check")
    ACH = "ach", _("ACH")
    PAYROLL = "payroll", _("District payroll")


MANUAL_METHODS = (PaymentMethod.CHECK, PaymentMethod.ACH, PaymentMethod.PAYROLL)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    HELD = "held", _("Waiting for the payee's account")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REVERSED = "reversed", _("Reversed")


class Payment(TimeStampedModel):
    """Money sent for one stipend, by Stripe transfer or recorded by finance."""

    stipend = models.ForeignKey(
        Stipend, verbose_name=_("stipend"), on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=100, null=True, blank=True, unique=True
    )
    stripe_transfer_id = models.CharField(
        _("Stripe transfer"), max_length=100, null=True, blank=True, unique=True
    )
    error = models.TextField(_("last error"), blank=True)
    batch = models.ForeignKey(
        "DisbursementBatch",
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    error_kind = models.CharField(_("error kind"), max_length=20, blank=True)
    retryable = models.BooleanField(_("retryable"), default=False)
    attempts = models.PositiveIntegerField(_("Stripe attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # Stripe remembers a refused request under its key for a day and answers a repeat with
    # the same refusal. After a definite refusal (card or account), no transfer exists, so
    # the next try is sent under a fresh key: ``idempotency_key`` plus "-r<round>".
    key_round = models.PositiveSmallIntegerField(_("key round"), default=0)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="stipends_payment_amount_positive"
            ),
            # Money is never paid twice: a stipend holds at most one succeeded payment.
            models.UniqueConstraint(
                fields=["stipend"],
                condition=Q(status="succeeded"),
                name="stipends_payment_one_success_per_stipend",
            ),
            models.CheckConstraint(
                condition=~Q(method="stripe") | Q(idempotency_key__isnull=False),
                name="stipends_payment_stripe_has_key",
            ),
            models.CheckConstraint(
                condition=Q(method="stripe") | (~Q(reference="") & Q(paid_on__isnull=False)),
                name="stipends_payment_manual_has_reference",
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} ${self.amount} for {self.stipend_id}"

    @property
    def stripe_idempotency_key(self) -> str:
        """The Idempotency-Key of this payment's next transfer request."""
        if self.key_round:
            return f"{self.idempotency_key}-r{self.key_round}"
        return self.idempotency_key


class PayeeStatus(models.TextChoices):
    NOT_INVITED = "not_invited", _("Not invited")
    INVITED = "invited", _("Invited: onboarding not finished")
    READY = "ready", _("Ready")
    NOT_READY = "not_ready", _("Not ready")


class Payee(TimeStampedModel):
    """A participant who is paid stipends, and their Stripe Express connected account.

    Readiness follows Stripe's ``account.updated`` events: only an account whose transfers
    capability is active can receive a transfer."""

    participant = models.OneToOneField(
        "sites.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="payee",
    )
    email = models.EmailField(_("email"))
    stripe_account_id = models.CharField(
        _("Stripe account"), max_length=100, null=True, blank=True, unique=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PayeeStatus.choices, default=PayeeStatus.NOT_INVITED
    )
    not_ready_reason = models.TextField(_("why not ready"), blank=True)
    invited_at = models.DateTimeField(_("onboarding link sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    # The Stripe ``created`` time of the newest account event applied, so an older event
    # delivered late never overwrites a newer state.
    account_event_created = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("payee")
        verbose_name_plural = _("payees")
        ordering = ["participant__last_name", "participant__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(stripe_account_id__isnull=False),
                name="stipends_payee_ready_has_account",
            )
        ]

    def __str__(self):
        return f"Payee {self.participant}"


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: not yet confirmed")
    CONFIRMED = "confirmed", _("Confirmed: sending")
    DONE = "done", _("Done")
    NEEDS_ATTENTION = "attention", _("Done, some payments need attention")


class DisbursementBatch(TimeStampedModel):
    """Approved stipends finance pays together through Stripe: one transfer per stipend."""

    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("disbursement batch")
        verbose_name_plural = _("disbursement batches")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(confirmed_at__isnull=False),
                name="stipends_batch_confirmed_has_time",
            )
        ]

    def __str__(self):
        return f"Batch {self.pk}"


class StripeEvent(TimeStampedModel):
    """A Stripe webhook event, stored once by its id so a redelivery is a no-op."""

    event_id = models.CharField(_("event id"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=100)
    stripe_created = models.PositiveBigIntegerField(_("created at Stripe (epoch seconds)"))
    payload = models.JSONField(_("payload"))
    # The id of the event's object (a transfer or an account), to find events about it.
    object_id = models.CharField(_("object"), max_length=100, blank=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-stripe_created"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
