"""Object rules for grant sites. Pure functions: they look at the user and the site and
answer whether the action is allowed and why. Views turn a refusal into 404 (see
grants.permissions.require), so a coordinator never learns another site's records exist."""

from grants.permissions import Access, allow, deny
from grants.roles import is_finance, is_program_staff


def coordinates(user, site) -> bool:
    """Whether ``user`` is one of ``site``'s coordinators."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_pilot_coordinated_site_ids", None)
    if cached is None:
        cached = frozenset(user.site_coordinations.values_list("site_id", flat=True))
        user._pilot_coordinated_site_ids = cached
    return site.pk in cached


def can_view_site(user, site) -> Access:
    """A coordinator sees their own sites; program staff see every site; nobody else."""
    if not getattr(user, "is_authenticated", False):
        return deny("Sign in to see a site's workspace.")
    if is_program_staff(user):
        return allow("Program staff see every site.")
    if coordinates(user, site):
        return allow("Coordinators see their own site.")
    return deny("Only the site's coordinators and program staff see its workspace.")


def can_manage_site_records(user, site) -> Access:
    """Rosters and attempts are kept by the site's coordinators. Program staff may also
    correct them, for example when a coordinator leaves mid-pilot."""
    access = can_view_site(user, site)
    if not access:
        return access
    if site.status == "closed":
        return deny("The site is closed: its roster and attempts no longer change.")
    return allow("Coordinators and program staff keep the roster and attempts.")


def can_view_participant(user, participant) -> Access:
    """A participant's record and transcript follow their site."""
    return can_view_site(user, participant.site)


def can_manage_site_coordinators(user, site) -> Access:
    """A site's coordinators invite colleagues to coordinate it; program staff manage every
    site's coordinators."""
    if coordinates(user, site):
        return allow("Coordinators invite colleagues to coordinate their own site.")
    if is_program_staff(user):
        return allow("Program staff manage every site's coordinators.")
    return deny("Only the site's coordinators and program staff manage its coordinators.")


def can_view_participant_personal_data(user, participant) -> Access:
    """A participant's email and certificate number are seen by their own site's
    coordinators, program staff and finance (who pay stipends) only: not by reviewers,
    applicants, other sites' coordinators or the public."""
    if coordinates(user, participant.site):
        return allow("Coordinators see their own site's participants.")
    if is_program_staff(user) or is_finance(user):
        return allow("Staff and finance see participants' details.")
    return deny("Only the site's coordinators, staff and finance see a participant's details.")
