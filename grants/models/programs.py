from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel


class ContentArea(TimeStampedModel):
    """A subject a site can pilot, such as Elementary Computer Science (ECS)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("content area")
        verbose_name_plural = _("content areas")
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class MicroCredential(TimeStampedModel):
    """A portfolio assessment of one competency. RWT-1..RWT-3 together form the RWT area."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    content_area = models.ForeignKey(
        ContentArea,
        verbose_name=_("content area"),
        on_delete=models.PROTECT,
        related_name="micro_credentials",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("micro-credential")
        verbose_name_plural = _("micro-credentials")
        ordering = ["content_area__position", "position", "code"]

    def __str__(self):
        return f"{self.code}: {self.name}"


class ProgramStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Program(TimeStampedModel):
    """One pilot: its award amount, budget, clock hours and attempt limit."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    period_label = models.CharField(_("period"), max_length=40, help_text=_("For example 2018-19."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    award_amount = models.DecimalField(
        _("award amount"), max_digits=12, decimal_places=2, default=Decimal("18000.00")
    )
    budget = models.DecimalField(
        _("total cash award budget"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    clock_hours = models.PositiveSmallIntegerField(
        _("clock hours per micro-credential"), default=20
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    report_due_on = models.DateField(_("site reports due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.ACTIVE
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    content_areas = models.ManyToManyField(
        ContentArea, verbose_name=_("content areas offered"), related_name="programs", blank=True
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(award_amount__gte=0), name="grants_program_award_amount_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="grants_program_budget_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1) & Q(max_attempts__lte=10),
                name="grants_program_max_attempts_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="grants_program_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.period_label})"

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            from django.core.exceptions import ValidationError

            raise ValidationError({"ends_on": _("The program must end after it starts.")})
