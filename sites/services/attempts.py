"""Recording micro-credential attempts and the clock hours that earning one issues."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.services.audit import audit_record
from sites.models import Attempt, AttemptResult, ClockHourCredit, Participant
from stipends.services import stipends_accrue_for_attempts


def attempt_rule_errors(
    *, participant: Participant, micro_credential, number: int, existing: list
) -> dict[str, list[str]]:
    """Why attempt ``number`` cannot be recorded, given the participant's ``existing``
    attempts at ``micro_credential`` (anything with ``number`` and ``result``), keyed by
    the field at fault: attempts run 1, 2, 3… with no gaps, up to the program's maximum,
    none after an earned one, and only for micro-credentials the site pilots."""
    site = participant.site
    program = site.program
    errors: dict[str, list[str]] = {}
    if micro_credential.content_area_id not in {a.pk for a in site.content_areas.all()}:
        errors.setdefault("micro_credential", []).append(
            f"{site} does not pilot {micro_credential.code}."
        )
    if number < 1:
        errors.setdefault("number", []).append("Attempt numbers start at 1.")
    if number > program.max_attempts:
        errors.setdefault("number", []).append(
            f"{program.name} allows at most {program.max_attempts} attempts per micro-credential."
        )
    numbers = sorted(a.number for a in existing)
    expected = (numbers[-1] + 1) if numbers else 1
    if number != expected and number not in numbers and number >= 1:
        errors.setdefault("number", []).append(
            f"The next attempt for {micro_credential.code} is number {expected}, not {number}."
        )
    earned = sorted(a.number for a in existing if a.result == AttemptResult.EARNED)
    if earned and number > earned[0]:
        errors.setdefault("number", []).append(
            f"{participant} already earned {micro_credential.code} on attempt {earned[0]}."
        )
    return errors


def attempt_problems(
    *, participant: Participant, micro_credential, number: int, existing: list
) -> list[str]:
    """The messages of ``attempt_rule_errors``, in one list."""
    errors = attempt_rule_errors(
        participant=participant, micro_credential=micro_credential, number=number, existing=existing
    )
    return [message for messages in errors.values() for message in messages]


def clock_hours_issue(*, attempts: list[Attempt], actor) -> list[ClockHourCredit]:
    """Issue the program's clock hours once for each earned attempt in ``attempts`` (20 in
    pilot three), dated the day the portfolio was submitted. An attempt that already has
    its credit gets no second one."""
    earned = [a for a in attempts if a.result == AttemptResult.EARNED]
    if not earned:
        return []
    held = set(
        ClockHourCredit.objects.filter(attempt__in=earned).values_list("attempt_id", flat=True)
    )
    credits = []
    for attempt in earned:
        hours = attempt.participant.site.program.clock_hours
        if not hours or attempt.pk in held:
            continue
        credit = ClockHourCredit(
            attempt=attempt,
            participant=attempt.participant,
            hours=hours,
            issued_on=attempt.submitted_on,
        )
        # The attempt and participant are loaded; the one-credit-per-attempt rule was
        # checked against ``held`` above and is a unique constraint in the database.
        credit.full_clean(
            exclude=["attempt", "participant"], validate_unique=False, validate_constraints=False
        )
        credits.append(credit)
    ClockHourCredit.objects.bulk_create(credits)
    if credits:
        audit_record(
            actor=actor,
            action="clock_hours.issued",
            obj=credits[0].participant.site if len(credits) > 1 else credits[0],
            after={
                "credits": [
                    {"attempt": c.attempt_id, "participant": c.participant_id, "hours": c.hours}
                    for c in credits
                ]
            },
        )
    return credits


def attempts_recorded(*, attempts: list[Attempt], actor) -> None:
    """What follows from newly recorded attempts, in one place for the form and the file
    import: earned ones issue clock hours, and the stipends service accrues whatever the
    site's stipend plan pays for them (stipend rules themselves live in stipends/)."""
    clock_hours_issue(attempts=attempts, actor=actor)
    stipends_accrue_for_attempts(attempts=attempts, actor=actor)


@transaction.atomic
def attempt_record(
    *,
    participant: Participant,
    micro_credential,
    number: int,
    submitted_on: date,
    result: str,
    actor,
) -> Attempt:
    """Record a new attempt. Earning issues the program's clock hours, and any stipend the
    attempt makes the participant eligible for is accrued as pending."""
    participant = (
        Participant.objects.select_for_update()
        .select_related("site__program")
        .get(pk=participant.pk)
    )
    existing = list(
        Attempt.objects.filter(participant=participant, micro_credential=micro_credential)
    )
    if any(a.number == number for a in existing):
        raise ValidationError(
            {
                "number": f"Attempt {number} of {micro_credential.code} is already recorded "
                f"for {participant}."
            }
        )
    errors = attempt_rule_errors(
        participant=participant,
        micro_credential=micro_credential,
        number=number,
        existing=existing,
    )
    if submitted_on and submitted_on > timezone.localdate():
        errors.setdefault("submitted_on", []).append("The submission date is in the future.")
    if errors:
        raise ValidationError(errors)
    attempt = Attempt(
        participant=participant,
        micro_credential=micro_credential,
        number=number,
        submitted_on=submitted_on,
        result=result,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attempt.full_clean()
    attempt.save()
    audit_record(
        actor=actor,
        action="attempt.recorded",
        obj=attempt,
        after={"number": number, "result": result, "submitted_on": submitted_on},
    )
    attempts_recorded(attempts=[attempt], actor=actor)
    return attempt


@transaction.atomic
def attempt_correct(
    *, attempt: Attempt, submitted_on: date, result: str, reason: str, actor
) -> Attempt:
    """Correct one recorded attempt's date or result, saying why.

    The corrected history must still obey the attempt rules: an attempt can become earned
    only if it is the participant's last one at that micro-credential. Becoming earned
    issues clock hours; ceasing to be earned withdraws them. Stipends are then reconciled
    by the stipends service, and the correction is audited with its before, after and
    reason."""
    from stipends.services import stipends_reconcile

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the attempt is being corrected."})
    if result not in AttemptResult.values:
        raise ValidationError({"result": "Choose earned or not earned."})
    if submitted_on and submitted_on > timezone.localdate():
        raise ValidationError({"submitted_on": "The submission date is in the future."})
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("participant__site__program", "micro_credential")
        .get(pk=attempt.pk)
    )
    before = {"submitted_on": attempt.submitted_on, "result": attempt.result}
    after = {"submitted_on": submitted_on, "result": result}
    if before == after:
        raise ValidationError("Nothing changed: the attempt already has this date and result.")
    later = Attempt.objects.filter(
        participant=attempt.participant,
        micro_credential=attempt.micro_credential,
        number__gt=attempt.number,
    ).count()
    if result == AttemptResult.EARNED and later:
        raise ValidationError(
            {
                "result": f"Attempt {attempt.number} cannot be earned: {later} later attempt"
                f"{'s' if later > 1 else ''} at {attempt.micro_credential.code} "
                "would then follow an earned one."
            }
        )
    was_earned = attempt.result == AttemptResult.EARNED
    attempt.submitted_on = submitted_on
    attempt.result = result
    attempt.full_clean()
    attempt.save()
    audit_record(
        actor=actor,
        action="attempt.corrected",
        obj=attempt,
        before=before,
        after=after,
        note=reason,
    )
    credit = ClockHourCredit.objects.filter(attempt=attempt).first()
    if was_earned and result != AttemptResult.EARNED and credit is not None:
        audit_record(
            actor=actor,
            action="clock_hours.withdrawn",
            obj=attempt.participant,
            before={"attempt": attempt.pk, "hours": credit.hours},
            note=reason,
        )
        credit.delete()
    elif result == AttemptResult.EARNED and credit is None:
        clock_hours_issue(attempts=[attempt], actor=actor)
    elif credit is not None and credit.issued_on != submitted_on:
        credit.issued_on = submitted_on
        credit.save(update_fields=["issued_on", "updated_at"])
    stipends_reconcile(
        participant=attempt.participant,
        micro_credential=attempt.micro_credential,
        actor=actor,
        reason=reason,
    )
    return attempt
