"""Object rules for the grants app. Each function is pure: it looks at the user and the
object and answers whether the action is allowed, and why. Views turn a refusal into 404
so that nobody learns an object exists by being refused it."""

from dataclasses import dataclass

from django.http import Http404

from .roles import is_finance, is_program_staff, is_reviewer


@dataclass(frozen=True)
class Access:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def allow(reason: str) -> Access:
    return Access(True, reason)


def deny(reason: str) -> Access:
    return Access(False, reason)


def require(access: Access) -> None:
    """Raise 404 unless ``access`` allows: a refused user must not learn the object exists."""
    if not access:
        raise Http404(access.reason)


def is_member(user, organization) -> bool:
    if not user.is_authenticated:
        return False
    return organization.memberships.filter(user=user).exists()


def can_view_application(user, application) -> Access:
    if not user.is_authenticated:
        return deny("Sign in to see applications.")
    if is_program_staff(user):
        return allow("Program staff see every application.")
    if is_member(user, application.organization):
        return allow("Members see their organization's applications.")
    if is_reviewer(user) and application.reviews.filter(reviewer=user, conflict="none").exists():
        return allow("Assigned reviewers without a conflict see the application.")
    return deny("Only the organization's members, staff and its reviewers see it.")


def can_edit_application(user, application) -> Access:
    if not is_member(user, application.organization):
        return deny("Only the organization's members edit its application.")
    if application.status != "draft":
        return deny("Only a draft can be edited.")
    return allow("Members edit their organization's draft.")


def can_withdraw_application(user, application) -> Access:
    if not is_member(user, application.organization):
        return deny("Only the organization's members withdraw its application.")
    if application.status not in ("draft", "submitted"):
        return deny("A decided or withdrawn application cannot be withdrawn.")
    return allow("Members withdraw until a decision is made.")


def can_manage_organization(user, organization) -> Access:
    if is_member(user, organization):
        return allow("Members manage their organization.")
    if is_program_staff(user):
        return allow("Program staff manage organizations.")
    return deny("Only members manage an organization.")


def can_decide(user) -> Access:
    if is_program_staff(user):
        return allow("Program staff record decisions.")
    return deny("Only program staff record decisions.")


def can_mark_installment_paid(user) -> Access:
    if is_finance(user):
        return allow("Finance marks installments paid.")
    return deny("Only finance marks installments paid.")


def can_apply(user) -> Access:
    if not user.is_authenticated:
        return deny("Sign in to apply.")
    if user.email_verified_at is None:
        return deny("Confirm your email address before applying.")
    return allow("People with a confirmed email address apply for their organizations.")


def can_apply_for(user, organization) -> Access:
    if not can_apply(user):
        return can_apply(user)
    if not is_member(user, organization):
        return deny("Only the organization's members apply on its behalf.")
    return allow("Verified members apply for their organization.")


def can_download_application_pdf(user, application) -> Access:
    access = can_view_application(user, application)
    if not access:
        return access
    if application.submitted_at is None:
        return deny("Only a submitted application has a PDF copy.")
    return allow("Members and staff download the submitted application.")


def can_answer_membership_request(user, membership_request) -> Access:
    if is_member(user, membership_request.organization):
        return allow("Members answer requests to join their organization.")
    return deny("Only the organization's members answer requests to join it.")


def can_manage_members(user, organization) -> Access:
    if is_member(user, organization):
        return allow("Members edit their organization's profile and invite colleagues.")
    return deny("Only the organization's members manage it.")


# Reviewing and deciding ------------------------------------------------------------------


def can_manage_reviews(user) -> Access:
    if is_program_staff(user):
        return allow("Program staff assign reviewers and see every review.")
    return deny("Only program staff manage reviews.")


def can_open_review(user, review) -> Access:
    """The assigned reviewer opens their own review to declare a conflict or not."""
    if not is_reviewer(user) or review.reviewer_id != user.pk:
        return deny("Only the assigned reviewer opens a review.")
    if review.conflict == "conflict":
        return deny("A reviewer with a conflict of interest cannot see the application.")
    return allow("The assigned reviewer opens their review.")


def can_score_review(user, review) -> Access:
    """Only after declaring no conflict does the reviewer see the application and score."""
    access = can_open_review(user, review)
    if not access:
        return access
    if review.conflict != "none":
        return deny("Declare a conflict of interest, or none, first.")
    return allow("The assigned reviewer without a conflict scores the application.")


def can_change_rubric(rfp_id) -> Access:
    """An RFP's rubric criteria are added, changed or removed only until scoring starts:
    once any review of one of its applications holds a score, draft or submitted, the
    criteria are what reviewers are scoring against and stay as they are."""
    from grants.models import CriterionScore

    if (
        rfp_id is not None
        and CriterionScore.objects.filter(
            review__application__rfp_id=rfp_id, score__isnull=False
        ).exists()
    ):
        return deny(
            "Reviewers have started scoring applications to this RFP, so its rubric "
            "criteria can no longer be added, changed or removed."
        )
    return allow("Nobody has scored against this rubric yet.")


def can_release_installment(user) -> Access:
    if is_program_staff(user) or is_finance(user):
        return allow("Staff and finance release an installment once its milestone is met.")
    return deny("Only staff and finance release installments.")


def can_view_installments(user) -> Access:
    return can_release_installment(user)


def can_download_letter(user, decision) -> Access:
    if is_program_staff(user):
        return allow("Program staff see every letter.")
    if is_member(user, decision.application.organization):
        return allow("Members see their organization's decision letter.")
    return deny("Only staff and the organization's members see its letter.")
