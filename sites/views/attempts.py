"""Adding one attempt, and correcting one, by hand. Every correction is audited with its
reason (sites.services.attempts.attempt_correct)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from grants.permissions import require
from sites.forms.workspace import AttemptCorrectionForm, AttemptForm
from sites.models import Attempt
from sites.permissions import can_manage_site_records
from sites.services.attempts import attempt_correct, attempt_record
from sites.views.workspace import workspace_site


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def attempt_add(request, slug):
    site = workspace_site(request, slug)
    require(can_manage_site_records(request.user, site))
    initial = {}
    if request.GET.get("participant", "").isdigit():
        initial["participant"] = request.GET["participant"]
    form = AttemptForm(request.POST or None, site=site, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            attempt = attempt_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Attempt {attempt.number} of {attempt.micro_credential.code} for "
                f"{attempt.participant} is recorded.",
            )
            return redirect("workspace_participant", slug=site.slug, pk=attempt.participant_id)
    return render(request, "sites/workspace/attempt_form.html", {"site": site, "form": form})


def attempt_correct_view(request, slug, pk):
    site = workspace_site(request, slug)
    require(can_manage_site_records(request.user, site))
    attempt = get_object_or_404(
        Attempt.objects.select_related("participant", "micro_credential"),
        pk=pk,
        participant__site=site,
    )
    form = AttemptCorrectionForm(
        request.POST or None,
        initial={"submitted_on": attempt.submitted_on, "result": attempt.result},
    )
    if request.method == "POST" and form.is_valid():
        try:
            attempt_correct(attempt=attempt, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Attempt {attempt.number} of {attempt.micro_credential.code} is corrected.",
            )
            return redirect(
                reverse("workspace_participant", args=[site.slug, attempt.participant_id])
            )
    return render(
        request,
        "sites/workspace/attempt_correct.html",
        {"site": site, "attempt": attempt, "form": form},
    )
