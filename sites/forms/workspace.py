"""Forms of the coordinator's workspace. They only shape input; the rules are in the
services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.forms.styling import DesignSystemForm
from grants.models import MicroCredential
from sites.models import AttemptResult, Participant


class ImportUploadForm(DesignSystemForm):
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        help_text=_("At most 5 MB and 20,000 rows. The first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class AttemptForm(DesignSystemForm):
    """Record one attempt for a participant on the site's roster."""

    participant = forms.ModelChoiceField(
        label=_("Participant"), queryset=Participant.objects.none()
    )
    micro_credential = forms.ModelChoiceField(
        label=_("Micro-credential"), queryset=MicroCredential.objects.none()
    )
    number = forms.IntegerField(label=_("Attempt number"), min_value=1, max_value=10)
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())
    result = forms.ChoiceField(
        label=_("Result"), choices=AttemptResult.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = Participant.objects.filter(site=site).order_by(
            "last_name", "first_name"
        )
        self.fields["participant"].label_from_instance = lambda p: f"{p.full_name} ({p.email})"
        self.fields["micro_credential"].queryset = MicroCredential.objects.filter(
            content_area__in=site.content_areas.all()
        )
        self.fields["number"].max_value = site.program.max_attempts
        self.fields["submitted_on"].initial = timezone.localdate()


class AttemptCorrectionForm(DesignSystemForm):
    """Correct one attempt's date or result, with the reason for the audit trail."""

    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())
    result = forms.ChoiceField(
        label=_("Result"), choices=AttemptResult.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail, for example: the platform re-scored the portfolio."),
    )
