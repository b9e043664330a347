"""The multi-step application form. Each step saves the draft through one service; a step
that fails validation shows everything the person typed again, with the problems."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from grants.forms.applications import (
    AttachmentForm,
    BudgetFormSet,
    ContentAreasForm,
    DetailsForm,
    NarrativeForm,
    PartnersForm,
)
from grants.forms.styling import DesignSystemForm
from grants.models import ApplicationStep, BudgetLine
from grants.permissions import can_edit_application, require
from grants.services.applications import (
    DRAFT_FIELDS,
    STEP_ORDER,
    application_step_save,
    application_submit,
    budget_problems,
    submission_problems,
)
from grants.services.attachments import (
    MAX_ATTACHMENTS,
    application_attachment_add,
    application_attachment_remove,
)

from .applications import step_url, viewable_application
from .feedback import attempt


class SubmitForm(DesignSystemForm):
    confirm = forms.BooleanField(
        label=_(
            "I confirm that this application is complete and accurate, and that I may submit "
            "it for my organization."
        ),
        error_messages={"required": _("Tick the box to confirm before submitting.")},
    )


def _step_links(application, viewing: str) -> list[tuple]:
    reached = STEP_ORDER.index(application.current_step)
    links = []
    for index, (key, label) in enumerate(ApplicationStep.choices):
        if key == viewing:
            state = "current"
        elif index < reached:
            state = "complete"
        else:
            state = ""
        links.append((key, label, state, step_url(application, key) if index <= reached else ""))
    return links


def _render(request, application, step: str, context: dict, status: int = 200):
    index = STEP_ORDER.index(step)
    now = timezone.now()
    return render(
        request,
        f"portal/applications/steps/{step}.html",
        {
            "application": application,
            "rfp": application.rfp,
            "step": step,
            "step_label": ApplicationStep(step).label,
            "step_number": index + 1,
            "step_count": len(STEP_ORDER),
            "steps": _step_links(application, step),
            "previous_url": step_url(application, STEP_ORDER[index - 1]) if index else "",
            "next_label": ApplicationStep(STEP_ORDER[index + 1]).label
            if index + 1 < len(STEP_ORDER)
            else "",
            "deadline_passed": now >= application.rfp.closes_at,
            **context,
        },
        status=status,
    )


def _attach_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _saved(request, application, step: str):
    if request.POST.get("action") == "save":
        messages.success(
            request, "Your draft is saved. You can come back to it at any time before the deadline."
        )
        return redirect(step_url(application, step))
    return redirect(step_url(application, STEP_ORDER[STEP_ORDER.index(step) + 1]))


def _form_step(request, application, step, form, data):
    """The common shape of a step: validate, save through the service, or show again."""
    if request.method == "POST" and form.is_valid():
        try:
            application_step_save(
                application=application, step=step, data=data(form), actor=request.user
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            return _saved(request, application, step)
    status = 400 if form.is_bound and form.errors else 200
    return _render(request, application, step, {"form": form}, status=status)


def _details(request, application):
    initial = {name: getattr(application, name) for name in DRAFT_FIELDS}
    if not application.contact_name and not application.contact_email:
        # A first visit suggests the person filling in the form as the contact.
        initial["contact_name"] = request.user.get_full_name()
        initial["contact_email"] = request.user.email
    form = DetailsForm(request.POST or None, initial=initial)
    return _form_step(
        request, application, ApplicationStep.ORGANIZATION, form, lambda f: f.cleaned_data
    )


def _content_areas(request, application):
    form = ContentAreasForm(
        request.POST or None,
        rfp=application.rfp,
        initial={"content_areas": [area.pk for area in application.content_areas.all()]},
    )
    return _form_step(
        request, application, ApplicationStep.CONTENT_AREAS, form, lambda f: f.cleaned_data
    )


def _partners(request, application):
    form = PartnersForm(
        request.POST or None,
        initial={"partner_districts": [d.pk for d in application.partner_districts.all()]},
    )
    return _form_step(
        request, application, ApplicationStep.PARTNERS, form, lambda f: f.cleaned_data
    )


def _narrative(request, application):
    saved = {answer.question_id: answer.answer for answer in application.answers.all()}
    questions = application.rfp.narrative_questions.all()
    form = NarrativeForm(
        request.POST or None,
        questions=questions,
        initial={f"question_{q.pk}": saved.get(q.pk, "") for q in questions},
    )
    return _form_step(
        request,
        application,
        ApplicationStep.NARRATIVE,
        form,
        lambda f: {"answers": f.answers()},
    )


def _budget(request, application):
    lines = list(application.budget_lines.all())
    initial = [
        {"category": line.category, "description": line.description, "amount": line.amount}
        for line in lines
    ] or [{"category": "stipends", "description": "Participant stipends"}]
    formset = BudgetFormSet(request.POST or None, initial=initial, prefix="lines")
    problems = []
    if request.method == "POST" and formset.is_valid():
        try:
            application_step_save(
                application=application,
                step=ApplicationStep.BUDGET,
                data={"lines": formset.lines()},
                actor=request.user,
            )
        except ValidationError as error:
            problems = error.messages
        else:
            remaining = budget_problems(
                application, list(BudgetLine.objects.filter(application=application))
            )
            if remaining and request.POST.get("action") != "save":
                messages.warning(
                    request, "Your budget is saved, but before you submit: " + " ".join(remaining)
                )
            return _saved(request, application, ApplicationStep.BUDGET)
    invalid = formset.is_bound and (problems or not formset.is_valid())
    return _render(
        request,
        application,
        ApplicationStep.BUDGET,
        {
            "formset": formset,
            "problems": problems,
            "saved_problems": [] if formset.is_bound else budget_problems(application, lines),
            "award": application.rfp.program.award_amount,
            "saved_total": sum(line.amount for line in lines),
        },
        status=400 if invalid else 200,
    )


def _attachments(request, application):
    form = AttachmentForm()
    if request.method == "POST" and request.POST.get("action") == "continue":
        application_step_save(
            application=application,
            step=ApplicationStep.ATTACHMENTS,
            data={},
            actor=request.user,
        )
        return redirect(step_url(application, ApplicationStep.REVIEW))
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment = application_attachment_add(
                    application=application,
                    upload=form.cleaned_data["file"],
                    label=form.cleaned_data["label"],
                    actor=request.user,
                )
            except ValidationError as error:
                _attach_errors(form, error)
            else:
                messages.success(request, f"{attachment.original_name} is attached.")
                return redirect(step_url(application, ApplicationStep.ATTACHMENTS))
    return _render(
        request,
        application,
        ApplicationStep.ATTACHMENTS,
        {
            "form": form,
            "attachments": application.attachments.all(),
            "max_attachments": MAX_ATTACHMENTS,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _review(request, application):
    form = SubmitForm(request.POST or None)
    problems = submission_problems(application, at=timezone.now())
    if request.method == "POST" and form.is_valid():
        try:
            application_submit(application=application, actor=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                "Your application is submitted. We emailed a confirmation to you"
                + (f" and to {application.contact_email}" if application.contact_email else "")
                + ".",
            )
            return redirect("application_detail", application.public_id)
    return _render(
        request,
        application,
        ApplicationStep.REVIEW,
        {"form": form, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )


HANDLERS = {
    ApplicationStep.ORGANIZATION: _details,
    ApplicationStep.CONTENT_AREAS: _content_areas,
    ApplicationStep.PARTNERS: _partners,
    ApplicationStep.NARRATIVE: _narrative,
    ApplicationStep.BUDGET: _budget,
    ApplicationStep.ATTACHMENTS: _attachments,
    ApplicationStep.REVIEW: _review,
}


@require_http_methods(["GET", "POST"])
def application_step(request, public_id, step):
    application = viewable_application(request, public_id)
    if step not in HANDLERS:
        raise Http404("No such step.")
    access = can_edit_application(request.user, application)
    if not access:
        # Staff and reviewers may read the application, and members may read it once
        # submitted; the form itself is for members' drafts.
        messages.info(request, access.reason)
        return redirect("application_detail", application.public_id)
    return HANDLERS[step](request, application)


@require_POST
def application_attachment_delete(request, public_id, pk):
    application = viewable_application(request, public_id)
    require(can_edit_application(request.user, application))
    attachment = next((a for a in application.attachments.all() if a.pk == pk), None)
    if attachment is None:
        raise Http404("No such attachment.")
    attempt(
        request,
        lambda: application_attachment_remove(attachment=attachment, actor=request.user),
        f"{attachment.original_name} is removed.",
    )
    return redirect(step_url(application, ApplicationStep.ATTACHMENTS))
