"""Forms of the review and decision screens in the admin. They only collect input; every
rule is in grants.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grants.models import Application, CommentVisibility, DecisionOutcome, RubricCriterion, User
from grants.permissions import can_change_rubric
from grants.roles import ROLE_GROUPS, Role

SCORE_CHOICES = [("", _("Not scored yet"))] + [(str(n), str(n)) for n in range(1, 6)]


def reviewers():
    return User.objects.filter(groups__name=ROLE_GROUPS[Role.REVIEWER], is_active=True).order_by(
        "last_name", "first_name", "email"
    )


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.email} ({obj.email})"


class ReviewerMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.email} ({obj.email})"


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class AssignForm(forms.Form):
    reviewer = ReviewerChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers()


class ApplicationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.organization.legal_name


class BulkAssignForm(forms.Form):
    applications = ApplicationMultipleChoiceField(
        label=_("Applications"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reviewers = ReviewerMultipleChoiceField(
        label=_("Reviewers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, applications=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications
        self.fields["reviewers"].queryset = reviewers()


class DeclarationForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this applicant?"),
        choices=[
            ("no", _("No, I have no conflict of interest")),
            ("yes", _("Yes, I have a conflict of interest")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("If yes, what is the conflict?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ScoreForm(forms.Form):
    """One score (1 to 5) and comment per rubric criterion, and an overall comment."""

    overall_comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, review, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {s.criterion_id: s for s in review.scores.all()}
        self.criteria = criteria
        self.rows = []
        for criterion in criteria:
            current = existing.get(criterion.pk)
            score_name, comment_name = f"score_{criterion.pk}", f"comment_{criterion.pk}"
            self.fields[score_name] = forms.ChoiceField(
                label=_("Score for “%(title)s” (1 to 5)") % {"title": criterion.title},
                choices=SCORE_CHOICES,
                required=False,
                initial=str(current.score) if current and current.score else "",
            )
            self.fields[comment_name] = forms.CharField(
                label=_("Comment on “%(title)s”") % {"title": criterion.title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.comment if current else "",
            )
            self.rows.append((criterion, score_name, comment_name))
        self.fields["overall_comment"].initial = review.overall_comment
        self.order_fields([name for _, s, c in self.rows for name in (s, c)] + ["overall_comment"])

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {c.pk: int(data[s]) if data.get(s) else None for c, s, _ in self.rows},
            "comments": {c.pk: data.get(cm, "") for c, _, cm in self.rows},
            "overall_comment": data.get("overall_comment", ""),
        }


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Internal comment"), widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=CommentVisibility.choices,
        initial=CommentVisibility.STAFF,
    )


class CommentEditForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    amount = forms.CharField(
        label=_("Cash amount (awards only)"),
        required=False,
        help_text=_("Defaults to the program's award amount."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReversalForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this decision being reversed?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class PaymentForm(forms.Form):
    reference = forms.CharField(label=_("Payment reference"), max_length=100)


class RubricCriterionForm(forms.ModelForm):
    """The Wagtail admin's add and edit form for a rubric criterion. It refuses any change
    to a rubric that reviewers have started scoring against (grants.permissions)."""

    class Meta:
        model = RubricCriterion
        fields = ["rfp", "title", "guidance", "position"]

    def clean(self):
        cleaned = super().clean()
        # Moving a criterion changes two rubrics: the one it leaves and the one it joins.
        rfp_ids = {self.instance.rfp_id} if self.instance.pk else set()
        if cleaned.get("rfp") is not None:
            rfp_ids.add(cleaned["rfp"].pk)
        for rfp_id in sorted(rfp_ids):
            access = can_change_rubric(rfp_id)
            if not access:
                raise ValidationError(access.reason)
        return cleaned
