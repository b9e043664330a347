"""Signing in, in tests: as Django's test client, or as a person in the browser."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from grants.roles import requires_two_factor
from tests.factories import PASSWORD


def totp_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def current_code(user) -> str:
    device = totp_device(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login(client, user):
    """Sign ``client`` in as ``user``, second factor included where the role needs it."""
    client.force_login(user)
    if requires_two_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client


def sign_in(page, user, *, password=PASSWORD, next_path=""):
    """Sign in through the real pages, entering a TOTP code when asked. The user's
    authenticator is enrolled beforehand, as it would be after their first sign-in."""
    if requires_two_factor(user):
        totp_device(user)
    page.goto(f"/accounts/login/{'?next=' + next_path if next_path else ''}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if requires_two_factor(user):
        page.wait_for_url("**/accounts/two-factor/**")
        page.get_by_label("Six-digit code from your authenticator app").fill(current_code(user))
        page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
