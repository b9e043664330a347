"""Read queries for the coordinator's workspace: which sites a person may open, a site's
figures, its roster and each participant's transcript. Every figure is computed from the
site's participants, attempts, clock-hour credits and stipends, with a fixed number of
queries however large the site."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from grants.models import MicroCredential
from grants.roles import is_program_staff
from sites.models import Attempt, AttemptResult, ClockHourCredit, GrantSite, Participant


def _count_per_site(queryset):
    """A correlated COUNT per site, so figures from several tables never multiply."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("participant__site").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def workspace_sites(user):
    """The sites ``user`` may open in the portal: program staff see every site, a
    coordinator their own. Each carries its participant, attempt, earned and clock-hour
    figures, counted in the same query."""
    sites = GrantSite.objects.select_related("program", "organization", "award")
    if not is_program_staff(user):
        sites = sites.filter(coordinator_links__user=user)
    participants = (
        Participant.objects.filter(site=OuterRef("pk"))
        .order_by()
        .values("site")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    attempts = Attempt.objects.filter(participant__site=OuterRef("pk"))
    hours = (
        ClockHourCredit.objects.filter(participant__site=OuterRef("pk"))
        .order_by()
        .values("participant__site")
        .annotate(total=Sum("hours"))
        .values("total")[:1]
    )
    return sites.annotate(
        participant_count=Coalesce(Subquery(participants, output_field=IntegerField()), 0),
        attempt_count=_count_per_site(attempts),
        earned_count=_count_per_site(attempts.filter(result=AttemptResult.EARNED)),
        clock_hours_total=Coalesce(Subquery(hours, output_field=IntegerField()), 0),
    ).order_by("program", "name")


@dataclass
class CredentialFigures:
    """One micro-credential's figures at a site."""

    micro_credential: MicroCredential
    participants: int = 0
    attempts: int = 0
    earned: int = 0
    earned_first_attempt: int = 0
    pending_resubmissions: int = 0
    out_of_attempts: int = 0


@dataclass
class SiteOverview:
    site: GrantSite
    participants: int
    credentials: list[CredentialFigures]
    clock_hours: int
    stipends: list[dict] = field(default_factory=list)
    stipends_total: Decimal = Decimal("0.00")

    @property
    def attempts(self) -> int:
        return sum(c.attempts for c in self.credentials)

    @property
    def earned(self) -> int:
        return sum(c.earned for c in self.credentials)

    @property
    def pending_resubmissions(self) -> int:
        return sum(c.pending_resubmissions for c in self.credentials)


def site_overview(site: GrantSite) -> SiteOverview:
    """A site's figures: participants; for each micro-credential it pilots, who attempted
    it, attempts, earned (and on the first attempt), and pending resubmissions (not
    earned yet, with attempts left under the program's maximum); clock hours issued; and
    stipends by status."""
    from stipends.models import Stipend, StipendStatus

    max_attempts = site.program.max_attempts
    credentials = {
        mc.pk: CredentialFigures(micro_credential=mc)
        for mc in MicroCredential.objects.filter(
            content_area__in=site.content_areas.all()
        ).select_related("content_area")
    }
    pairs = (
        Attempt.objects.filter(participant__site=site)
        .order_by()
        .values("participant_id", "micro_credential_id")
        .annotate(
            last=Max("number"),
            attempts=Count("pk"),
            earned_on=Max("number", filter=Q(result=AttemptResult.EARNED)),
        )
    )
    for pair in pairs:
        figures = credentials.get(pair["micro_credential_id"])
        if figures is None:
            # An attempt at a micro-credential the site no longer pilots still counts.
            mc = MicroCredential.objects.get(pk=pair["micro_credential_id"])
            figures = credentials[mc.pk] = CredentialFigures(micro_credential=mc)
        figures.participants += 1
        figures.attempts += pair["attempts"]
        if pair["earned_on"] is not None:
            figures.earned += 1
            figures.earned_first_attempt += pair["earned_on"] == 1
        elif pair["last"] < max_attempts:
            figures.pending_resubmissions += 1
        else:
            figures.out_of_attempts += 1
    clock_hours = (
        ClockHourCredit.objects.filter(participant__site=site).aggregate(total=Sum("hours"))[
            "total"
        ]
        or 0
    )
    labels = dict(StipendStatus.choices)
    stipends = [
        {"status": row["status"], "label": labels[row["status"]], **row}
        for row in Stipend.objects.filter(site=site)
        .order_by("status")
        .values("status")
        .annotate(count=Count("pk"), total=Sum("amount"))
    ]
    paid = sum(
        (row["total"] for row in stipends if row["status"] == StipendStatus.PAID), Decimal("0.00")
    )
    return SiteOverview(
        site=site,
        participants=Participant.objects.filter(site=site).count(),
        credentials=list(credentials.values()),
        clock_hours=clock_hours,
        stipends=stipends,
        stipends_total=paid,
    )


def site_roster(site: GrantSite, *, search: str = ""):
    """A site's participants with their attempt, earned and clock-hour figures."""
    hours = (
        ClockHourCredit.objects.filter(participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(total=Sum("hours"))
        .values("total")[:1]
    )
    roster = (
        Participant.objects.filter(site=site)
        .select_related("district")
        .annotate(
            attempt_count=Count("attempts", distinct=True),
            earned_count=Count(
                "attempts", filter=Q(attempts__result=AttemptResult.EARNED), distinct=True
            ),
            clock_hours_total=Coalesce(Subquery(hours, output_field=IntegerField()), 0),
        )
        .order_by("last_name", "first_name", "pk")
    )
    if search:
        roster = roster.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    return roster


def site_attempts(site: GrantSite):
    """Every attempt at a site, for the attempts list and its export."""
    return (
        Attempt.objects.filter(participant__site=site)
        .select_related("participant", "micro_credential")
        .order_by("participant__last_name", "participant__first_name", "micro_credential", "number")
    )


@dataclass
class TranscriptLine:
    micro_credential: MicroCredential
    attempts: list
    earned_on: object = None
    clock_hours: int = 0


def participant_transcript(participant: Participant) -> dict:
    """A participant's micro-credentials, each with its attempts and the clock hours its
    earning issued, and the total clock hours."""
    attempts = (
        Attempt.objects.filter(participant=participant)
        .select_related("micro_credential", "clock_hours")
        .order_by(
            "micro_credential__content_area__position", "micro_credential__position", "number"
        )
    )
    lines: dict[int, TranscriptLine] = {}
    for attempt in attempts:
        line = lines.setdefault(
            attempt.micro_credential_id,
            TranscriptLine(micro_credential=attempt.micro_credential, attempts=[]),
        )
        line.attempts.append(attempt)
        credit = getattr(attempt, "clock_hours", None)
        if credit is not None:
            line.clock_hours += credit.hours
        if attempt.result == AttemptResult.EARNED:
            line.earned_on = attempt.submitted_on
    lines_list = list(lines.values())
    return {
        "participant": participant,
        "lines": lines_list,
        "earned": sum(1 for line in lines_list if line.earned_on),
        "clock_hours": sum(line.clock_hours for line in lines_list),
    }
