"""Object rules for grant sites. Pure functions: they look at the user and the site and
answer whether the action is allowed and why. Views turn a refusal into 404 (see
grants.permissions.require), so a coordinator never learns another site's records exist."""

from grants.permissions import Access, allow, deny
from grants.roles import is_finance, is_program_staff
from sites.models import ReportStatus


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


# Site reports: a coordinator sees only the reports of the sites they coordinate; only
# program staff return, accept or comment.


def can_view_report(user, site) -> Access:
    if coordinates(user, site):
        return allow("Coordinators see their own site's report.")
    if is_program_staff(user):
        return allow("Program staff see every site report.")
    return deny("Only the site's coordinators and program staff see its report.")


def can_edit_report(user, site) -> Access:
    if not coordinates(user, site):
        return deny("Only the site's coordinators write its report.")
    report = getattr(site, "report", None) if hasattr(site, "report") else None
    if report is not None and report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        return deny("A submitted or accepted report cannot be edited.")
    return allow("Coordinators edit their site's draft or returned report.")


def can_review_report(user) -> Access:
    if is_program_staff(user):
        return allow("Program staff return and accept site reports.")
    return deny("Only program staff return or accept site reports.")


def can_comment_on_report(user) -> Access:
    if is_program_staff(user):
        return allow("Program staff comment on any site report without changing its status.")
    return deny("Only program staff comment on site reports.")


def can_reply_to_report(user, report) -> Access:
    if not coordinates(user, report.site):
        return deny("Only the site's coordinators reply on its report.")
    if report.status != ReportStatus.RETURNED:
        return deny("You can reply while the report is returned for changes.")
    return allow("Coordinators reply to staff on their site's returned report.")
