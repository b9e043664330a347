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
from django.urls import reverse_lazy  # noqa: E402
from wagtail.snippets.models import register_snippet  # noqa: E402

from grants.admin_menu import RoleMenuItem  # noqa: E402
from grants.roles import is_finance, is_program_staff, is_reviewer  # noqa: E402
from grants.viewsets import LetterTemplateViewSet  # noqa: E402


@hooks.register("register_admin_menu_item")
def register_my_reviews_menu_item():
    return RoleMenuItem(
        "My reviews",
        reverse_lazy("reviewing:my_reviews"),
        icon_name="tick-inverse",
        order=140,
        shown_to=is_reviewer,
    )


@hooks.register("register_admin_menu_item")
def register_review_and_decide_menu_item():
    return RoleMenuItem(
        "Review and decide",
        reverse_lazy("reviewing:staff_applications"),
        icon_name="list-ul",
        order=151,
        shown_to=is_program_staff,
    )


@hooks.register("register_admin_menu_item")
def register_decision_dashboard_menu_item():
    return RoleMenuItem(
        "Decision dashboard",
        reverse_lazy("reviewing:dashboard"),
        icon_name="table",
        order=152,
        shown_to=is_program_staff,
    )


@hooks.register("register_admin_menu_item")
def register_installments_menu_item():
    return RoleMenuItem(
        "Award installments",
        reverse_lazy("reviewing:installments"),
        icon_name="doc-full",
        order=153,
        shown_to=lambda user: is_finance(user) or is_program_staff(user),
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

from django.urls import path, reverse  # noqa: E402

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


@hooks.register("register_admin_menu_item")
def register_site_reports_menu_item():
    return RoleMenuItem(
        "Site reports",
        reverse("site_report_tracker"),
        icon_name="doc-full",
        order=310,
        shown_to=is_program_staff,
    )


@hooks.register("register_admin_menu_item")
def register_convening_menu_item():
    return RoleMenuItem(
        "Convenings",
        reverse("convening_index"),
        icon_name="group",
        order=320,
        shown_to=is_program_staff,
    )


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
