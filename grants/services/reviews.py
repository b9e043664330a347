"""Assigning reviewers, their conflict-of-interest declarations and their scoring."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.models import (
    Application,
    ApplicationStatus,
    ConflictDeclaration,
    CriterionScore,
    Review,
    ReviewStatus,
    RubricCriterion,
)
from grants.permissions import can_change_rubric
from grants.roles import is_reviewer

from .audit import audit_record, audit_transition


def _check_assignable(application: Application, reviewer) -> None:
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            f"Only a submitted application is reviewed; {application.organization} is "
            f"{application.get_status_display().lower()}."
        )
    if not is_reviewer(reviewer):
        raise ValidationError({"reviewer": f"{reviewer.email} is not on the review panel."})
    if application.organization.memberships.filter(user=reviewer).exists():
        raise ValidationError(
            {"reviewer": f"{reviewer.email} belongs to {application.organization}."}
        )


def _assign(*, application: Application, reviewer, actor) -> Review:
    review = Review(application=application, reviewer=reviewer, assigned_by=actor)
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        action="review.assigned",
        obj=review,
        after={"reviewer": reviewer.email, "application": application.pk},
    )
    return review


@transaction.atomic
def review_assign(*, application: Application, reviewer, actor) -> Review:
    """Assign one panel reviewer to one submitted application, once. A member of the
    applying organization can never review it."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_assignable(application, reviewer)
    if Review.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError(
            {"reviewer": f"{reviewer.email} is already assigned to {application.organization}."}
        )
    return _assign(application=application, reviewer=reviewer, actor=actor)


@transaction.atomic
def reviews_assign_bulk(*, applications, reviewers, actor) -> list[Review]:
    """Assign every chosen reviewer to every chosen application, all or nothing. Pairs
    that already exist are left as they are; any pair that breaks a rule refuses the lot."""
    applications = list(
        Application.objects.select_for_update()
        .select_related("organization")
        .filter(pk__in=[a.pk for a in applications])
        .order_by("pk")
    )
    reviewers = list(reviewers)
    if not applications or not reviewers:
        raise ValidationError("Choose at least one application and one reviewer.")
    existing = set(
        Review.objects.filter(application__in=applications, reviewer__in=reviewers).values_list(
            "application_id", "reviewer_id"
        )
    )
    created = []
    for application in applications:
        for reviewer in reviewers:
            if (application.pk, reviewer.pk) in existing:
                continue
            _check_assignable(application, reviewer)
            created.append(_assign(application=application, reviewer=reviewer, actor=actor))
    return created


@transaction.atomic
def review_unassign(*, review: Review, actor) -> None:
    """Take a reviewer off an application. A submitted review is part of the record and
    is never removed; nor is a declared conflict of interest, which recuses the reviewer
    for good (unassigning and reassigning would undo it). An assigned or draft review is
    deleted with its draft scores; the audit entry keeps what was removed."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("application__organization", "reviewer")
        .get(pk=review.pk)
    )
    if review.status == ReviewStatus.SUBMITTED:
        raise ValidationError(
            f"{review.reviewer.email} has submitted their review, so they cannot be "
            "unassigned: a submitted review stays on the record."
        )
    if review.conflict == ConflictDeclaration.CONFLICT:
        raise ValidationError(
            f"{review.reviewer.email} declared a conflict of interest; the recusal stays "
            "on the record, so they cannot be unassigned."
        )
    scores = review.scores.exclude(score=None).values_list("criterion__title", "score")
    audit_record(
        actor=actor,
        action="review.unassigned",
        obj=review,
        before={
            "reviewer": review.reviewer.email,
            "application": review.application_id,
            "status": review.status,
            "conflict": review.conflict,
            "draft_scores": dict(scores),
        },
        after={"status": "removed"},
    )
    # The draft scores go with the review (CriterionScore cascades): a draft was never
    # part of the panel's record, and keeping it hidden would leave scores nobody owns.
    review.delete()


def _own_review(review: Review, actor) -> Review:
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=review.pk)
    )
    if review.reviewer_id != actor.pk:
        raise ValidationError("Only the assigned reviewer can do this.")
    return review


@transaction.atomic
def review_declare(*, review: Review, actor, conflict: bool, note: str = "") -> Review:
    """The reviewer declares a conflict of interest, or none, before seeing the
    application. The declaration is final: a conflict recuses them for good."""
    review = _own_review(review, actor)
    if review.conflict != ConflictDeclaration.UNDECLARED:
        raise ValidationError("You have already declared for this application.")
    note = note.strip()
    if conflict and not note:
        raise ValidationError({"conflict_note": "Say briefly what the conflict is."})
    review.conflict = ConflictDeclaration.CONFLICT if conflict else ConflictDeclaration.NONE
    review.conflict_note = note
    review.declared_at = timezone.now()
    before = review.status
    review.status = ReviewStatus.RECUSED if conflict else ReviewStatus.ASSIGNED
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        action="review.declared",
        obj=review,
        before={"conflict": ConflictDeclaration.UNDECLARED, "status": before},
        after={"conflict": review.conflict, "status": review.status},
        note=note,
    )
    return review


@transaction.atomic
def review_save(
    *,
    review: Review,
    actor,
    scores: dict[int, int | None],
    comments: dict[int, str],
    overall_comment: str = "",
    submit: bool = False,
) -> Review:
    """Save the reviewer's scores (1 to 5 per rubric criterion) and comments as a draft,
    or submit them. Only a reviewer who declared no conflict scores, only while the
    application awaits a decision, and a submitted review is final. Submitting needs a
    score for every criterion."""
    review = _own_review(review, actor)
    if review.conflict != ConflictDeclaration.NONE:
        raise ValidationError("Declare that you have no conflict of interest before scoring.")
    if review.status == ReviewStatus.SUBMITTED:
        raise ValidationError("This review has been submitted and can no longer change.")
    if review.application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError("This application has been decided; reviews are closed.")
    criteria = list(RubricCriterion.objects.filter(rfp_id=review.application.rfp_id))
    if not criteria:
        raise ValidationError("This RFP has no rubric yet; staff must add its criteria.")
    errors = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is not None and value not in range(1, 6):
            errors[f"score_{criterion.pk}"] = f"Score “{criterion.title}” from 1 to 5."
        elif value is None and submit:
            errors[f"score_{criterion.pk}"] = f"Score “{criterion.title}” before submitting."
    if errors:
        raise ValidationError(errors)
    for criterion in criteria:
        score, _ = CriterionScore.objects.get_or_create(review=review, criterion=criterion)
        score.score = scores.get(criterion.pk)
        score.comment = comments.get(criterion.pk, "").strip()
        score.full_clean()
        score.save()
    before = review.status
    review.overall_comment = overall_comment.strip()
    review.status = ReviewStatus.SUBMITTED if submit else ReviewStatus.IN_PROGRESS
    if submit:
        review.submitted_at = timezone.now()
    review.full_clean()
    review.save()
    if before != review.status:
        audit_transition(
            actor=actor,
            obj=review,
            action="review.submitted" if submit else "review.started",
            field="status",
            before=before,
            after=review.status,
        )
    return review


@transaction.atomic
def rubric_criterion_add(
    *, rfp, title: str, actor, guidance: str = "", position: int | None = None
) -> RubricCriterion:
    """Add a criterion (scored 1 to 5) to an RFP's rubric; titles are unique per RFP. A
    rubric that reviewers have started scoring against takes no new criteria."""
    access = can_change_rubric(rfp.pk)
    if not access:
        raise ValidationError(access.reason)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Name the criterion."})
    if RubricCriterion.objects.filter(rfp=rfp, title__iexact=title).exists():
        raise ValidationError({"title": f"The rubric already has “{title}”."})
    if position is None:
        position = RubricCriterion.objects.filter(rfp=rfp).count()
    criterion = RubricCriterion(rfp=rfp, title=title, guidance=guidance.strip(), position=position)
    criterion.full_clean()
    criterion.save()
    audit_record(actor=actor, action="rubric.criterion_added", obj=criterion, after={"rfp": rfp.pk})
    return criterion
