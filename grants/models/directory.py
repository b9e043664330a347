import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel

_SUFFIX = re.compile(r"\s+school\s+district$")


def district_match_key(name: str) -> str:
    """The form of a district name used for matching typed or imported names:
    case-insensitive, with or without a trailing "School District"."""
    key = " ".join(name.lower().split())
    return _SUFFIX.sub("", key)


class DistrictKind(models.TextChoices):
    LEA = "lea", _("School district or local education agency")
    ESD = "esd", _("Educational service district")


class District(TimeStampedModel):
    """An entry of the state's education directory: a school district, charter, tribal
    compact or one of the nine educational service districts."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DistrictKind.choices)
    code = models.CharField(_("code"), max_length=20, blank=True, help_text=_("ESD number."))
    seat = models.CharField(_("seat"), max_length=100, blank=True)
    match_key = models.CharField(_("match key"), max_length=200, unique=True, editable=False)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("district directory")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="esd") | ~models.Q(code=""),
                name="grants_district_esd_has_code",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.match_key = district_match_key(self.name)
        super().save(*args, **kwargs)
