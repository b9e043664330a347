"""Convening pages outside Wagtail's page serving: registering and cancelling, the
facilitator's input form, and the public export of the published site stories."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from grants.exports import tabular_response
from grants.permissions import require

from .convening.selectors import published_snapshot
from .convening.services import registration_cancel, registration_create, session_input_save
from .forms import RegistrationForm, SessionInputForm
from .models import ConveningPage, ConveningRegistration, ConveningSession, RegistrationStatus
from .permissions import can_record_input, can_register


def _live_page(pk) -> ConveningPage:
    return get_object_or_404(ConveningPage.objects.live(), pk=pk)


@require_POST
def convening_register(request, pk):
    """Take a place, or a place on the waitlist, for the signed-in person."""
    page = _live_page(pk)
    require(can_register(request.user, page))
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            registration = registration_create(page=page, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if registration.status == RegistrationStatus.REGISTERED:
                messages.success(request, "You are registered for the convening.")
            else:
                messages.success(
                    request,
                    "The convening is full, so you are on the waitlist. We will email you if a "
                    "place opens up.",
                )
    else:
        messages.error(request, "Please check the registration form.")
    return redirect(page.url + "#registration")


@require_POST
def convening_cancel(request, pk):
    page = _live_page(pk)
    registration = get_object_or_404(ConveningRegistration, page=page, user=request.user)
    try:
        registration_cancel(registration=registration, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your registration is cancelled.")
    return redirect(page.url + "#registration")


@require_http_methods(["GET", "POST"])
def session_input(request, pk):
    """The facilitator records their group's input; anyone else gets 404."""
    session = get_object_or_404(ConveningSession.objects.select_related("page"), pk=pk)
    require(can_record_input(request.user, session))
    existing = getattr(session, "input", None) if hasattr(session, "input") else None
    initial = (
        {
            "participants": existing.participants,
            "key_points": existing.key_points,
            "recommendations": existing.recommendations,
            "concerns": existing.concerns,
        }
        if existing
        else {}
    )
    form = SessionInputForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session_input_save(session=session, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "The group's input is saved. You can correct it later.")
            return redirect("convening_session_input", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "cms/session_input.html", {"session": session, "form": form}, status=status
    )


@login_not_required
def convening_stories_export(request, pk, file_format):
    """Public: the published site stories and consented quotes, as CSV or XLSX. Only the
    published snapshot is read, so nothing unpublished or unconsented can appear."""
    if file_format not in ("csv", "xlsx"):
        raise Http404("Unknown format.")
    page = _live_page(pk)
    snapshot = published_snapshot(page)
    if snapshot is None:
        raise Http404("No figures are published yet.")
    rows = []
    for story in snapshot.figures.get("stories", []):
        for quote in story["quotes"] or [{"text": "", "attribution": ""}]:
            rows.append(
                [
                    story["site"],
                    story["organization"],
                    ", ".join(story["content_areas"]),
                    story["participants"],
                    story["earned"],
                    ", ".join(story["supports"]),
                    quote["text"],
                    quote["attribution"],
                ]
            )
    return tabular_response(
        filename=f"{page.slug}-site-stories",
        headers=[
            "Site",
            "Organization",
            "Content areas",
            "Participants",
            "Earned",
            "Supports",
            "Quote",
            "Attribution",
        ],
        rows=rows,
        file_format=file_format,
    )
