"""Object rules for site reports (see grants/permissions.py for Access). A coordinator
sees only the reports of the sites they coordinate; only program staff return or accept."""

from grants.permissions import Access, allow, deny
from grants.roles import is_program_staff
from sites.models import ReportStatus


def coordinates(user, site) -> bool:
    if not user.is_authenticated:
        return False
    return site.coordinator_links.filter(user=user).exists()


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
