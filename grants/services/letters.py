"""Decision letters: a PDF made from the staff-edited letter template, stored with the
decision and emailed to the application's contact, once per decision."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html

from grants.models import (
    Decision,
    DecisionOutcome,
    DecisionStatus,
    LetterTemplate,
    Milestone,
)
from grants.pdf import render_pdf
from grants.sanitize import sanitize_html

from .audit import audit_record
from .email import email_queue

PLACEHOLDERS = ("organization", "program", "amount", "period", "clock_hours", "report_due")


def letter_facts(decision: Decision) -> dict[str, str]:
    """The values a letter template's placeholders stand for, as plain text."""
    program = decision.program
    start, end = decision.period_start or program.starts_on, decision.period_end or program.ends_on
    return {
        "organization": decision.application.organization.legal_name,
        "program": program.name,
        "amount": f"${decision.amount:,.2f}",
        "period": f"{start:%B %-d, %Y} to {end:%B %-d, %Y}",
        "clock_hours": str(program.clock_hours),
        "report_due": f"{program.report_due_on:%B %-d, %Y}"
        if program.report_due_on
        else "the end of the pilot",
    }


def fill(text: str, facts: dict[str, str], *, html: bool) -> str:
    """Put the facts into staff-written text. Only the named placeholders are replaced
    (no format language), and values are escaped in HTML, so nothing in an
    organization's name can become markup."""
    for key in PLACEHOLDERS:
        value = escape(facts[key]) if html else facts[key]
        text = text.replace("{" + key + "}", value)
    return text


def _rich(text: str, facts) -> str:
    return mark_safe(sanitize_html(fill(expand_db_html(text or ""), facts, html=True)))  # noqa: S308


def letter_template_for(outcome: str) -> LetterTemplate:
    template = LetterTemplate.objects.filter(kind=outcome).first()
    if template is None:
        raise ValidationError(
            f"There is no {DecisionOutcome(outcome).label.lower()} letter template; "
            "add one in Snippets > Letter templates."
        )
    return template


def letter_render(decision: Decision) -> bytes:
    """The letter for ``decision`` as PDF bytes, from its kind's letter template."""
    template = letter_template_for(decision.outcome)
    facts = letter_facts(decision)
    installments = list(decision.installments.order_by("sequence"))
    return render_pdf(
        "pdf/decision_letter.html",
        {
            "decision": decision,
            "application": decision.application,
            "program": decision.program,
            "facts": facts,
            "opening": _rich(template.opening, facts),
            "reporting_duties": _rich(template.reporting_duties, facts),
            "closing": _rich(template.closing, facts),
            "template": template,
            "installments": installments,
            "milestones": dict(Milestone.choices),
            "is_award": decision.is_award,
            "date": timezone.localdate(decision.decided_at),
        },
    )


def letter_recipient(decision: Decision) -> str:
    application = decision.application
    if application.contact_email:
        return application.contact_email
    return application.submitted_by.email if application.submitted_by else ""


@transaction.atomic
def decision_letter_issue(*, decision: Decision) -> Decision:
    """Make the decision's letter and email it to the application's contact, exactly once.

    The decision row is locked, the PDF is made only if the decision has none, and the
    email is keyed on the decision, so a retried or doubled task sends nothing twice. A
    reversed decision gets no letter."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("application__organization", "application__submitted_by", "program")
        .get(pk=decision.pk)
    )
    if decision.status != DecisionStatus.ACTIVE:
        return decision
    if not decision.letter:
        content = letter_render(decision)
        slug = decision.application.organization.slug or "letter"
        decision.letter.save(
            f"{decision.outcome}-letter-{slug}-{decision.pk}.pdf", ContentFile(content), save=False
        )
        decision.letter_generated_at = timezone.now()
        decision.save(update_fields=["letter", "letter_generated_at", "updated_at"])
        audit_record(
            actor=None,
            action="decision.letter_generated",
            obj=decision,
            after={"letter": decision.letter.name},
        )
    recipient = letter_recipient(decision)
    if recipient:
        template = letter_template_for(decision.outcome)
        facts = letter_facts(decision)
        with decision.letter.open("rb") as handle:
            content = handle.read()
        email_queue(
            key=f"decision-letter:{decision.pk}",
            to=recipient,
            subject=fill(template.subject, facts, html=False),
            body=(
                f"Dear {decision.application.contact_name or facts['organization']},\n\n"
                f"The board's decision on your application to {facts['program']} is attached "
                "as a PDF letter.\n\nPilot Grants\n"
            ),
            attachment=(decision.letter.name.rsplit("/", 1)[-1], content),
        )
    return decision
