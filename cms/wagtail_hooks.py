"""Wagtail admin registration. Each app keeps its staff screens in its own viewsets.py;
this module is the one place that adds them to the admin."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from grants.admin_views import ApplicationViewSet, ViewOnlyPermissionPolicy
from grants.models import Application
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


# Site reports and the convening (issue 7): staff screens outside the model viewsets. ------

from django.urls import path, reverse  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402

from cms import admin_views as convening_views  # noqa: E402
from grants.roles import is_program_staff  # noqa: E402
from sites import admin_views_reports as report_views  # noqa: E402


class ProgramStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_program_staff(request.user)


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
    return ProgramStaffMenuItem(
        "Site reports", reverse("site_report_tracker"), icon_name="doc-full", order=310
    )


@hooks.register("register_admin_menu_item")
def register_convening_menu_item():
    return ProgramStaffMenuItem(
        "Convenings", reverse("convening_index"), icon_name="group", order=320
    )
