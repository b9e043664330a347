from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import MicroCredential

from .models import MANUAL_METHODS, PaymentMethod, StipendTrigger
from .services import money


class MoneyField(forms.CharField):
    """Dollars typed as text and parsed exactly: never a float, never rounded."""

    def clean(self, value):
        value = super().clean(value)
        try:
            return money(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["amount"]) from None


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ManualPaymentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[(m.value, m.label) for m in PaymentMethod if m in MANUAL_METHODS],
    )
    reference = forms.CharField(label=_("Reference number"), max_length=100)
    paid_on = forms.DateField(
        label=_("Date paid"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    amount = MoneyField(label=_("Amount (dollars)"))


class RuleForm(forms.Form):
    trigger = forms.ChoiceField(label=_("Trigger"), choices=StipendTrigger.choices)
    micro_credential = forms.ModelChoiceField(
        label=_("Micro-credential"),
        queryset=MicroCredential.objects.none(),
        required=False,
        empty_label=_("Any micro-credential (one amount for all)"),
    )
    amount = MoneyField(label=_("Amount (dollars)"))

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["micro_credential"].queryset = MicroCredential.objects.filter(
            content_area__in=site.content_areas.all()
        ).order_by("code")


class PlanForm(forms.Form):
    allow_both = forms.BooleanField(
        label=_("A participant may receive both a first-submission and an earned stipend"),
        required=False,
    )
