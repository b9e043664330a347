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


# Review, scoring and decisions (issue 4) ------------------------------------------------
from functools import partial  # noqa: E402

from django.urls import reverse_lazy  # noqa: E402
from wagtail.snippets.models import register_snippet  # noqa: E402

from grants.admin_menu import RoleMenuItem  # noqa: E402
from grants.roles import is_finance, is_program_staff, is_reviewer  # noqa: E402
from grants.viewsets import LetterTemplateViewSet  # noqa: E402


def _finance_or_staff(user) -> bool:
    return is_finance(user) or is_program_staff(user)


# (label, URL name, icon, order, who sees it): each view checks the role again.
ROLE_MENU_ITEMS = [
    ("My reviews", "reviewing:my_reviews", "tick-inverse", 140, is_reviewer),
    ("Review and decide", "reviewing:staff_applications", "list-ul", 151, is_program_staff),
    ("Decision dashboard", "reviewing:dashboard", "table", 152, is_program_staff),
    ("Award installments", "reviewing:installments", "doc-full", 153, _finance_or_staff),
    ("Site reports", "site_report_tracker", "doc-full", 310, is_program_staff),
    ("Convenings", "convening_index", "group", 320, is_program_staff),
]
for _label, _url_name, _icon, _order, _shown_to in ROLE_MENU_ITEMS:
    hooks.register(
        "register_admin_menu_item",
        partial(
            RoleMenuItem,
            _label,
            reverse_lazy(_url_name),
            icon_name=_icon,
            order=_order,
            shown_to=_shown_to,
        ),
    )


register_snippet(LetterTemplateViewSet)


# Rosters, attempts and uploads change only through the coordinator workspace's services;
# in the admin staff list, inspect and export them.
def _register_sites_view_only():
    from sites.models import Attempt, ImportBatch, Participant

    for model in (Participant, Attempt, ImportBatch):
        register_permission_policy(model, ViewOnlyPermissionPolicy(model))


_register_sites_view_only()


# Stipends: finance's tools (stipends/admin_views.py), shown to finance only.
@hooks.register("register_admin_urls")
def register_stipend_urls():
    from stipends.admin_urls import urlpatterns

    return urlpatterns


@hooks.register("register_admin_menu_item")
def register_stipend_menu():
    from stipends.admin_urls import stipend_menu_item

    return stipend_menu_item()


# Site reports and the convening (issue 7): staff screens outside the model viewsets. ------

from django.urls import path  # noqa: E402

from cms import admin_views as convening_views  # noqa: E402
from sites import admin_views as report_views  # noqa: E402


@hooks.register("register_admin_urls")
def register_report_and_convening_urls():
    return [
        path("site-reports/", report_views.report_tracker_view, name="site_report_tracker"),
        path("site-reports/<int:pk>/", report_views.report_review_view, name="site_report_review"),
        path("convenings/", convening_views.convening_index, name="convening_index"),
        path("convenings/<int:pk>/", convening_views.convening_admin, name="convening_admin"),
        path(
            "convenings/<int:pk>/packets/<int:packet_pk>/status/",
            convening_views.convening_packet_status,
            name="convening_packet_status",
        ),
        path(
            "convenings/<int:pk>/packets/<int:packet_pk>/download/",
            convening_views.convening_packet_download,
            name="convening_packet_download",
        ),
        path(
            "convenings/<int:pk>/group-input.xlsx",
            convening_views.convening_input_export,
            name="convening_input_export",
        ),
    ]


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
