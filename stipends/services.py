"""Write operations for stipends: rules, accrual, approval within budget, and payments.

Money is Decimal dollars throughout. Budget is reserved under a lock on the site row, so
no number of simultaneous approvals can commit more than the site has."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.services.audit import audit_record, audit_record_many, audit_transition

from .models import (
    INACTIVE_STATUSES,
    MANUAL_METHODS,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Stipend,
    StipendPlan,
    StipendRule,
    StipendStatus,
    StipendTrigger,
)
from .selectors import site_stipend_budget, site_stipend_committed

CENT = Decimal("0.01")


def money(value) -> Decimal:
    """Parse a dollar amount exactly. More than two decimal places is refused, never rounded."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").removeprefix("$"))
    except ArithmeticError as error:
        raise ValidationError({"amount": "Enter an amount in dollars, such as 230.00."}) from error
    if not amount.is_finite():
        raise ValidationError({"amount": "Enter an amount in dollars, such as 230.00."})
    if amount != amount.quantize(CENT):
        raise ValidationError({"amount": "Amounts have at most two decimal places (cents)."})
    return amount.quantize(CENT)


def _require_funded(site) -> None:
    if site.is_honorary:
        raise ValidationError(
            f"{site} is an honorary site: it has no grant funds, so it cannot pay stipends."
        )


@transaction.atomic
def stipend_plan_set(*, site, allow_both: bool, actor) -> StipendPlan:
    """Create or change a site's stipend plan. Honorary sites have no funds for one."""
    _require_funded(site)
    plan, created = StipendPlan.objects.select_for_update().get_or_create(
        site=site, defaults={"allow_both": allow_both}
    )
    if not created and plan.allow_both != allow_both:
        before = plan.allow_both
        plan.allow_both = allow_both
        plan.full_clean()
        plan.save()
        audit_transition(
            actor=actor,
            obj=plan,
            action="stipend_plan.changed",
            field="allow_both",
            before=before,
            after=allow_both,
        )
    elif created:
        audit_record(
            actor=actor, action="stipend_plan.created", obj=plan, after={"allow_both": allow_both}
        )
    return plan


@transaction.atomic
def stipend_rule_create(*, site, trigger: str, amount, actor, micro_credential=None) -> StipendRule:
    """Add a stipend rule. The site must have grant funds, the micro-credential must be one
    it pilots, and one stipend can never exceed the site's stipend budget."""
    _require_funded(site)
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": "A stipend must be more than $0."})
    budget = site_stipend_budget(site)
    if amount > budget:
        raise ValidationError(
            {
                "amount": f"${amount:,.2f} is more than the site's whole stipend budget "
                f"(${budget:,.2f})."
            }
        )
    if (
        micro_credential is not None
        and not site.content_areas.filter(pk=micro_credential.content_area_id).exists()
    ):
        raise ValidationError(
            {"micro_credential": f"{site} does not pilot {micro_credential.code}."}
        )
    plan = StipendPlan.objects.filter(site=site).first() or stipend_plan_set(
        site=site, allow_both=False, actor=actor
    )
    if StipendRule.objects.filter(
        plan=plan, trigger=trigger, micro_credential=micro_credential
    ).exists():
        raise ValidationError("A rule for this trigger and micro-credential already exists.")
    rule = StipendRule(plan=plan, trigger=trigger, micro_credential=micro_credential, amount=amount)
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action="stipend_rule.created",
        obj=rule,
        after={
            "trigger": trigger,
            "amount": amount,
            "micro_credential": micro_credential.code if micro_credential else None,
        },
    )
    return rule


def _matching_rule(plan: StipendPlan, trigger: str, micro_credential) -> StipendRule | None:
    rules = [r for r in plan.rules.all() if r.trigger == trigger]
    specific = [r for r in rules if r.micro_credential_id == micro_credential.pk]
    general = [r for r in rules if r.micro_credential_id is None]
    return (specific or general or [None])[0]


def stipends_accrue_for_attempt(*, attempt, actor) -> list[Stipend]:
    """Create the pending stipends one attempt makes its participant eligible for (see
    ``stipends_accrue_for_attempts``)."""
    return stipends_accrue_for_attempts(attempts=[attempt], actor=actor)


@transaction.atomic
def stipends_accrue_for_attempts(*, attempts, actor) -> list[Stipend]:
    """Create the pending stipends newly recorded ``attempts`` make their participants
    eligible for.

    A first submission triggers on attempt 1, an earned stipend on the earned attempt.
    Each (participant, micro-credential, trigger) accrues once; unless the site allows
    both, a participant who has one trigger's stipend does not get the other's. Attempts
    are taken in the order they were made, so a file that lists attempt 2 before attempt 1
    accrues what recording them one by one would. Honorary sites and sites without a plan
    accrue nothing. A file of thousands of attempts costs a few queries, not some per row."""
    attempts = sorted(
        (a for a in attempts if a.result == "earned" or a.number == 1),
        key=lambda a: (a.participant_id, a.micro_credential_id, a.number),
    )
    sites = {a.participant.site_id: a.participant.site for a in attempts}
    funded = [pk for pk, site in sites.items() if not site.is_honorary]
    if not funded:
        return []
    plans = {
        plan.site_id: plan
        for plan in StipendPlan.objects.filter(site_id__in=funded).prefetch_related("rules")
    }
    if not plans:
        return []
    held: dict[tuple[int, int], set[str]] = {}
    # Only these participants' stipends: recording one attempt by hand reads one person's.
    for participant_id, micro_credential_id, trigger in (
        Stipend.objects.filter(participant_id__in={a.participant_id for a in attempts})
        .exclude(status__in=[StipendStatus.VOID, StipendStatus.REJECTED])
        .values_list("participant_id", "micro_credential_id", "trigger")
    ):
        held.setdefault((participant_id, micro_credential_id), set()).add(trigger)
    created = []
    for attempt in attempts:
        participant = attempt.participant
        plan = plans.get(participant.site_id)
        if plan is None:
            continue
        taken = held.setdefault((participant.pk, attempt.micro_credential_id), set())
        # When one attempt fires both triggers (earned on the first try) and the plan pays
        # only one, the earned stipend is the one paid.
        triggers = []
        if attempt.result == "earned":
            triggers.append(StipendTrigger.EARNED)
        if attempt.number == 1:
            triggers.append(StipendTrigger.FIRST_SUBMISSION)
        for trigger in triggers:
            rule = _matching_rule(plan, trigger, attempt.micro_credential)
            if rule is None or trigger in taken or (taken and not plan.allow_both):
                continue
            stipend = Stipend(
                site=sites[participant.site_id],
                participant=participant,
                micro_credential=attempt.micro_credential,
                trigger=trigger,
                rule=rule,
                attempt=attempt,
                amount=rule.amount,
            )
            # Every related row was loaded above, and the once-per-trigger rule was checked
            # against ``held``; the partial unique constraint still guards it in the database.
            stipend.full_clean(
                exclude=["site", "participant", "micro_credential", "rule", "attempt"],
                validate_unique=False,
                validate_constraints=False,
            )
            taken.add(trigger)
            created.append(stipend)
    Stipend.objects.bulk_create(created, batch_size=1000)
    audit_record_many(
        actor=actor,
        action="stipend.accrued",
        changes=[(s, None, {"status": s.status, "amount": s.amount}) for s in created],
    )
    return created


@transaction.atomic
def stipend_submit(*, stipend: Stipend, actor) -> Stipend:
    """The coordinator asks finance to pay a pending stipend."""
    stipend = Stipend.objects.select_for_update().get(pk=stipend.pk)
    if stipend.status != StipendStatus.PENDING:
        raise ValidationError(
            f"Only a pending stipend can be requested; this one is "
            f"{stipend.get_status_display().lower()}."
        )
    stipend.status = StipendStatus.SUBMITTED
    stipend.save(update_fields=["status", "updated_at"])
    audit_transition(
        actor=actor,
        obj=stipend,
        action="stipend.submitted",
        field="status",
        before=StipendStatus.PENDING,
        after=stipend.status,
    )
    return stipend


def _reserve(stipend: Stipend, *, status: str, refusal: str, doing: str):
    """Lock the site, then the stipend, and check that the stipend is ``status`` and that
    its amount fits in what remains of the site's stipend budget. The lock serializes
    every reservation at the site, so simultaneous ones can never overspend. Returns the
    locked stipend and the amount committed before it."""
    from sites.models import GrantSite

    site = GrantSite.objects.select_for_update().select_related("award").get(pk=stipend.site_id)
    stipend = Stipend.objects.select_for_update().get(pk=stipend.pk)
    if stipend.status != status:
        raise ValidationError(f"{refusal}; this one is {stipend.get_status_display().lower()}.")
    _require_funded(site)
    budget = site_stipend_budget(site)
    committed = site_stipend_committed(site)
    if committed + stipend.amount > budget:
        raise ValidationError(
            f"{doing} ${stipend.amount:,.2f} would exceed {site}'s stipend budget: "
            f"${budget - committed:,.2f} of ${budget:,.2f} remains."
        )
    return stipend, committed


@transaction.atomic
def stipend_approve(*, stipend: Stipend, actor) -> Stipend:
    """Finance approves a requested stipend, reserving its amount from the site's stipend
    budget. The site row is locked while the committed total is read and raised, so
    concurrent approvals are serialized and can never overspend."""
    stipend, committed = _reserve(
        stipend,
        status=StipendStatus.SUBMITTED,
        refusal="Only a requested stipend can be approved",
        doing="Approving",
    )
    stipend.status = StipendStatus.APPROVED
    stipend.decided_by = actor
    stipend.decided_at = timezone.now()
    stipend.full_clean()
    stipend.save()
    audit_record(
        actor=actor,
        action="stipend.approved",
        obj=stipend,
        before={"status": StipendStatus.SUBMITTED, "committed": committed},
        after={"status": stipend.status, "committed": committed + stipend.amount},
    )
    return stipend


@transaction.atomic
def stipend_reapprove(*, stipend: Stipend, actor, reason: str) -> Stipend:
    """Finance approves a stipend again after Stripe reversed its transfer (a wrong or
    closed account, say), so it can be paid once more. The amount is reserved from the
    site's budget under the same lock as a first approval, and the stipend's amount
    version moves on, so the new payment gets its own idempotency key and the reversed
    transfer is never replayed. A reason is required and kept in the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the reversed stipend is being paid again."})
    stipend, committed = _reserve(
        stipend,
        status=StipendStatus.REVERSED,
        refusal="Only a reversed stipend can be approved again",
        doing="Paying",
    )
    stipend.status = StipendStatus.APPROVED
    stipend.amount_version += 1
    stipend.decided_by = actor
    stipend.decided_at = timezone.now()
    stipend.full_clean()
    stipend.save()
    audit_record(
        actor=actor,
        action="stipend.reapproved",
        obj=stipend,
        before={"status": StipendStatus.REVERSED, "committed": committed},
        after={
            "status": stipend.status,
            "committed": committed + stipend.amount,
            "amount_version": stipend.amount_version,
        },
        note=reason,
    )
    return stipend


@transaction.atomic
def stipend_reject(*, stipend: Stipend, actor, reason: str) -> Stipend:
    """Finance rejects a requested stipend, with a reason the coordinator sees."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for rejecting the stipend."})
    stipend = Stipend.objects.select_for_update().get(pk=stipend.pk)
    if stipend.status != StipendStatus.SUBMITTED:
        raise ValidationError("Only a requested stipend can be rejected.")
    stipend.status = StipendStatus.REJECTED
    stipend.decided_by = actor
    stipend.decided_at = timezone.now()
    stipend.decision_reason = reason.strip()
    stipend.full_clean()
    stipend.save()
    audit_transition(
        actor=actor,
        obj=stipend,
        action="stipend.rejected",
        field="status",
        before=StipendStatus.SUBMITTED,
        after=stipend.status,
        note=reason,
    )
    return stipend


@transaction.atomic
def payment_record_manual(
    *, stipend: Stipend, method: str, reference: str, paid_on: date, amount, actor
) -> Payment:
    """Record a check, ACH or district-payroll payment of an approved stipend. The amount
    must be the stipend's exactly, and a stipend is paid once."""
    if method not in MANUAL_METHODS:
        raise ValidationError({"method": "Choose check, ACH or district payroll."})
    amount = money(amount)
    if not reference or not reference.strip():
        raise ValidationError({"reference": "Enter the check, ACH or payroll reference number."})
    if paid_on is None:
        raise ValidationError({"paid_on": "Enter the date paid."})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "The payment date cannot be in the future."})
    stipend = Stipend.objects.select_for_update().get(pk=stipend.pk)
    if stipend.status != StipendStatus.APPROVED:
        raise ValidationError(
            f"Only an approved stipend can be paid; this one is "
            f"{stipend.get_status_display().lower()}."
        )
    if amount != stipend.amount:
        raise ValidationError(
            {"amount": f"The payment must be the stipend's amount, ${stipend.amount:,.2f}."}
        )
    in_batch = stipend.payments.filter(
        method=PaymentMethod.STRIPE, status__in=[PaymentStatus.PENDING, PaymentStatus.HELD]
    ).first()
    if in_batch is not None:
        raise ValidationError(
            f"This stipend is being paid through Stripe in batch {in_batch.batch_id}; "
            "it cannot also be paid manually."
        )
    payment = Payment(
        stipend=stipend,
        method=method,
        amount=amount,
        status=PaymentStatus.SUCCEEDED,
        reference=reference.strip(),
        paid_on=paid_on,
        recorded_by=actor,
    )
    payment.full_clean()
    payment.save()
    stipend.status = StipendStatus.PAID
    stipend.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="payment.recorded",
        obj=stipend,
        before={"status": StipendStatus.APPROVED},
        after={
            "status": stipend.status,
            "payment": payment.pk,
            "method": method,
            "amount": amount,
            "reference": payment.reference,
        },
    )
    return payment


@transaction.atomic
def stipends_reconcile(*, participant, micro_credential, actor, reason: str) -> list[Stipend]:
    """Bring a participant's stipends for one micro-credential back in line with their
    attempts after an attempt was corrected.

    A stipend whose trigger no longer holds (no earned attempt, or no first attempt) is
    voided if unpaid, which also frees any budget its approval reserved; a paid one is kept
    and flagged in the audit trail for finance to recover. Stipends the corrected attempts
    now justify are accrued as pending. Every change is audited with ``reason``."""
    from sites.models import Attempt, AttemptResult

    attempts = list(
        Attempt.objects.filter(participant=participant, micro_credential=micro_credential).order_by(
            "number"
        )
    )
    justified = set()
    if any(a.result == AttemptResult.EARNED for a in attempts):
        justified.add(StipendTrigger.EARNED)
    if any(a.number == 1 for a in attempts):
        justified.add(StipendTrigger.FIRST_SUBMISSION)
    changed = []
    active = (
        Stipend.objects.select_for_update()
        .filter(participant=participant, micro_credential=micro_credential)
        .exclude(status__in=[*INACTIVE_STATUSES, StipendStatus.REVERSED])
    )
    plan = StipendPlan.objects.filter(site=participant.site).prefetch_related("rules").first()
    for stipend in active:
        if stipend.trigger in justified:
            _adjust_to_rule(stipend, plan, actor=actor, reason=reason, changed=changed)
            continue
        if stipend.status == StipendStatus.PAID:
            audit_record(
                actor=actor,
                action="stipend.paid_without_basis",
                obj=stipend,
                after={"status": stipend.status, "amount": stipend.amount},
                note=reason,
            )
            continue
        before = stipend.status
        stipend.status = StipendStatus.VOID
        stipend.decision_reason = reason
        stipend.save(update_fields=["status", "decision_reason", "updated_at"])
        audit_transition(
            actor=actor,
            obj=stipend,
            action="stipend.voided",
            field="status",
            before=before,
            after=stipend.status,
            note=reason,
        )
        changed.append(stipend)
    for attempt in attempts:
        changed.extend(stipends_accrue_for_attempt(attempt=attempt, actor=actor))
    return changed


def _adjust_to_rule(stipend: Stipend, plan, *, actor, reason: str, changed: list) -> None:
    """A stipend not yet approved follows its rule's current amount. A new amount bumps
    the amount version, so a payment keyed on the old amount can never be sent."""
    if plan is None or stipend.status not in (StipendStatus.PENDING, StipendStatus.SUBMITTED):
        return
    rule = _matching_rule(plan, stipend.trigger, stipend.micro_credential)
    if rule is None or rule.amount == stipend.amount:
        return
    before = stipend.amount
    stipend.amount = rule.amount
    stipend.rule = rule
    stipend.amount_version += 1
    stipend.full_clean()
    stipend.save()
    audit_record(
        actor=actor,
        action="stipend.adjusted",
        obj=stipend,
        before={"amount": before},
        after={"amount": stipend.amount, "amount_version": stipend.amount_version},
        note=reason,
    )
    changed.append(stipend)


@transaction.atomic
def stipends_submit(*, stipends, actor) -> list[Stipend]:
    """The coordinator requests payment of several pending stipends at once; any that is
    not pending refuses the whole request, so nothing is half-done."""
    stipends = list(stipends)
    if not stipends:
        raise ValidationError("Select at least one pending stipend.")
    return [stipend_submit(stipend=stipend, actor=actor) for stipend in stipends]
