"""Sign-in's second factor and invitation links."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from grants.forms.accounts import SetPasswordFields, TokenForm
from grants.models import User
from grants.services.audit import audit_record
from grants.services.invitations import (
    invitation_accept,
    invitation_accept_new_account,
    invitation_for_token,
)


def safe_next(request, fallback: str | None = None) -> str:
    """The ?next= target if it stays on this host, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback or reverse("portal_home")


def _confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """Ask a signed-in staff member for their TOTP code."""
    device = _confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?next={safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, details = device.verify_is_allowed()
        if not allowed:
            wait = (details or {}).get("locked_until")
            seconds = max(1, int((wait - timezone.now()).total_seconds())) if wait else 1
            form.add_error("token", f"Too many wrong codes. Wait {seconds} seconds and try again.")
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            audit_record(actor=request.user, action="auth.two_factor_verified", obj=request.user)
            return redirect(safe_next(request))
        else:
            form.add_error("token", "That code is not right, or has expired. Try the current one.")
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": safe_next(request)}
    )


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Enrol an authenticator app: show its QR code, confirm with a first code."""
    if _confirmed_device(request.user):
        return redirect(f"{reverse('two_factor_verify')}?next={safe_next(request)}")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(actor=request.user, action="auth.two_factor_enrolled", obj=request.user)
            messages.success(request, "Two-factor sign-in is set up.")
            return redirect(safe_next(request))
        form.add_error(
            "token", "That code is not right. Check the time on your phone and try again."
        )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": secret,
            "next": safe_next(request),
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token):
    """Accept an invitation: sign in as the invited address, or set a password if the
    address has no account yet."""
    invitation = invitation_for_token(token)
    if invitation is None or not invitation.is_usable:
        return render(
            request,
            "registration/invitation_invalid.html",
            {"invitation": invitation},
            status=404 if invitation is None else 410,
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    user = request.user
    form = None
    if user.is_authenticated:
        if user.email.lower() != invitation.email:
            return render(
                request,
                "registration/invitation_wrong_user.html",
                {"invitation": invitation},
                status=403,
            )
        if request.method == "POST":
            try:
                invitation_accept(token=token, user=user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(reverse("invitation_accept", args=[token]))
            messages.success(request, f"Welcome. You now have access to {invitation.target_label}.")
            return redirect("portal_home")
    elif existing is None:
        form = SetPasswordFields(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            new_user = invitation_accept_new_account(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"Your account is ready. You now have access to {invitation.target_label}."
            )
            return redirect("portal_home")
    return render(
        request,
        "registration/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "existing": existing,
            "login_url": f"{reverse('account_login')}?next={request.path}",
        },
    )
