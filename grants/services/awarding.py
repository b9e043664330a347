"""A decision as staff make it in the admin: the decision itself, and for an award the
grant site and the coordinator invitation that follow from it."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import Application, Decision, DecisionOutcome, InvitationKind

from .decisions import application_decline, award_create, award_create_honorary
from .invitations import invitation_create


def parse_amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "").replace("$", "").strip())
    except InvalidOperation as error:
        raise ValidationError({"amount": "Enter the amount in dollars, like 18000.00."}) from error


@transaction.atomic
def decision_record(
    *, application: Application, outcome: str, reason: str, actor, amount=None
) -> Decision:
    """Record staff's decision (award, honorary participation or decline, with a reason).
    An award or honorary participation opens the grant site and invites the
    application's contact, by a single-use emailed link, to coordinate it. The letter
    follows by a background task (see decisions._decide)."""
    if outcome == DecisionOutcome.AWARD:
        decision = award_create(
            application=application, actor=actor, reason=reason, amount=parse_amount(amount)
        )
    elif outcome == DecisionOutcome.HONORARY:
        decision = award_create_honorary(application=application, actor=actor, reason=reason)
    elif outcome == DecisionOutcome.DECLINE:
        decision = application_decline(application=application, actor=actor, reason=reason)
    else:
        raise ValidationError({"outcome": "Choose award, honorary participation or decline."})
    if decision.is_award:
        from sites.services.sites import site_create_from_award

        site = site_create_from_award(award=decision, actor=actor)
        contact = (application.contact_email or "").strip()
        if contact:
            invitation_create(
                kind=InvitationKind.SITE_COORDINATOR, email=contact, actor=actor, site=site
            )
    return decision
