import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grants.files import private_storage

from .base import StoredDocument, TimeStampedModel
from .directory import District
from .organizations import Organization
from .programs import ContentArea


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AWARDED = "awarded", _("Awarded")
    HONORARY = "honorary", _("Honorary participation")
    DECLINED = "declined", _("Declined")


DECIDED_STATUSES = (
    ApplicationStatus.AWARDED,
    ApplicationStatus.HONORARY,
    ApplicationStatus.DECLINED,
)


class ApplicationStep(models.TextChoices):
    ORGANIZATION = "organization", _("Organization and contacts")
    CONTENT_AREAS = "content_areas", _("Content areas")
    PARTNERS = "partners", _("Partner districts")
    NARRATIVE = "narrative", _("Narrative")
    BUDGET = "budget", _("Budget")
    ATTACHMENTS = "attachments", _("Attachments")
    REVIEW = "review", _("Review and submit")


class Application(TimeStampedModel):
    """An organization's proposal in answer to one RFP."""

    # Portal URLs name an application by this random id, so its address tells nobody how
    # many applications exist or where another organization's might be.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    rfp = models.ForeignKey(
        "cms.RfpPage", verbose_name=_("RFP"), on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    current_step = models.CharField(
        _("current step"),
        max_length=20,
        choices=ApplicationStep.choices,
        default=ApplicationStep.ORGANIZATION,
    )
    title = models.CharField(_("project title"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_title = models.CharField(_("contact title"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    content_areas = models.ManyToManyField(
        ContentArea, verbose_name=_("content areas"), related_name="applications", blank=True
    )
    partner_districts = models.ManyToManyField(
        District,
        verbose_name=_("partner districts"),
        related_name="partner_applications",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            # A withdrawn application frees the organization to apply again.
            models.UniqueConstraint(
                fields=["rfp", "organization"],
                condition=~Q(status="withdrawn"),
                name="grants_application_one_active_per_org_rfp",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(submitted_at__isnull=False),
                name="grants_application_submitted_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.rfp.title}"

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES

    # Computed from budget_lines.all(), so a prefetch makes them free in lists.
    @property
    def budget_total(self) -> Decimal:
        return sum((line.amount for line in self.budget_lines.all()), Decimal("0.00"))

    @property
    def content_area_codes(self) -> str:
        return ", ".join(area.code for area in self.content_areas.all())

    @property
    def partner_district_names(self) -> str:
        return "; ".join(district.name for district in self.partner_districts.all())

    @property
    def attachment_count(self) -> int:
        return len(self.attachments.all())

    @property
    def stipends_total(self) -> Decimal:
        return sum(
            (
                line.amount
                for line in self.budget_lines.all()
                if line.category == BudgetCategory.STIPENDS
            ),
            Decimal("0.00"),
        )


class NarrativeAnswer(TimeStampedModel):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        "cms.NarrativeQuestion",
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    # The prompt as the applicant saw it, so later edits to the RFP do not rewrite answers.
    prompt = models.TextField(_("prompt"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("narrative answer")
        verbose_name_plural = _("narrative answers")
        ordering = ["application", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="grants_answer_unique_per_question"
            )
        ]

    def __str__(self):
        return self.prompt[:60]


class BudgetCategory(models.TextChoices):
    STIPENDS = "stipends", _("Participant stipends")
    SUBSTITUTES = "substitutes", _("Substitute release time")
    PERSONNEL = "personnel", _("Coordination and facilitation")
    MATERIALS = "materials", _("Materials and supplies")
    TRAVEL = "travel", _("Travel and meetings")
    INDIRECT = "indirect", _("Indirect costs")
    OTHER = "other", _("Other")


class BudgetLine(TimeStampedModel):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="grants_budgetline_amount_nonnegative"
            )
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.amount}"


def attachment_path(instance, filename):
    return f"applications/{instance.application_id}/{filename}"


class ApplicationAttachment(StoredDocument):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_path)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "created_at"]
