from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StipendsConfig(AppConfig):
    name = "stipends"
    verbose_name = _("Stipends")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from grants.portal_nav import register_portal_link
        from grants.roles import Role, has_role

        register_portal_link(
            "Stipends",
            "stipend_sites",
            lambda user: has_role(user, Role.SITE_COORDINATOR),
            order=40,
        )
