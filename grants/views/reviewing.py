"""Reviewing and deciding, as screens in the Wagtail admin (under /admin/reviewing/).

These views check their objects through grants.permissions themselves and answer 404 to
anyone who may not see an object, so an applicant or a coordinator, who have no admin
access, learn nothing either (Wagtail's own admin wrapper would redirect them instead).
Reviewer names, scores and internal comments appear only here, to staff, and to a
reviewer for their own review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cms.models import RfpPage
from grants.exports import tabular_response
from grants.files import private_file_response
from grants.forms.reviews import (
    AssignForm,
    BulkAssignForm,
    CommentEditForm,
    CommentForm,
    DecisionForm,
    DeclarationForm,
    PaymentForm,
    ReversalForm,
    ScoreForm,
    add_service_error,
)
from grants.models import (
    Application,
    ApplicationStatus,
    AwardInstallment,
    Decision,
    DecisionStatus,
    InstallmentStatus,
    Program,
    Review,
    RubricCriterion,
    StaffComment,
)
from grants.permissions import (
    can_download_letter,
    can_manage_reviews,
    can_mark_installment_paid,
    can_open_review,
    can_release_installment,
    can_score_review,
    can_view_installments,
    require,
)
from grants.roles import is_finance, is_program_staff, is_reviewer
from grants.selectors.reviews import (
    application_reviews_for_staff,
    comments_for,
    decision_dashboard,
    review_aggregates,
    reviewer_assignments,
)
from grants.services.audit import audit_record
from grants.services.awarding import decision_record
from grants.services.comments import staff_comment_add, staff_comment_edit
from grants.services.decisions import (
    cash_awarded,
    decision_reverse,
    installment_mark_paid,
    installment_release,
)
from grants.services.reviews import (
    review_assign,
    review_declare,
    review_save,
    review_unassign,
    reviews_assign_bulk,
)

from .feedback import attempt


def admin_render(request, template, context, *, title, icon="form"):
    return render(request, template, {"page_title": title, "header_icon": icon, **context})


def _try(form, action) -> bool:
    try:
        action()
    except ValidationError as error:
        add_service_error(form, error)
        return False
    return True


# Reviewers ------------------------------------------------------------------------------


def my_reviews(request):
    """A reviewer's own assignments, and no one else's."""
    if not is_reviewer(request.user):
        raise Http404("Only reviewers have assignments.")
    return admin_render(
        request,
        "grants/admin/reviewing/my_reviews.html",
        {"reviews": reviewer_assignments(request.user)},
        title="My reviews",
    )


@require_http_methods(["GET", "POST"])
def review_detail(request, pk):
    """Declare a conflict of interest (or none), then score the application."""
    review = get_object_or_404(
        Review.objects.select_related(
            "application__organization", "application__rfp"
        ).prefetch_related("scores"),
        pk=pk,
    )
    require(can_open_review(request.user, review))
    application = review.application
    if not can_score_review(request.user, review):
        form = DeclarationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            ok = _try(
                form,
                lambda: review_declare(
                    review=review,
                    actor=request.user,
                    conflict=form.cleaned_data["conflict"],
                    note=form.cleaned_data["note"],
                ),
            )
            if ok:
                if form.cleaned_data["conflict"]:
                    messages.success(
                        request, f"You are recused from {application.organization}. Thank you."
                    )
                    return redirect("reviewing:my_reviews")
                return redirect("reviewing:review", pk=review.pk)
        return admin_render(
            request,
            "grants/admin/reviewing/declare.html",
            {"review": review, "application": application, "form": form},
            title=f"Review: {application.organization}",
        )
    criteria = list(RubricCriterion.objects.filter(rfp_id=application.rfp_id))
    form = ScoreForm(request.POST or None, criteria=criteria, review=review)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        ok = _try(
            form,
            lambda: review_save(
                review=review, actor=request.user, submit=submit, **form.service_arguments()
            ),
        )
        if ok:
            messages.success(request, "Review submitted." if submit else "Draft saved.")
            return redirect("reviewing:review", pk=review.pk)
    return admin_render(
        request,
        "grants/admin/reviewing/score.html",
        {
            "review": review,
            "application": application,
            "form": form,
            "comments": comments_for(application, staff=False),
            "read_only": review.status == "submitted"
            or application.status != ApplicationStatus.SUBMITTED,
        },
        title=f"Review: {application.organization}",
    )


# Staff: assignments, reviews, comments and decisions --------------------------------------


def _staff(request):
    require(can_manage_reviews(request.user))


def _submitted_for(rfp):
    return (
        Application.objects.filter(rfp=rfp)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .select_related("organization", "rfp")
        .order_by("organization__legal_name")
    )


@require_http_methods(["GET", "POST"])
def staff_applications(request):
    """Applications of one RFP with their review progress; bulk assignment of reviewers."""
    _staff(request)
    rfps = RfpPage.objects.select_related("program").order_by("-closes_at")
    chosen = request.GET.get("rfp", "")
    rfp = (rfps.filter(pk=int(chosen)).first() if chosen.isdigit() else None) or rfps.first()
    applications = list(_submitted_for(rfp)) if rfp else []
    assignable = Application.objects.filter(
        pk__in=[a.pk for a in applications if a.status == ApplicationStatus.SUBMITTED]
    ).select_related("organization")
    form = BulkAssignForm(request.POST or None, applications=assignable)
    if request.method == "POST" and form.is_valid():
        created = []
        if _try(
            form,
            lambda: created.extend(
                reviews_assign_bulk(
                    applications=form.cleaned_data["applications"],
                    reviewers=form.cleaned_data["reviewers"],
                    actor=request.user,
                )
            ),
        ):
            messages.success(request, f"{len(created)} new assignment(s) made.")
            return redirect(f"{reverse('reviewing:staff_applications')}?rfp={rfp.pk}")
    aggregates = review_aggregates(applications)
    return admin_render(
        request,
        "grants/admin/reviewing/staff_applications.html",
        {
            "rfps": rfps,
            "rfp": rfp,
            "rows": [(a, aggregates[a.pk]) for a in applications],
            "form": form,
            "criteria_count": RubricCriterion.objects.filter(rfp=rfp).count() if rfp else 0,
        },
        title="Review and decide",
    )


def _staff_application(request, public_id) -> Application:
    _staff(request)
    return get_object_or_404(
        Application.objects.select_related("organization", "rfp__program"), public_id=public_id
    )


def _detail_context(request, application, **forms):
    decision = (
        application.decisions.filter(status=DecisionStatus.ACTIVE)
        .prefetch_related("installments")
        .first()
    )
    used = cash_awarded(application.rfp.program)
    return {
        "application": application,
        "reviews": application_reviews_for_staff(application),
        "aggregate": review_aggregates([application])[application.pk],
        "comments": comments_for(application, staff=True),
        "decision": decision,
        "past_decisions": application.decisions.filter(status=DecisionStatus.REVERSED),
        "site": getattr(decision, "site", None) if decision else None,
        "assign_form": forms.get("assign_form") or AssignForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "decision_form": forms.get("decision_form")
        or DecisionForm(initial={"amount": application.rfp.program.award_amount}),
        "reversal_form": forms.get("reversal_form") or ReversalForm(),
        "can_decide": application.status == ApplicationStatus.SUBMITTED,
        "budget_used": used,
        "budget_remaining": application.rfp.program.budget - used,
    }


def _detail(request, application, status=200, **forms):
    response = admin_render(
        request,
        "grants/admin/reviewing/application.html",
        _detail_context(request, application, **forms),
        title=f"Review and decide: {application.organization}",
    )
    response.status_code = status
    return response


def staff_application(request, public_id):
    """Everything staff need to decide one application: assignments and declarations,
    every review, the aggregate and spread, internal comments and the decision."""
    return _detail(request, _staff_application(request, public_id))


def _back(application):
    return redirect("reviewing:staff_application", public_id=application.public_id)


@require_POST
def staff_assign(request, public_id):
    application = _staff_application(request, public_id)
    form = AssignForm(request.POST)
    if form.is_valid() and _try(
        form,
        lambda: review_assign(
            application=application, reviewer=form.cleaned_data["reviewer"], actor=request.user
        ),
    ):
        messages.success(request, f"{form.cleaned_data['reviewer'].email} is assigned.")
        return _back(application)
    return _detail(request, application, status=400, assign_form=form)


@require_POST
def staff_unassign(request, public_id, pk):
    application = _staff_application(request, public_id)
    review = get_object_or_404(
        Review.objects.select_related("reviewer"), pk=pk, application=application
    )
    attempt(
        request,
        lambda: review_unassign(review=review, actor=request.user),
        f"{review.reviewer.email} is unassigned.",
    )
    return _back(application)


@require_POST
def staff_comment(request, public_id):
    application = _staff_application(request, public_id)
    form = CommentForm(request.POST)
    if form.is_valid() and _try(
        form,
        lambda: staff_comment_add(
            application=application,
            actor=request.user,
            body=form.cleaned_data["body"],
            visibility=form.cleaned_data["visibility"],
        ),
    ):
        messages.success(request, "Comment added.")
        return _back(application)
    return _detail(request, application, status=400, comment_form=form)


@require_http_methods(["GET", "POST"])
def staff_comment_change(request, pk):
    _staff(request)
    comment = get_object_or_404(StaffComment.objects.select_related("application"), pk=pk)
    if comment.author_id != request.user.pk:
        raise Http404("Only the comment's author edits it.")
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if (
        request.method == "POST"
        and form.is_valid()
        and _try(
            form,
            lambda: staff_comment_edit(
                comment=comment, actor=request.user, body=form.cleaned_data["body"]
            ),
        )
    ):
        messages.success(request, "Comment changed.")
        return _back(comment.application)
    return admin_render(
        request,
        "grants/admin/reviewing/comment_edit.html",
        {"comment": comment, "form": form},
        title="Edit comment",
    )


@require_POST
def staff_decide(request, public_id):
    application = _staff_application(request, public_id)
    form = DecisionForm(request.POST)
    decision = []
    if form.is_valid() and _try(
        form,
        lambda: decision.append(
            decision_record(
                application=application,
                outcome=form.cleaned_data["outcome"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        ),
    ):
        messages.success(
            request,
            f"Decision recorded: {decision[0].get_outcome_display()}. "
            "The letter is being made and emailed.",
        )
        return _back(application)
    return _detail(request, application, status=400, decision_form=form)


@require_POST
def staff_reverse(request, public_id):
    application = _staff_application(request, public_id)
    decision = get_object_or_404(Decision, application=application, status=DecisionStatus.ACTIVE)
    form = ReversalForm(request.POST)
    if form.is_valid() and _try(
        form,
        lambda: decision_reverse(
            decision=decision, actor=request.user, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, "The decision is reversed; the application can be decided again.")
        return _back(application)
    return _detail(request, application, status=400, reversal_form=form)


def letter_download(request, pk):
    decision = get_object_or_404(
        Decision.objects.select_related("application__organization"), pk=pk
    )
    require(can_download_letter(request.user, decision))
    if not decision.letter:
        raise Http404("The letter has not been made yet.")
    return private_file_response(
        decision.letter,
        filename=decision.letter.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )


# Decision dashboard ---------------------------------------------------------------------


DASHBOARD_HEADERS = [
    "Rank",
    "Organization",
    "Organization type",
    "Content areas",
    "Status",
    "Reviews submitted",
    "Mean total",
    "Lowest total",
    "Highest total",
    "Standard deviation",
    "Decision",
    "Cash amount",
]


def dashboard(request):
    """Applications ranked by aggregate score, budget used and remaining, and counts by
    content area and organization type; ?format=xlsx (or csv) downloads the ranking."""
    _staff(request)
    programs = Program.objects.order_by("-starts_on")
    program = programs.filter(slug=request.GET.get("program") or "").first() or programs.first()
    if program is None:
        raise Http404("No programs yet.")
    board = decision_dashboard(program)
    file_format = request.GET.get("format")
    if file_format in ("xlsx", "csv"):
        audit_record(
            actor=request.user,
            action="decisions.exported",
            obj=program,
            after={"format": file_format, "rows": len(board.rows)},
        )
        return tabular_response(
            filename=f"decisions-{program.slug}",
            headers=DASHBOARD_HEADERS,
            rows=[
                [
                    row.rank,
                    row.application.organization.legal_name,
                    row.application.organization.get_org_type_display(),
                    ", ".join(a.code for a in row.application.content_areas.all()),
                    row.application.get_status_display(),
                    row.aggregate.submitted,
                    row.aggregate.mean_total,
                    row.aggregate.low_total,
                    row.aggregate.high_total,
                    row.aggregate.stdev_total,
                    row.decision.get_outcome_display() if row.decision else "",
                    row.decision.amount if row.decision else None,
                ]
                for row in board.rows
            ],
            file_format=file_format,
        )
    return admin_render(
        request,
        "grants/admin/reviewing/dashboard.html",
        {"board": board, "programs": programs},
        title="Decision dashboard",
        icon="table",
    )


# Installments ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def installments(request):
    """The award installments: staff or finance release one when its milestone is met;
    finance records the payment."""
    require(can_view_installments(request.user))
    rows = (
        AwardInstallment.objects.select_related("award__application__organization", "paid_by")
        .exclude(status=InstallmentStatus.CANCELLED)
        .order_by("status", "award__application__organization__legal_name", "sequence")
    )
    return admin_render(
        request,
        "grants/admin/reviewing/installments.html",
        {
            "installments": rows,
            "payment_form": PaymentForm(),
            "finance": is_finance(request.user),
            "staff": is_program_staff(request.user),
        },
        title="Award installments",
        icon="doc-full",
    )


@require_POST
def installment_release_view(request, pk):
    require(can_release_installment(request.user))
    installment = get_object_or_404(AwardInstallment, pk=pk)
    attempt(
        request,
        lambda: installment_release(installment=installment, actor=request.user),
        "Installment released for payment.",
    )
    return redirect("reviewing:installments")


@require_POST
def installment_pay_view(request, pk):
    require(can_mark_installment_paid(request.user))
    installment = get_object_or_404(AwardInstallment, pk=pk)
    form = PaymentForm(request.POST)
    reference = form.data.get("reference", "")
    attempt(
        request,
        lambda: installment_mark_paid(
            installment=installment, actor=request.user, reference=reference
        ),
        "Installment marked paid.",
    )
    return redirect("reviewing:installments")
