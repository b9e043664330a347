"""Wagtail admin registration. Each app keeps its staff screens in its own viewsets.py;
this module is the one place that adds them to the admin."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from grants.admin_views import ApplicationViewSet, ViewOnlyPermissionPolicy
from grants.models import Application, AuditEntry
from grants.viewsets import GrantsViewSetGroup
from sites.viewsets import SitesViewSetGroup


@hooks.register("register_admin_viewset")
def register_grants():
    return GrantsViewSetGroup()


@hooks.register("register_admin_viewset")
def register_sites():
    return SitesViewSetGroup()


# Applications change only through the portal and the decision services; in the admin
# staff list, inspect and export them.
register_permission_policy(Application, ViewOnlyPermissionPolicy(Application))


@hooks.register("register_admin_viewset")
def register_applications():
    return ApplicationViewSet()


# Accounts and security (issue 8): the audit log and invitations, read-only or
# create-and-revoke only.
register_permission_policy(AuditEntry, ViewOnlyPermissionPolicy(AuditEntry))


@hooks.register("register_admin_viewset")
def register_audit_log():
    from grants.audit_admin import AuditEntryViewSet

    return AuditEntryViewSet()


def _register_invitation_policy():
    from grants.invitation_admin import InvitationPermissionPolicy
    from grants.models import Invitation

    register_permission_policy(Invitation, InvitationPermissionPolicy(Invitation))


_register_invitation_policy()


@hooks.register("register_admin_viewset")
def register_invitations():
    from grants.invitation_admin import InvitationViewSet

    return InvitationViewSet()
