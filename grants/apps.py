from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
        from .portal_nav import register_portal_link

        register_portal_link("Dashboard", "portal_home", lambda user: True, order=0)
        register_portal_link("Organizations", "organization_list", lambda user: True, order=10)
