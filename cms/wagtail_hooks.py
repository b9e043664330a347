"""Wagtail admin registration. Each app keeps its staff screens in its own viewsets.py;
this module is the one place that adds them to the admin."""

from wagtail import hooks

from grants.viewsets import GrantsViewSetGroup
from sites.viewsets import SitesViewSetGroup


@hooks.register("register_admin_viewset")
def register_grants():
    return GrantsViewSetGroup()


@hooks.register("register_admin_viewset")
def register_sites():
    return SitesViewSetGroup()
