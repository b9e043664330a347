"""Object rules for stipends. Coordinators request their own site's stipends and invite
its payees; only finance approves, rejects and pays; applicants see nothing of stipends."""

from grants.permissions import Access, allow, deny
from grants.roles import is_finance
from sites.permissions import coordinates as is_site_coordinator


def can_view_site_stipends(user, site) -> Access:
    if is_site_coordinator(user, site):
        return allow("Coordinators see their site's stipends.")
    if is_finance(user):
        return allow("Finance sees every site's stipends.")
    return deny("Only the site's coordinators and finance see its stipends.")


def can_request_stipends(user, site) -> Access:
    if is_site_coordinator(user, site):
        return allow("Coordinators request payment of their site's stipends.")
    return deny("Only the site's coordinators request its stipends.")


def can_invite_payee(user, participant) -> Access:
    if is_site_coordinator(user, participant.site) or is_finance(user):
        return allow("The site's coordinators and finance invite payees.")
    return deny("Only the site's coordinators and finance invite its payees.")


def can_manage_payments(user) -> Access:
    if is_finance(user):
        return allow("Finance approves, pays and reconciles stipends.")
    return deny("Only finance approves, pays and reconciles stipends.")
