from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from grants.files import private_storage
from grants.models.base import StoredDocument, TimeStampedModel


class SiteStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class GrantSite(TimeStampedModel):
    """An awarded organization running the pilot: created from exactly one award."""

    award = models.OneToOneField(
        "grants.Award", verbose_name=_("award"), on_delete=models.PROTECT, related_name="site"
    )
    program = models.ForeignKey(
        "grants.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    organization = models.ForeignKey(
        "grants.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SiteStatus.choices, default=SiteStatus.ACTIVE
    )
    summary = models.TextField(_("public summary"), blank=True)
    content_areas = models.ManyToManyField(
        "grants.ContentArea", verbose_name=_("content areas"), related_name="sites"
    )
    partner_districts = models.ManyToManyField(
        "grants.District",
        verbose_name=_("partner districts"),
        related_name="partner_sites",
        blank=True,
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="SiteCoordinator",
        through_fields=("site", "user"),
        related_name="coordinated_sites",
        verbose_name=_("coordinators"),
    )

    class Meta:
        verbose_name = _("grant site")
        verbose_name_plural = _("grant sites")
        ordering = ["program", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"], name="sites_site_unique_name_per_program"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_honorary(self) -> bool:
        """An honorary site takes part without grant funds."""
        return self.award.outcome == "honorary"


class SiteCoordinator(TimeStampedModel):
    site = models.ForeignKey(
        GrantSite,
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        related_name="coordinator_links",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="site_coordinations",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("site coordinator")
        verbose_name_plural = _("site coordinators")
        ordering = ["site", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="sites_coordinator_unique")
        ]

    def __str__(self):
        return f"{self.user} coordinates {self.site}"


class ParticipantRole(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    ADMINISTRATOR = "administrator", _("Administrator")
    UNIVERSITY_FACULTY = "university_faculty", _("University faculty")
    SCHOOL_COUNSELOR = "school_counselor", _("School counselor")
    PARAEDUCATOR = "paraeducator", _("Paraeducator")
    OTHER = "other", _("Other")


class Participant(TimeStampedModel):
    """An educator on a site's roster."""

    site = models.ForeignKey(
        GrantSite, verbose_name=_("site"), on_delete=models.PROTECT, related_name="participants"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=30, choices=ParticipantRole.choices)
    district = models.ForeignKey(
        "grants.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    school = models.CharField(_("school"), max_length=200, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    anonymized_at = models.DateTimeField(_("anonymized"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["site", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                "site", Lower("email"), name="sites_participant_unique_email_per_site"
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def audit_label(self) -> str:
        """How the audit trail names a participant: without personal data, so that
        anonymizing the participant leaves nothing of them in the append-only log."""
        return f"Participant #{self.pk} at site #{self.site_id}"


class AttemptResult(models.TextChoices):
    EARNED = "earned", _("Earned")
    NOT_EARNED = "not_earned", _("Not earned")


class Attempt(TimeStampedModel):
    """One submission of a portfolio for a micro-credential, numbered from 1."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    micro_credential = models.ForeignKey(
        "grants.MicroCredential",
        verbose_name=_("micro-credential"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    submitted_on = models.DateField(_("submitted on"))
    result = models.CharField(_("result"), max_length=20, choices=AttemptResult.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["participant", "micro_credential", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "micro_credential", "number"],
                name="sites_attempt_unique_number",
            ),
            models.UniqueConstraint(
                fields=["participant", "micro_credential"],
                condition=Q(result="earned"),
                name="sites_attempt_one_earned",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=10), name="sites_attempt_number_range"
            ),
        ]

    def __str__(self):
        return f"{self.participant} {self.micro_credential.code} #{self.number}"


class ClockHourCredit(TimeStampedModel):
    """Clock hours issued to a participant for an earned micro-credential."""

    attempt = models.OneToOneField(
        Attempt, verbose_name=_("attempt"), on_delete=models.PROTECT, related_name="clock_hours"
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="clock_hour_credits",
    )
    hours = models.PositiveSmallIntegerField(_("hours"))
    issued_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("clock-hour credit")
        verbose_name_plural = _("clock-hour credits")
        ordering = ["participant", "issued_on"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="sites_clockhours_positive")
        ]

    def __str__(self):
        return f"{self.hours} h for {self.attempt}"


class SupportStructure(models.TextChoices):
    IN_PERSON = "in_person", _("In-person meetings")
    DISCUSSION_BOARD = "discussion_board", _("Discussion board")
    COACHING = "coaching", _("Individual coaching")
    PLC = "plc", _("PLC time")
    PAIRED = "paired", _("Paired or team completion")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted")


class SiteReport(TimeStampedModel):
    """A site's end-of-pilot report. Its counts are never typed: they come from the site's data."""

    site = models.OneToOneField(
        GrantSite, verbose_name=_("site"), on_delete=models.PROTECT, related_name="report"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    support_structures = models.JSONField(_("support structures used"), default=list, blank=True)
    support_other = models.CharField(_("other support"), max_length=255, blank=True)
    incentives = models.TextField(_("incentives offered"), blank=True)
    collaboration = models.TextField(_("collaboration structures"), blank=True)
    what_worked = models.TextField(_("what worked"), blank=True)
    what_did_not_work = models.TextField(_("what did not work"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("site report")
        verbose_name_plural = _("site reports")
        ordering = ["site"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False),
                name="sites_report_accepted_has_time",
            )
        ]

    def __str__(self):
        return f"Report: {self.site}"

    @property
    def support_labels(self) -> list[str]:
        labels = dict(SupportStructure.choices)
        return [labels[value] for value in self.support_structures if value in labels]


class CommentKind(models.TextChoices):
    RETURN = "return", _("Returned for changes")
    STAFF = "staff", _("Staff comment")
    REPLY = "reply", _("Coordinator's reply")


class ReportComment(TimeStampedModel):
    """One message in a site report's thread: staff returning it, a staff comment that
    leaves the status alone, or a coordinator's reply. Never edited, so the thread is the
    history of what each side said."""

    report = models.ForeignKey(
        SiteReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        # Null only for comments carried over from before the thread, whose author the
        # audit trail did not name.
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"))
    kind = models.CharField(_("kind"), max_length=20, choices=CommentKind.choices)
    report_status = models.CharField(
        _("report status after the comment"), max_length=20, choices=ReportStatus.choices
    )

    class Meta:
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")
        ordering = ["report", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""), name="sites_reportcomment_body_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(kind="return") | Q(report_status="returned"),
                name="sites_reportcomment_return_is_returned",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.report}"


class ReportQuote(TimeStampedModel):
    """A participant's "My why" statement. Published only with consent."""

    report = models.ForeignKey(
        SiteReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="quotes"
    )
    attribution = models.CharField(_("attribution"), max_length=200, blank=True)
    text = models.TextField(_("quote"))
    consent_to_publish = models.BooleanField(_("consent to publish"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("participant quote")
        verbose_name_plural = _("participant quotes")
        ordering = ["report", "position", "id"]

    def __str__(self):
        return self.text[:60]


class ImportKind(models.TextChoices):
    ROSTER = "roster", _("Roster")
    ATTEMPTS = "attempts", _("Attempt results")


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    PREVIEWED = "previewed", _("Ready to confirm")
    REFUSED = "refused", _("Has errors")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")


class ImportBatch(TimeStampedModel):
    """One uploaded roster or attempts file: checked (a dry run) first, written only when
    the coordinator confirms. The file is kept privately so confirming reads exactly what
    was previewed."""

    public_id = models.UUIDField(_("public id"), unique=True, editable=False)
    site = models.ForeignKey(
        GrantSite, verbose_name=_("site"), on_delete=models.CASCADE, related_name="imports"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", storage=private_storage)
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview rows"), default=list, blank=True)
    # What a clean preview would write, and a digest of the site data it was checked
    # against: confirming writes the plan while the digest still matches. Cleared once
    # written.
    plan = models.JSONField(_("planned rows"), default=dict, blank=True)
    checked_state = models.CharField(_("checked against"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="imported") | Q(confirmed_at__isnull=False),
                name="sites_import_imported_was_confirmed",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} import {self.filename} for {self.site}"

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)


# Site reports: attachments and due-date reminders (issue 7) ------------------------------


def report_attachment_path(instance, filename):
    return f"reports/{instance.report_id}/{filename}"


class ReportAttachment(StoredDocument):
    """A file a coordinator attaches to the site report: PDF, DOCX or XLSX, judged by its
    content, stored privately and served only after a permission check."""

    report = models.ForeignKey(
        SiteReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments"
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=report_attachment_path)

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["report", "created_at"]


class ReminderKind(models.TextChoices):
    DAYS_14 = "14_days", _("14 days before the due date")
    DAYS_7 = "7_days", _("7 days before the due date")
    DAYS_1 = "1_day", _("1 day before the due date")
    OVERDUE = "overdue", _("Overdue")


class ReportReminder(TimeStampedModel):
    """A report reminder that was sent. The unique constraint is what makes each reminder
    go at most once per site and due date, however often or late the schedule runs."""

    site = models.ForeignKey(
        GrantSite,
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        related_name="report_reminders",
    )
    kind = models.CharField(_("reminder"), max_length=20, choices=ReminderKind.choices)
    due_on = models.DateField(_("due date reminded of"))
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        ordering = ["site", "due_on", "sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "due_on"], name="sites_report_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} reminder to {self.site}"
