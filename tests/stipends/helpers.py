"""Shared set-up for the stipend tests: approved stipends and ready payees."""

from datetime import date

from sites.models import Participant
from sites.services.attempts import attempt_record
from sites.services.sites import participant_add
from stipends.models import Payee, PayeeStatus
from stipends.services import stipend_approve, stipend_rule_create, stipend_submit
from tests import factories

D = date(2026, 10, 1)


def add_participant(site, coordinator, n) -> Participant:
    return participant_add(
        site=site,
        first_name="Pat",
        last_name=f"Example{n}",
        email=f"pat{n}@example.org",
        role="teacher",
        district=factories.district("Bellevue School District"),
        actor=coordinator,
    )


def earn(participant, actor, number=1):
    return attempt_record(
        participant=participant,
        micro_credential=factories.micro_credential("ECS"),
        number=number,
        submitted_on=D,
        result="earned",
        actor=actor,
    )


def approved_stipends(site, coordinator, finance, staff, n, amount="230.00"):
    """``n`` participants, each with one approved earned stipend of ``amount``."""
    from stipends.models import StipendRule

    if not StipendRule.objects.filter(plan__site=site).exists():
        stipend_rule_create(site=site, trigger="earned", amount=amount, actor=staff)
    stipends = []
    for i in range(n):
        participant = add_participant(site, coordinator, i)
        earn(participant, coordinator)
        stipend = stipend_submit(stipend=participant.stipends.get(), actor=coordinator)
        stipends.append(stipend_approve(stipend=stipend, actor=finance))
    return stipends


def ready_payee(fake, participant, *, active=True) -> Payee:
    account = fake.add_account(active=active, email=participant.email)
    return Payee.objects.create(
        participant=participant,
        email=participant.email,
        stripe_account_id=account["id"],
        status=PayeeStatus.READY,
    )
