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


# Stipends: finance's tools (stipends/admin_views.py), shown to finance only.
@hooks.register("register_admin_urls")
def register_stipend_urls():
    from stipends.admin_urls import urlpatterns

    return urlpatterns


@hooks.register("register_admin_menu_item")
def register_stipend_menu():
    from stipends.admin_urls import stipend_menu_item

    return stipend_menu_item()
