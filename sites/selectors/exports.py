"""The rows of roster and attempt exports. Columns match the import files, so an export
can be edited and imported again; the site comes first so staff exports of every site
read the same way. Numbers and dates keep their types (XLSX cells stay numeric)."""

from sites.models import Attempt, Participant
from sites.resources import ATTEMPT_COLUMNS, ROSTER_COLUMNS


def roster_rows(*, sites=None):
    participants = Participant.objects.select_related("site", "district").order_by(
        "site__name", "last_name", "first_name", "pk"
    )
    if sites is not None:
        participants = participants.filter(site__in=sites)
    rows = (
        [
            p.site.slug,
            p.first_name,
            p.last_name,
            p.email,
            p.role,
            p.district.name,
            p.school,
            p.certificate_number,
        ]
        for p in participants.iterator(chunk_size=2000)
    )
    return ["site", *ROSTER_COLUMNS], rows


def attempt_rows(*, sites=None):
    attempts = Attempt.objects.select_related(
        "participant__site", "micro_credential", "clock_hours"
    ).order_by("participant__site__name", "participant__email", "micro_credential__code", "number")
    if sites is not None:
        attempts = attempts.filter(participant__site__in=sites)

    def hours(attempt):
        credit = getattr(attempt, "clock_hours", None)
        return credit.hours if credit is not None else 0

    rows = (
        [
            a.participant.site.slug,
            a.participant.email,
            a.micro_credential.code,
            a.number,
            a.submitted_on,
            a.result,
            hours(a),
        ]
        for a in attempts.iterator(chunk_size=2000)
    )
    return ["site", *ATTEMPT_COLUMNS, "clock_hours"], rows


EXPORTS = {"roster": roster_rows, "attempts": attempt_rows}
