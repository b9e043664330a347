from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField

from .base import TimeStampedModel
from .decisions import DecisionOutcome

LETTER_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class LetterTemplate(TimeStampedModel):
    """The wording of one kind of decision letter, edited by staff in Wagtail (Snippets >
    Letter templates). The letter's facts (amount, period, clock hours, reporting duties,
    payment schedule) come from the decision and program, never from this text.

    Text may name {organization}, {program}, {amount}, {period}, {clock_hours} and
    {report_due}; they are filled in, escaped, when a letter is made."""

    kind = models.CharField(
        _("decision"), max_length=20, choices=DecisionOutcome.choices, unique=True
    )
    subject = models.CharField(_("email subject"), max_length=200)
    opening = RichTextField(_("opening"), features=LETTER_FEATURES)
    reporting_duties = RichTextField(_("reporting duties"), features=LETTER_FEATURES, blank=True)
    closing = RichTextField(_("closing"), features=LETTER_FEATURES, blank=True)
    signatory_name = models.CharField(_("signed by"), max_length=200)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()} letter"
