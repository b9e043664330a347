"""Object rules for the sites app: pure functions returning an Access (see
grants.permissions). Views turn a refusal into 404."""

from grants.permissions import Access, allow, deny
from grants.roles import is_finance, is_program_staff


def is_site_coordinator(user, site) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return site.coordinator_links.filter(user=user).exists()


def can_view_site_workspace(user, site) -> Access:
    if is_site_coordinator(user, site):
        return allow("Coordinators see their own site.")
    if is_program_staff(user) or is_finance(user):
        return allow("Staff and finance see every site.")
    return deny("Only the site's coordinators, staff and finance see a site's workspace.")


def can_manage_site_coordinators(user, site) -> Access:
    if is_site_coordinator(user, site):
        return allow("Coordinators invite colleagues to coordinate their own site.")
    if is_program_staff(user):
        return allow("Program staff manage every site's coordinators.")
    return deny("Only the site's coordinators and program staff manage its coordinators.")


def can_view_participant_personal_data(user, participant) -> Access:
    """A participant's email and certificate number are seen by their own site's
    coordinators, program staff and finance (who pay stipends) only: not by reviewers,
    applicants, other sites' coordinators or the public."""
    if is_site_coordinator(user, participant.site):
        return allow("Coordinators see their own site's participants.")
    if is_program_staff(user) or is_finance(user):
        return allow("Staff and finance see participants' details.")
    return deny("Only the site's coordinators, staff and finance see a participant's details.")
