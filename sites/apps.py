from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = _("Grant sites")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from grants.portal_nav import register_portal_link
        from grants.roles import Role, has_role

        register_portal_link(
            "My sites",
            "workspace_sites",
            lambda user: (
                has_role(user, Role.SITE_COORDINATOR) or has_role(user, Role.PROGRAM_STAFF)
            ),
            order=20,
        )
        register_portal_link(
            "Site reports",
            "site_report_list",
            lambda user: has_role(user, Role.SITE_COORDINATOR),
            order=40,
        )
