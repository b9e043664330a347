from csp.middleware import CSPMiddleware, PolicyParts
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .roles import requires_two_factor

# Paths a signed-in but not yet verified staff member may still reach.
TWO_FACTOR_EXEMPT_NAMES = ("two_factor_verify", "two_factor_setup", "account_logout")


class RequireTwoFactorMiddleware:
    """Staff, finance and administrators must pass TOTP before anything else, the Wagtail
    admin included. Until then every request leads to the second-factor page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and requires_two_factor(user)
            and not request.path.startswith(("/static/", "/media/"))
            and request.path not in {reverse(name) for name in TWO_FACTOR_EXEMPT_NAMES}
        ):
            target = reverse("two_factor_verify")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site-wide policy forbids inline scripts and styles on every public and portal
    page. Wagtail 8's admin still renders inline scripts (date choosers, inline panels)
    and inline style attributes, so the admin alone, which only signed-in staff with a
    second factor reach, gets 'unsafe-inline'."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path.startswith("/admin/"):
            parts.update = {
                **(parts.update or {}),
                "style-src": ["'unsafe-inline'"],
                "script-src": ["'unsafe-inline'"],
            }
        return parts


class AuditActorMiddleware:
    """Names the signed-in user as the actor of every audited change in this request,
    including changes made by Django or Wagtail code that never calls a service (role
    membership edited in the Wagtail user form, for instance)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .services.audit import acting_as

        user = getattr(request, "user", None)
        with acting_as(user if user is not None and user.is_authenticated else None):
            return self.get_response(request)
