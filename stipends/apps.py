from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StipendsConfig(AppConfig):
    name = "stipends"
    verbose_name = _("Stipends")
    default_auto_field = "django.db.models.BigAutoField"
