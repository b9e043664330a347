from grants.models import ApplicationStatus
from sites.models import GrantSite


def sites_for_coordinator(user):
    """The grant sites ``user`` coordinates."""
    return GrantSite.objects.filter(coordinator_links__user=user).select_related(
        "program", "organization"
    )


def open_statuses():
    return [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]
