from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from grants.models import (
    Application,
    ApplicationStatus,
    Award,
    AwardInstallment,
    Decision,
    DecisionOutcome,
    DecisionStatus,
    InstallmentStatus,
    Milestone,
    Program,
)
from grants.queue import enqueue_after_commit

from .audit import audit_record, audit_transition

OUTCOME_STATUS = {
    DecisionOutcome.AWARD: ApplicationStatus.AWARDED,
    DecisionOutcome.HONORARY: ApplicationStatus.HONORARY,
    DecisionOutcome.DECLINE: ApplicationStatus.DECLINED,
}

# The default payment schedule: half when the agreement is signed, half when the final
# site report is accepted.
DEFAULT_SCHEDULE = ((Milestone.AGREEMENT, Decimal("50")), (Milestone.FINAL_REPORT, Decimal("50")))


def cash_awarded(program: Program) -> Decimal:
    """The sum of the program's cash awards that are in effect."""
    total = Decision.objects.filter(
        program=program, outcome=DecisionOutcome.AWARD, status=DecisionStatus.ACTIVE
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def _decide(
    *,
    application: Application,
    outcome: DecisionOutcome,
    amount: Decimal,
    reason: str,
    actor,
    at: datetime | None,
) -> Decision:
    at = at or timezone.now()
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Give a reason for the decision."})
    # Lock the program first, then the application: every decision takes the locks in this
    # order, so two staff deciding at once queue up instead of both reading the old total.
    program = Program.objects.select_for_update().get(pk=application.rfp.program_id)
    application = (
        Application.objects.select_for_update().select_related("rfp").get(pk=application.pk)
    )
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            f"Only a submitted application can be decided; this one is "
            f"{application.get_status_display().lower()}."
        )
    if outcome == DecisionOutcome.AWARD:
        remaining = program.budget - cash_awarded(program)
        if amount > remaining:
            raise ValidationError(
                {
                    "amount": f"An award of ${amount:,.2f} would exceed the program budget: "
                    f"${remaining:,.2f} of ${program.budget:,.2f} remains."
                }
            )
    decision = Decision(
        application=application,
        program=program,
        outcome=outcome,
        amount=amount,
        reason=reason.strip(),
        decided_by=actor,
        decided_at=at,
        period_start=program.starts_on if outcome != DecisionOutcome.DECLINE else None,
        period_end=program.ends_on if outcome != DecisionOutcome.DECLINE else None,
    )
    decision.full_clean()
    decision.save()
    before = application.status
    application.status = OUTCOME_STATUS[outcome]
    application.decided_at = at
    application.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action=f"decision.{outcome}",
        obj=application,
        before={"status": before},
        after={"status": application.status, "decision": decision.pk, "amount": amount},
        note=reason,
    )
    # Every decision gets its letter, made and emailed in the background once it commits.
    enqueue_after_commit("grants.tasks.decision_letter_send", decision.pk)
    return decision


def _schedule_installments(award: Decision, *, actor) -> None:
    total = award.amount
    remaining = total
    for sequence, (milestone, percent) in enumerate(DEFAULT_SCHEDULE, start=1):
        if sequence == len(DEFAULT_SCHEDULE):
            amount = remaining
        else:
            amount = (total * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        remaining -= amount
        installment = AwardInstallment(
            award_id=award.pk, sequence=sequence, milestone=milestone, amount=amount
        )
        installment.full_clean()
        installment.save()
        audit_record(
            actor=actor,
            action="installment.scheduled",
            obj=installment,
            after={"amount": amount, "milestone": milestone, "status": installment.status},
        )


@transaction.atomic
def award_create(
    *,
    application: Application,
    actor,
    reason: str,
    amount: Decimal | None = None,
    at: datetime | None = None,
) -> Award:
    """Award cash to a submitted application. The amount defaults to the program's award
    amount, and the program's cash awards in effect can never exceed its budget, even when
    two staff decide at once (the program row is locked)."""
    program = application.rfp.program
    amount = program.award_amount if amount is None else Decimal(str(amount))
    if amount <= 0:
        raise ValidationError({"amount": "A cash award must be more than $0."})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": "Amounts are in dollars and cents (two decimals)."})
    decision = _decide(
        application=application,
        outcome=DecisionOutcome.AWARD,
        amount=amount,
        reason=reason,
        actor=actor,
        at=at,
    )
    _schedule_installments(decision, actor=actor)
    return Award.objects.get(pk=decision.pk)


@transaction.atomic
def award_create_honorary(
    *, application: Application, actor, reason: str, at: datetime | None = None
) -> Award:
    """Admit a submitted application as an honorary site: it takes part with no grant funds."""
    decision = _decide(
        application=application,
        outcome=DecisionOutcome.HONORARY,
        amount=Decimal("0.00"),
        reason=reason,
        actor=actor,
        at=at,
    )
    return Award.objects.get(pk=decision.pk)


@transaction.atomic
def application_decline(
    *, application: Application, actor, reason: str, at: datetime | None = None
) -> Decision:
    """Decline a submitted application, with a reason."""
    return _decide(
        application=application,
        outcome=DecisionOutcome.DECLINE,
        amount=Decimal("0.00"),
        reason=reason,
        actor=actor,
        at=at,
    )


def _site_remove_unused(decision: Decision, *, actor) -> None:
    """An award's grant site that has not begun work (no roster, report or stipend plan:
    those rows protect it) goes with the award, with its unused coordinator invitations.
    A site that has begun work blocks the reversal."""
    from django.db.models import ProtectedError

    from grants.models import Invitation
    from sites.models import GrantSite

    site = GrantSite.objects.filter(award_id=decision.pk).first()
    if site is None:
        return
    refusal = (
        f"The grant site {site} has begun work for this award. Close the site before reversing."
    )
    if site.participants.exists():
        raise ValidationError(refusal)
    name, pk = str(site), site.pk
    Invitation.objects.filter(site=site, accepted_at__isnull=True).delete()
    try:
        with transaction.atomic():
            site.delete()
    except ProtectedError as error:
        raise ValidationError(refusal) from error
    audit_record(
        actor=actor,
        action="site.removed_with_award",
        after={"site": pk, "name": name, "award": decision.pk},
    )


@transaction.atomic
def decision_reverse(*, decision: Decision, actor, reason: str) -> Decision:
    """Undo a decision explicitly. The application returns to "submitted" and can be
    decided again; the reversal is kept in the audit trail. An award whose grant site has
    begun work, or whose installments have been paid, cannot be reversed; a site that has
    not begun work is removed with it."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Give a reason for the reversal."})
    Program.objects.select_for_update().get(pk=decision.program_id)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.ACTIVE:
        raise ValidationError("This decision has already been reversed.")
    _site_remove_unused(decision, actor=actor)
    if decision.installments.filter(status=InstallmentStatus.PAID).exists():
        raise ValidationError("An installment of this award has been paid; it cannot be reversed.")
    now = timezone.now()
    decision.status = DecisionStatus.REVERSED
    decision.reversed_by = actor
    decision.reversed_at = now
    decision.reversal_reason = reason.strip()
    decision.full_clean()
    decision.save()
    for installment in decision.installments.exclude(status=InstallmentStatus.CANCELLED):
        before = installment.status
        installment.status = InstallmentStatus.CANCELLED
        installment.save(update_fields=["status", "updated_at"])
        audit_transition(
            actor=actor,
            obj=installment,
            action="installment.cancelled",
            field="status",
            before=before,
            after=installment.status,
        )
    application = Application.objects.select_for_update().get(pk=decision.application_id)
    before = application.status
    application.status = ApplicationStatus.SUBMITTED
    application.decided_at = None
    application.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="decision.reversed",
        obj=application,
        before={"status": before, "decision": decision.pk},
        after={"status": application.status},
        note=reason,
    )
    return decision


@transaction.atomic
def installment_release(*, installment: AwardInstallment, actor) -> AwardInstallment:
    """Release a scheduled installment for payment once its milestone is met."""
    installment = AwardInstallment.objects.select_for_update().get(pk=installment.pk)
    if installment.status != InstallmentStatus.SCHEDULED:
        raise ValidationError(
            f"This installment is {installment.get_status_display().lower()}, not scheduled."
        )
    installment.status = InstallmentStatus.RELEASED
    installment.released_at = timezone.now()
    installment.full_clean()
    installment.save()
    audit_transition(
        actor=actor,
        obj=installment,
        action="installment.released",
        field="status",
        before=InstallmentStatus.SCHEDULED,
        after=installment.status,
    )
    return installment


@transaction.atomic
def installment_mark_paid(
    *, installment: AwardInstallment, actor, reference: str, paid_at: datetime | None = None
) -> AwardInstallment:
    """Record that finance paid a released installment to the grantee."""
    installment = AwardInstallment.objects.select_for_update().get(pk=installment.pk)
    if installment.status != InstallmentStatus.RELEASED:
        raise ValidationError(
            "Only a released installment can be marked paid; this one is "
            f"{installment.get_status_display().lower()}."
        )
    if not reference.strip():
        raise ValidationError({"payment_reference": "Enter the payment reference."})
    installment.status = InstallmentStatus.PAID
    installment.paid_at = paid_at or timezone.now()
    installment.paid_by = actor
    installment.payment_reference = reference.strip()
    installment.full_clean()
    installment.save()
    audit_record(
        actor=actor,
        action="installment.paid",
        obj=installment,
        before={"status": InstallmentStatus.RELEASED},
        after={
            "status": installment.status,
            "amount": installment.amount,
            "reference": installment.payment_reference,
        },
    )
    return installment
