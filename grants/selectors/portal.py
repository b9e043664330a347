from grants.models import Application, ApplicationStatus
from sites.models import GrantSite


def applications_for_member(user):
    """The applications of every organization ``user`` belongs to, newest first."""
    return (
        Application.objects.filter(organization__memberships__user=user)
        .select_related("organization", "rfp", "rfp__program")
        .order_by("-created_at")
    )


def sites_for_coordinator(user):
    """The grant sites ``user`` coordinates."""
    return GrantSite.objects.filter(coordinator_links__user=user).select_related(
        "program", "organization"
    )


def open_statuses():
    return [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]
