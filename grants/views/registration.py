"""Self-service registration and email confirmation for applicants."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from grants.forms.organizations import RegistrationForm
from grants.services.registration import account_register, email_verification_send, email_verify

from .accounts import safe_next


@login_not_required
@require_http_methods(["GET", "POST"])
def register(request):
    """Create an applicant account. The same page follows whether or not the address was
    new, so the form does not tell anyone which addresses have accounts."""
    if request.user.is_authenticated:
        return redirect("portal_home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_register(
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("account_register_sent")
    return render(request, "registration/register.html", {"form": form})


@login_not_required
def register_sent(request):
    return render(request, "registration/register_sent.html")


@login_not_required
def verify(request, token):
    """Follow the emailed link. A valid link confirms the address; the person then signs in
    (or carries on, if already signed in as that account)."""
    try:
        user = email_verify(token=token)
    except ValidationError as error:
        return render(
            request,
            "registration/verify_invalid.html",
            {"problems": error.messages, "expired": getattr(error, "code", "") == "expired"},
            status=400,
        )
    if request.user.is_authenticated and request.user.pk == user.pk:
        messages.success(request, "Thank you: your email address is confirmed.")
        return redirect(safe_next(request))
    messages.success(request, "Your email address is confirmed. Sign in to continue.")
    return redirect(f"{reverse('account_login')}?next={reverse('portal_home')}")


@require_POST
def resend(request):
    """Email the signed-in person a new confirmation link (at most one every two minutes)."""
    user = request.user
    if user.email_verified_at is not None:
        messages.info(request, "Your email address is already confirmed.")
    elif email_verification_send(user=user):
        messages.success(request, f"We sent a new confirmation link to {user.email}.")
    else:
        messages.info(
            request,
            f"A link was sent to {user.email} in the last two minutes. Check your inbox "
            "(and spam folder) before asking again.",
        )
    return redirect(safe_next(request))
