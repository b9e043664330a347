from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .base import TimeStampedModel


class RubricCriterion(TimeStampedModel):
    """One criterion of an RFP's rubric, scored 1 to 5."""

    rfp = models.ForeignKey(
        "cms.RfpPage", verbose_name=_("RFP"), on_delete=models.CASCADE, related_name="criteria"
    )
    title = models.CharField(_("criterion"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["rfp", "position", "id"]

    def __str__(self):
        return self.title


class ConflictDeclaration(models.TextChoices):
    UNDECLARED = "undeclared", _("Not yet declared")
    NONE = "none", _("No conflict")
    CONFLICT = "conflict", _("Conflict of interest")


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    RECUSED = "recused", _("Recused (conflict)")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class Review(TimeStampedModel):
    """A reviewer's assignment to, declaration about and scoring of one application."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED
    )
    conflict = models.CharField(
        _("conflict of interest"),
        max_length=20,
        choices=ConflictDeclaration.choices,
        default=ConflictDeclaration.UNDECLARED,
    )
    conflict_note = models.TextField(_("conflict explanation"), blank=True)
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    overall_comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="grants_review_one_per_reviewer"
            ),
            # A reviewer with a conflict can never hold a scored review.
            models.CheckConstraint(
                condition=~Q(conflict="conflict") | Q(status="recused"),
                name="grants_review_conflict_is_recused",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(conflict="none"),
                name="grants_review_submitted_declared_none",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.application}"

    @property
    def total(self) -> int:
        """The sum of this review's scores (uses prefetched scores when there are any)."""
        return sum(score.score or 0 for score in self.scores.all())


class CriterionScore(TimeStampedModel):
    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        RubricCriterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["review", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="grants_score_one_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=5)),
                name="grants_score_range_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"
