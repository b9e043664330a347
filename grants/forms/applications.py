"""The forms of the application steps. They check what a person typed; the rules that
decide whether an application may be saved or submitted live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.files import MAX_DOCUMENT_BYTES
from grants.models import BudgetCategory, District

from .styling import DesignSystemForm, DollarField


class DetailsForm(DesignSystemForm):
    title = forms.CharField(label=_("Project title"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_title = forms.CharField(label=_("Contact's job title"), max_length=200, required=False)
    contact_email = forms.EmailField(
        label=_("Contact email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    contact_phone = forms.RegexField(
        label=_("Contact phone"),
        regex=r"^[0-9+()\-. x]{7,40}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number like 360-555-0100.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class ContentAreasForm(DesignSystemForm):
    content_areas = forms.ModelMultipleChoiceField(
        label=_("Content areas you propose to pilot"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one content area.")},
    )

    def __init__(self, *args, rfp, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_areas"].queryset = rfp.eligible_content_areas.all()


class PartnersForm(DesignSystemForm):
    partner_districts = forms.ModelMultipleChoiceField(
        label=_("Partner districts"),
        queryset=District.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
        required=False,
        help_text=_(
            "The districts whose educators will take part. A district applying only for its "
            "own staff may leave this empty."
        ),
    )


class NarrativeForm(DesignSystemForm):
    """One answer per narrative question of the RFP. Answers may be left empty in a draft;
    the review step lists the required ones still missing."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            hint = question.help_text
            if question.max_words:
                limit = _("At most %(n)d words.") % {"n": question.max_words}
                hint = f"{hint} {limit}".strip()
            attrs = {"rows": 8}
            if question.max_words:
                attrs["data-word-limit"] = str(question.max_words)
            field = forms.CharField(
                label=question.prompt,
                help_text=hint,
                required=False,
                max_length=20_000,
                widget=forms.Textarea(attrs=attrs),
            )
            field.question = question
            self.fields[f"question_{question.pk}"] = field
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = f"question_{question.pk}"
            words = len((cleaned.get(name) or "").split())
            if question.max_words and words > question.max_words:
                self.add_error(
                    name,
                    _("Keep this answer to %(limit)d words; it has %(n)d.")
                    % {"limit": question.max_words, "n": words},
                )
        return cleaned

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"question_{q.pk}", "") for q in self.questions}


class BudgetLineForm(DesignSystemForm):
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Choose a category"))] + list(BudgetCategory.choices),
        required=False,
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    amount = DollarField(
        label=_("Amount ($)"),
        required=False,
        error_messages={
            "invalid": _("Enter dollars and cents, like 4000.00."),
            "min_value": _("Amounts cannot be negative."),
            "max_decimal_places": _("Use at most two decimal places (cents)."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs["data-budget-amount"] = ""

    def clean(self):
        cleaned = super().clean()
        has_amount = cleaned.get("amount") is not None
        if cleaned.get("category") and not has_amount and "amount" not in self.errors:
            self.add_error("amount", _("Enter an amount (it may be 0)."))
        if (has_amount or cleaned.get("description")) and not cleaned.get("category"):
            self.add_error("category", _("Choose a category for this line."))
        return cleaned

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("category") and data.get("amount") is None


class BaseBudgetFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict]:
        return [
            {
                "category": form.cleaned_data["category"],
                "description": form.cleaned_data.get("description", ""),
                "amount": form.cleaned_data["amount"],
            }
            for form in self.forms
            if form.cleaned_data and not form.is_blank
        ]


BudgetFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseBudgetFormSet, extra=3, max_num=30, validate_max=True
)


class AttachmentForm(DesignSystemForm):
    label = forms.CharField(
        label=_("What is this file?"),
        max_length=200,
        required=False,
        help_text=_("For example: letter of support from a partner district."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX) or Excel (XLSX), at most %(mb)d MB.")
        % {"mb": MAX_DOCUMENT_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,.xlsx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={"required": _("Choose a file to upload.")},
    )


class WithdrawForm(DesignSystemForm):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
