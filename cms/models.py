from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page

from grants.models import OrganizationType

from .blocks import RICH_TEXT_FEATURES, BodyBlock


class HomePage(Page):
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    max_count = 1
    subpage_types = ["cms.RfpIndexPage", "cms.ConveningPage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        context["open_rfps"] = (
            RfpPage.objects.live()
            .filter(opens_at__lte=now, closes_at__gt=now)
            .order_by("closes_at")
        )
        context["convenings"] = ConveningPage.objects.live().order_by("-event_date")[:3]
        return context


class StandardPage(Page):
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]

    class Meta:
        verbose_name = _("standard page")


class RfpIndexPage(Page):
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RfpPage"]
    max_count = 1

    class Meta:
        verbose_name = _("RFP index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        rfps = RfpPage.objects.live().child_of(self).select_related("program")
        context["open_rfps"] = rfps.filter(opens_at__lte=now, closes_at__gt=now).order_by(
            "closes_at"
        )
        context["upcoming_rfps"] = rfps.filter(opens_at__gt=now).order_by("opens_at")
        context["closed_rfps"] = rfps.filter(closes_at__lte=now).order_by("-closes_at")
        return context


class RfpStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RfpPageForm(WagtailAdminPageForm):
    eligible_org_types = forms.MultipleChoiceField(
        label=_("Eligible organization types"),
        choices=OrganizationType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=True,
    )

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The RFP must close after it opens."))
        return cleaned


class RfpPage(Page):
    """A request for proposals. Staff edit it in Wagtail; its dates and eligibility are
    the rules the application services enforce."""

    program = models.ForeignKey(
        "grants.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="rfps"
    )
    summary = models.TextField(_("summary"), blank=True)
    opens_at = models.DateTimeField(_("opens"), help_text=_("Pacific time."))
    closes_at = models.DateTimeField(
        _("closes"), help_text=_("Pacific time. Submissions at or after this moment are refused.")
    )
    eligible_content_areas = ParentalManyToManyField(
        "grants.ContentArea", verbose_name=_("eligible content areas"), related_name="rfps"
    )
    eligible_org_types = models.JSONField(_("eligible organization types"), default=list)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    base_form_class = RfpPageForm
    parent_page_types = ["cms.RfpIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel(
            "program",
            help_text=_(
                "The award amount, clock hours and content areas offered come from the program."
            ),
        ),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")])],
            heading=_("Application window (Pacific time)"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("eligible_content_areas", widget=forms.CheckboxSelectMultiple),
                FieldPanel("eligible_org_types"),
            ],
            heading=_("Eligibility"),
        ),
        FieldPanel("body"),
        InlinePanel("narrative_questions", label=_("Narrative questions"), min_num=1),
    ]

    class Meta:
        verbose_name = _("RFP")
        verbose_name_plural = _("RFPs")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="cms_rfp_closes_after_opens"
            )
        ]

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The RFP must close after it opens.")})

    def status_at(self, at: datetime | None = None) -> RfpStatus:
        at = at or timezone.now()
        if at < self.opens_at:
            return RfpStatus.UPCOMING
        if at < self.closes_at:
            return RfpStatus.OPEN
        return RfpStatus.CLOSED

    @property
    def status(self) -> RfpStatus:
        return self.status_at()

    @property
    def is_open(self) -> bool:
        return self.status == RfpStatus.OPEN

    @property
    def award_amount(self):
        return self.program.award_amount

    def eligible_org_type_labels(self) -> list[str]:
        return [OrganizationType(value).label for value in self.eligible_org_types]


class NarrativeQuestion(Orderable):
    """A question every applicant to the RFP answers."""

    page = ParentalKey(RfpPage, on_delete=models.CASCADE, related_name="narrative_questions")
    prompt = models.CharField(_("question"), max_length=500)
    help_text = models.TextField(_("guidance"), blank=True)
    max_words = models.PositiveIntegerField(_("word limit"), null=True, blank=True)
    required = models.BooleanField(_("required"), default=True)

    panels = [
        FieldPanel("prompt"),
        FieldPanel("help_text"),
        FieldPanel("max_words"),
        FieldPanel("required"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("narrative question")
        verbose_name_plural = _("narrative questions")

    def __str__(self):
        return self.prompt


class ConveningPage(Page):
    """The end-of-pilot policy convening, with the program's figures."""

    program = models.ForeignKey(
        "grants.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="convenings",
    )
    event_date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255)
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("agenda and resources"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("program"),
        FieldRowPanel([FieldPanel("event_date"), FieldPanel("place")]),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("convening page")

    def get_context(self, request, *args, **kwargs):
        from grants.selectors.summary import pilot_summary_display

        context = super().get_context(request, *args, **kwargs)
        context["summary"] = pilot_summary_display(self.program)
        return context
