"""Forms of the convening's public and facilitator pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.forms.styling import DesignSystemForm

from .models import PolicyStructure


class RegistrationForm(DesignSystemForm):
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)
    role = forms.CharField(label=_("Your role"), max_length=200, required=False)
    structure = forms.ChoiceField(
        label=_("Small group you would like to join"),
        choices=[("", _("No preference")), *PolicyStructure.choices],
        required=False,
    )
    accessibility = forms.CharField(
        label=_("Access needs (optional)"), widget=forms.Textarea({"rows": 2}), required=False
    )


class SessionInputForm(DesignSystemForm):
    participants = forms.IntegerField(
        label=_("People in the group"), min_value=0, max_value=500, initial=0
    )
    key_points = forms.CharField(
        label=_("Key points of the discussion"), widget=forms.Textarea({"rows": 6})
    )
    recommendations = forms.CharField(
        label=_("Policy recommendations"), widget=forms.Textarea({"rows": 5}), required=False
    )
    concerns = forms.CharField(
        label=_("Concerns and open questions"), widget=forms.Textarea({"rows": 4}), required=False
    )
