from datetime import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page

from grants.files import private_storage
from grants.models import OrganizationType
from grants.models.base import TimeStampedModel

from .blocks import RICH_TEXT_FEATURES, AgendaBlock, BodyBlock, ResourcesBlock


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


class FacilitatorChoiceField(forms.ModelChoiceField):
    """Offers the people eligible to facilitate, but reads back any account that is
    posted, so the form can say why that person cannot facilitate instead of Django's
    "not one of the available choices"."""

    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email

    def to_python(self, value):
        if value in self.empty_values:
            return None
        from django.contrib.auth import get_user_model

        try:
            return get_user_model().objects.get(pk=value)
        except (ValueError, TypeError, ObjectDoesNotExist) as error:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from error


class ConveningSessionForm(WagtailAdminModelForm):
    """A small-group session in the page editor. The facilitator list holds program staff
    and the people with a place at this convening (plus whoever facilitates now, so a
    facilitator who has since left is shown and flagged, not silently dropped)."""

    def __init__(self, *args, convening=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.convening = convening
        if "facilitator" not in self.fields:
            return
        from django.contrib.auth import get_user_model

        from cms.convening.selectors import facilitator_candidates

        current = Q(pk=self.instance.facilitator_id) if self.instance.facilitator_id else Q(pk=None)
        old = self.fields["facilitator"]
        self.fields["facilitator"] = FacilitatorChoiceField(
            queryset=get_user_model()
            .objects.filter(Q(pk__in=facilitator_candidates(convening).values("pk")) | current)
            .order_by("first_name", "last_name", "email"),
            required=False,
            label=old.label,
            help_text=_(
                "Program staff, or someone with a place at this convening (not on the "
                "waitlist). They record the group's input in the portal."
            ),
            empty_label=_("No facilitator yet"),
        )

    def clean_facilitator(self):
        from cms.permissions import can_facilitate

        facilitator = self.cleaned_data.get("facilitator")
        if facilitator is not None:
            access = can_facilitate(facilitator, self.convening)
            if not access:
                raise ValidationError(
                    _("%(person)s cannot facilitate: %(reason)s"),
                    params={"person": str(facilitator), "reason": access.reason},
                    code="not_eligible",
                )
        return facilitator


class ConveningPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sessions = self.formsets.get("sessions")
        if sessions is not None:
            # The sessions' forms (and the empty one the editor copies) are built lazily
            # from form_kwargs, so each learns which convening it belongs to.
            sessions.form_kwargs = {**sessions.form_kwargs, "convening": self.instance}
            sessions.__dict__.pop("forms", None)


class SessionsPanel(InlinePanel):
    """The page's sessions, edited with ConveningSessionForm."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = ConveningSessionForm
        return options


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
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("more about the convening"))
    agenda = StreamField(AgendaBlock(), blank=True, verbose_name=_("agenda"))
    resources = StreamField(ResourcesBlock(), blank=True, verbose_name=_("resources"))
    capacity = models.PositiveIntegerField(
        _("capacity"),
        default=100,
        help_text=_("Registrations beyond this go on the waitlist, in the order they came."),
    )
    registration_open = models.BooleanField(_("registration open"), default=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("program"),
        FieldRowPanel([FieldPanel("event_date"), FieldPanel("place")]),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_open")]),
        FieldPanel("intro"),
        FieldPanel("agenda"),
        FieldPanel("resources"),
        FieldPanel("body"),
        SessionsPanel(
            "sessions",
            label=_("Small-group sessions"),
            help_text=_("Each session discusses one of the five policy structures."),
        ),
    ]
    base_form_class = ConveningPageForm
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("convening page")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cms_convening_capacity")
        ]

    def get_context(self, request, *args, **kwargs):
        from cms.convening.selectors import convening_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(convening_page_context(self, request.user))
        return context


# The convening: sessions, registration, facilitators' input, published figures and the
# packet (issue 7). -------------------------------------------------------------------------


class PolicyStructure(models.TextChoices):
    ALIGNMENT = "alignment", _("Alignment to standards")
    ASSESSMENT = "assessment", _("Assessment of micro-credentials")
    SUPPORT = "support", _("Educator support and collaboration")
    INCENTIVES = "incentives", _("Incentive types and provisions")
    PLATFORMS = "platforms", _("Platform providers")


class ConveningSession(Orderable):
    """A small group at the convening, discussing one policy structure."""

    page = ParentalKey(ConveningPage, on_delete=models.CASCADE, related_name="sessions")
    structure = models.CharField(
        _("policy structure"), max_length=20, choices=PolicyStructure.choices
    )
    title = models.CharField(_("title"), max_length=200)
    prompt = models.TextField(_("discussion prompt"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_sessions",
        help_text=_("The facilitator records the group's input in the portal."),
    )

    panels = [
        FieldRowPanel([FieldPanel("structure"), FieldPanel("room")]),
        FieldPanel("title"),
        FieldPanel("prompt"),
        FieldPanel("facilitator"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("small-group session")
        verbose_name_plural = _("small-group sessions")

    def __str__(self):
        return f"{self.title} ({self.get_structure_display()})"


class SessionInput(TimeStampedModel):
    """What one small group said, recorded by its facilitator."""

    session = models.OneToOneField(
        ConveningSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="input"
    )
    participants = models.PositiveSmallIntegerField(_("people in the group"), default=0)
    key_points = models.TextField(_("key points of the discussion"))
    recommendations = models.TextField(_("policy recommendations"), blank=True)
    concerns = models.TextField(_("concerns and open questions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("session input")
        verbose_name_plural = _("session input")
        ordering = ["session"]

    def __str__(self):
        return f"Input of {self.session}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


class ConveningRegistration(TimeStampedModel):
    """One person's place at the convening, or on its waitlist. The waitlist is served in
    the order people joined it (``queued_at``)."""

    page = models.ForeignKey(
        ConveningPage,
        verbose_name=_("convening"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="convening_registrations",
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    structure = models.CharField(
        _("preferred small group"), max_length=20, choices=PolicyStructure.choices, blank=True
    )
    accessibility = models.TextField(_("access needs"), blank=True)
    queued_at = models.DateTimeField(_("registered or waitlisted"))
    promoted_at = models.DateTimeField(_("promoted from the waitlist"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("convening registration")
        verbose_name_plural = _("convening registrations")
        ordering = ["page", "queued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="cms_registration_once"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="cms_registration_cancelled_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.user} at {self.page}: {self.get_status_display()}"


class FigureSnapshot(TimeStampedModel):
    """Frozen convening figures published to the public page: what was shown, when, by
    whom, and a fingerprint of the data it was computed from."""

    page = models.ForeignKey(
        ConveningPage,
        verbose_name=_("convening"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    figures = models.JSONField(_("figures"))
    charts = models.JSONField(_("charts (SVG data URLs)"), default=dict)
    source = models.JSONField(_("computed from"))
    digest = models.CharField(_("fingerprint"), max_length=64)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("published figures")
        verbose_name_plural = _("published figures")
        ordering = ["page", "-published_at", "-id"]
        get_latest_by = "published_at"

    def __str__(self):
        return f"Figures of {self.page} published {self.published_at:%Y-%m-%d %H:%M}"


class PacketStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def packet_path(instance, filename):
    return f"convening/{instance.page_id}/{filename}"


class ConveningPacket(TimeStampedModel):
    """The convening packet PDF, built in the background; progress runs from 0 to 100."""

    page = models.ForeignKey(
        ConveningPage, verbose_name=_("convening"), on_delete=models.CASCADE, related_name="packets"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PacketStatus.choices, default=PacketStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=packet_path, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    digest = models.CharField(_("figures fingerprint"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("convening packet")
        verbose_name_plural = _("convening packets")
        ordering = ["page", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="cms_packet_progress"),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""), name="cms_packet_done_has_file"
            ),
        ]

    def __str__(self):
        return f"Packet of {self.page} ({self.get_status_display()})"
