"""Staff screens of the sites app in the Wagtail admin. Registered in cms/wagtail_hooks.py."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .models import GrantSite


class GrantSiteViewSet(ModelViewSet):
    model = GrantSite
    icon = "home"
    menu_label = _("Grant sites")
    list_display = ["name", "program", "organization", "status"]
    list_filter = ["program", "status"]
    search_fields = ["name"]
    form_fields = ["name", "summary", "status"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return GrantSite.objects.select_related("program", "organization")


class SitesViewSetGroup(ModelViewSetGroup):
    menu_label = _("Sites")
    menu_icon = "home"
    menu_order = 300
    items = (GrantSiteViewSet,)
