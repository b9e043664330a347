"""Read queries for grant sites."""

from django.db.models import Count, Prefetch, Q

from grants.models import District
from sites.models import AttemptResult, GrantSite


def public_sites(program=None):
    """Grant sites as the public sees them: no personal data, only counts."""
    sites = GrantSite.objects.select_related("organization", "program", "award").prefetch_related(
        "content_areas",
        Prefetch("partner_districts", queryset=District.objects.order_by("name")),
    )
    if program is not None:
        sites = sites.filter(program=program)
    return sites.annotate(
        participant_count=Count("participants", distinct=True),
        earned_count=Count(
            "participants__attempts",
            filter=Q(participants__attempts__result=AttemptResult.EARNED),
            distinct=True,
        ),
    ).order_by("program", "name")
