from django import forms
from django.utils.translation import gettext_lazy as _

from grants.models import District, DistrictKind, OrganizationType

from .accounts import SetPasswordFields
from .styling import DesignSystemForm


class RegistrationForm(SetPasswordFields):
    """A new applicant's account: name, email and a password that passes the validators."""

    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "usa-input"}),
        help_text=_("We will email you a link to confirm it."),
    )
    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, email="", **kwargs)

    def clean_email(self):
        self.email = self.cleaned_data["email"].strip().lower()
        return self.email


def grouped_district_choices(*, blank: str | None = None):
    """The directory as select options, the nine ESDs first, then every school district."""
    rows = list(District.objects.order_by("kind", "name").values_list("pk", "name", "kind"))
    groups = [
        (
            _("Educational service districts"),
            [(pk, n) for pk, n, k in rows if k == DistrictKind.ESD],
        ),
        (_("School districts"), [(pk, n) for pk, n, k in rows if k == DistrictKind.LEA]),
    ]
    return ([("", blank)] if blank is not None else []) + groups


class OrganizationForm(DesignSystemForm):
    legal_name = forms.CharField(label=_("Legal name"), max_length=255)
    org_type = forms.ChoiceField(
        label=_("Type of organization"), choices=OrganizationType.choices, widget=forms.RadioSelect
    )
    district = forms.ModelChoiceField(
        label=_("District or ESD"),
        queryset=District.objects.all(),
        required=False,
        help_text=_("A school district or ESD chooses which entry of the state directory it is."),
    )
    street = forms.CharField(label=_("Street address"), max_length=255, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postal_code = forms.RegexField(
        label=_("ZIP code"),
        regex=r"^\d{5}(-\d{4})?$",
        required=False,
        error_messages={"invalid": _("Enter a ZIP code like 98501 or 98501-1234.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = grouped_district_choices(blank=_("Not a district or ESD"))


class InviteForm(DesignSystemForm):
    email = forms.EmailField(
        label=_("Colleague's email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class MembershipRequestForm(DesignSystemForm):
    message = forms.CharField(
        label=_("Message to the members (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say who you are, so they know to let you in."),
    )


class OrganizationSearchForm(DesignSystemForm):
    q = forms.CharField(label=_("Organization name"), max_length=100, required=False)
