"""The site report form: typed sections, participant quotes and one attachment at a time.
Counts are not fields here: they come from the site's data (sites.selectors.reports)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.forms.styling import DesignSystemForm
from sites.models import SupportStructure

NARRATIVE = {"rows": 5}


class SiteReportForm(DesignSystemForm):
    support_structures = forms.MultipleChoiceField(
        label=_("Support structures the site used"),
        choices=SupportStructure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    support_other = forms.CharField(
        label=_("If other, which support?"), max_length=255, required=False
    )
    incentives = forms.CharField(
        label=_("Incentives offered"),
        help_text=_("Stipend amounts and clock hours offered, and anything else."),
        widget=forms.Textarea(NARRATIVE),
        required=False,
    )
    collaboration = forms.CharField(
        label=_("Collaboration structures"), widget=forms.Textarea(NARRATIVE), required=False
    )
    what_worked = forms.CharField(
        label=_("What worked"), widget=forms.Textarea(NARRATIVE), required=False
    )
    what_did_not_work = forms.CharField(
        label=_("What did not work"), widget=forms.Textarea(NARRATIVE), required=False
    )
    recommendations = forms.CharField(
        label=_("Recommendations"), widget=forms.Textarea(NARRATIVE), required=False
    )
    attachment = forms.FileField(
        label=_("Add an attachment (optional)"),
        help_text=_("PDF, DOCX or XLSX, at most 10 MB."),
        required=False,
    )
    attachment_label = forms.CharField(
        label=_("What the attachment is"), max_length=200, required=False
    )

    def report_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("attachment")}
        data["support_structures"] = list(data["support_structures"])
        return data


class QuoteForm(DesignSystemForm):
    text = forms.CharField(
        label=_('Quote ("My why")'), widget=forms.Textarea({"rows": 3}), required=False
    )
    attribution = forms.CharField(
        label=_("Attribution"),
        help_text=_('For example "Third-grade teacher, Selah". Leave out names unless agreed.'),
        max_length=200,
        required=False,
    )
    consent_to_publish = forms.BooleanField(
        label=_("The participant consented to publishing this quote"), required=False
    )


QuoteFormSet = forms.formset_factory(QuoteForm, extra=2, max_num=30, validate_max=True)


def quotes_from(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.forms if form.cleaned_data]


class ReplyForm(DesignSystemForm):
    body = forms.CharField(
        label=_("Reply to program staff"),
        help_text=_("Staff see your reply on the report. Resubmit the report when it is ready."),
        widget=forms.Textarea({"rows": 3}),
        max_length=5000,
    )
