"""The pilot summary: every figure the board reports about a program, computed from the
data. The pilot_summary command, the convening page and the staff dashboards all read
these functions, so a figure means the same thing wherever it is shown."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Min, Q, Sum

from grants.models import (
    ContentArea,
    Decision,
    DecisionOutcome,
    DecisionStatus,
    DistrictKind,
    MicroCredential,
    OrganizationType,
    Program,
)
from sites.models import Attempt, AttemptResult, GrantSite, Participant, ParticipantRole
from stipends.models import Stipend, StipendStatus

CENT = Decimal("0.01")


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP))


def program_sites(program: Program):
    return GrantSite.objects.filter(program=program)


def earned_attempts(program: Program):
    """The attempts that earned a micro-credential at the program's sites."""
    return Attempt.objects.filter(participant__site__program=program, result=AttemptResult.EARNED)


def award_figures(program: Program) -> dict:
    """Sites, cash and honorary awards, and the cash awarded. Only awards in effect count."""
    awards = Decision.objects.filter(
        program=program,
        status=DecisionStatus.ACTIVE,
        outcome__in=[DecisionOutcome.AWARD, DecisionOutcome.HONORARY],
    ).aggregate(
        cash=Count("id", filter=Q(outcome=DecisionOutcome.AWARD)),
        honorary=Count("id", filter=Q(outcome=DecisionOutcome.HONORARY)),
        total=Sum("amount", filter=Q(outcome=DecisionOutcome.AWARD)),
    )
    return {
        "sites": program_sites(program).count(),
        "cash_awards": awards["cash"],
        "honorary_sites": awards["honorary"],
        "awarded_total": _money(awards["total"]),
    }


def sites_by_content_area(program: Program) -> dict[str, int]:
    """A site counts once under each content area it pilots."""
    rows = (
        ContentArea.objects.filter(sites__program=program)
        .annotate(n=Count("sites", distinct=True))
        .order_by("position", "code")
        .values_list("code", "n")
    )
    return dict(rows)


def sites_by_org_type(program: Program) -> dict[str, int]:
    rows = (
        program_sites(program)
        .values_list("organization__org_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict(rows)
    return {value: counts[value] for value in OrganizationType.values if value in counts}


def participant_figures(program: Program) -> dict:
    """Participants, by role, and the school districts they came from. ESDs are not
    school districts, so participants listed under an ESD do not add to the district count."""
    participants = Participant.objects.filter(site__program=program)
    by_role = dict(participants.values_list("role").annotate(n=Count("id")).order_by())
    districts = (
        participants.filter(district__kind=DistrictKind.LEA).values("district").distinct().count()
    )
    return {
        "participants": participants.count(),
        "participants_by_role": {
            value: by_role[value] for value in ParticipantRole.values if value in by_role
        },
        "districts_reached": districts,
    }


def earned_figures(program: Program) -> dict:
    """Micro-credentials earned: in total, by content area, by micro-credential, on the
    first attempt against later ones, and per site (keyed by site slug)."""
    earned = earned_attempts(program)
    totals = earned.aggregate(
        total=Count("id"),
        first=Count("id", filter=Q(number=1)),
        later=Count("id", filter=Q(number__gt=1)),
    )
    by_area = dict(
        earned.values_list("micro_credential__content_area__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_mc = dict(earned.values_list("micro_credential__code").annotate(n=Count("id")).order_by())
    area_order = ContentArea.objects.values_list("code", flat=True)
    mc_order = MicroCredential.objects.values_list("code", flat=True)
    by_site = dict(
        program_sites(program)
        .annotate(
            n=Count(
                "participants__attempts",
                filter=Q(participants__attempts__result=AttemptResult.EARNED),
            )
        )
        .values_list("slug", "n")
    )
    return {
        "earned_total": totals["total"],
        "earned_by_content_area": {code: by_area[code] for code in area_order if code in by_area},
        "earned_by_micro_credential": {code: by_mc[code] for code in mc_order if code in by_mc},
        "earned_first_attempt": totals["first"],
        "earned_later_attempt": totals["later"],
        "earned_by_site": dict(sorted(by_site.items())),
    }


def paid_stipends(program: Program):
    return Stipend.objects.filter(site__program=program, status=StipendStatus.PAID)


def stipend_figures(program: Program) -> dict:
    """Paid stipends only: how many sites paid any, and the count, range, mean and total."""
    paid = paid_stipends(program)
    agg = paid.aggregate(
        count=Count("id"),
        min=Min("amount"),
        max=Max("amount"),
        total=Sum("amount"),
        sites=Count("site", distinct=True),
    )
    count = agg["count"]
    mean = (agg["total"] / count) if count else Decimal("0")
    return {
        "sites_offering": agg["sites"],
        "count": count,
        "min": _money(agg["min"]),
        "max": _money(agg["max"]),
        "mean": _money(mean),
        "total": _money(agg["total"]),
    }


def pilot_summary(program: Program) -> dict:
    """Every reported figure of ``program``, as plain JSON-ready values."""
    return {
        **award_figures(program),
        "sites_by_content_area": sites_by_content_area(program),
        "sites_by_org_type": sites_by_org_type(program),
        **participant_figures(program),
        **earned_figures(program),
        "stipends": stipend_figures(program),
    }


def pilot_summary_display(program: Program) -> dict:
    """The summary with labels for pages: names instead of codes and slugs."""
    summary = pilot_summary(program)
    return {**summary, "program": program, **named_figures(program, summary)}


# Convening figures (issue 7): the figures above, with names, and the two the convening
# adds, all JSON-ready so a published snapshot can be frozen as it was shown. -------------

STIPEND_BIN_WIDTH = Decimal("100")


def stipend_histogram(program: Program) -> list[dict]:
    """Paid stipends counted in $100-wide bins, from $0 to the largest amount. Each bin
    holds amounts from its lower bound up to but not including its upper bound; the last
    one includes its upper bound."""
    amounts = list(paid_stipends(program).values_list("amount", flat=True))
    if not amounts:
        return []
    top = max(amounts)
    bins = int((top / STIPEND_BIN_WIDTH).to_integral_value(rounding="ROUND_FLOOR")) + 1
    counts = [0] * bins
    for amount in amounts:
        counts[min(int(amount // STIPEND_BIN_WIDTH), bins - 1)] += 1
    return [
        {
            "low": _money(STIPEND_BIN_WIDTH * index),
            "high": _money(STIPEND_BIN_WIDTH * (index + 1)),
            "count": count,
        }
        for index, count in enumerate(counts)
    ]


def support_structure_figures(program: Program) -> list[dict]:
    """For each support structure, the sites whose accepted report says they used it, their
    participants, how many of those earned at least one micro-credential, and that share
    as a percentage (the earned rate). Only accepted reports count: their content is
    final."""
    from sites.models import ReportStatus, SupportStructure

    sites = list(
        program_sites(program)
        .filter(report__status=ReportStatus.ACCEPTED)
        .annotate(
            people=Count("participants", distinct=True),
            earners=Count(
                "participants",
                filter=Q(participants__attempts__result=AttemptResult.EARNED),
                distinct=True,
            ),
        )
        .values_list("report__support_structures", "people", "earners")
    )
    rows = []
    for structure in SupportStructure:
        using = [(people, earners) for used, people, earners in sites if structure in (used or [])]
        people = sum(p for p, _ in using)
        earners = sum(e for _, e in using)
        rate = (Decimal(earners) * 100 / people) if people else Decimal("0")
        rows.append(
            {
                "structure": structure.value,
                "label": str(structure.label),
                "sites": len(using),
                "participants": people,
                "earners": earners,
                "earned_rate": str(rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)),
            }
        )
    return rows


def named_figures(program: Program, summary: dict) -> dict:
    """Names for the coded breakdowns of ``summary``, as (label, count) pairs."""
    sites = dict(program_sites(program).values_list("slug", "name"))
    areas = dict(ContentArea.objects.values_list("code", "name"))
    return {
        "earned_by_site_named": [
            (sites[slug], count) for slug, count in summary["earned_by_site"].items()
        ],
        "earned_by_content_area_named": [
            (areas.get(code, code), count)
            for code, count in summary["earned_by_content_area"].items()
        ],
        "sites_by_content_area_named": [
            (areas.get(code, code), count)
            for code, count in summary["sites_by_content_area"].items()
        ],
        "participants_by_role_named": [
            (str(ParticipantRole(role).label), count)
            for role, count in summary["participants_by_role"].items()
        ],
        "sites_by_org_type_named": [
            (str(OrganizationType(kind).label), count)
            for kind, count in summary["sites_by_org_type"].items()
        ],
    }


def convening_figures(program: Program) -> dict:
    """Everything the convening shows about ``program``: ``pilot_summary`` itself, its
    breakdowns with names, the stipend histogram and the support structures against the
    earned rate. Plain JSON values, so a snapshot stores exactly what was shown."""
    summary = pilot_summary(program)
    named = named_figures(program, summary)
    return {
        "program_name": program.name,
        **summary,
        **{key: [list(pair) for pair in pairs] for key, pairs in named.items()},
        "stipend_histogram": stipend_histogram(program),
        "support_structures": support_structure_figures(program),
    }
